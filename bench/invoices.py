"""Benchmark: `POST /invoices` (a sales invoice of 10 rows) under concurrent load, in invoices per
second, against the minimal hello endpoint measured in the same run.

Invariant: Kirjuri (production mode, PostgreSQL by default, a real bearer token) and the hello app
of `bench/hello_app.py` run under the same uvicorn command and are loaded by `wrk` in the same
run, interleaved (hello, invoices, hello, invoices …); every invoice is a full write: validation,
sums, a gap-free number, the ledger receipt with its VAT rows and balances, the audit event.
Reported: invoices/s (target ≥ 200 on the 2-core machine) and the ratio to hello — the headline is
one company (the worst case: its invoices queue on the company's gap-free numbers); next to it,
clearly labelled, the same load spread over `--companies` companies (a request per company in
turn, each with its own token: a multi-tenant server's normal case).

Run: `.venv/bin/python bench/invoices.py [--db sqlite] [--workers 2] [--help]`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from common import (
    DEFAULT_PG,
    BenchError,
    Server,
    WrkResult,
    analyze_pg_database,
    create_pg_database,
    drop_pg_database,
    ensure_wrk,
    machine,
    median,
    run_wrk,
    write_result,
)
from sessioninfo import get_token, kirjuri_env, mint_token, prepare_database

TARGET_INVOICES_PER_SECOND = 200.0


def invoice_body(today: date) -> dict[str, Any]:
    """A sales invoice of 10 rows at two VAT rates, ASCII only (the body becomes a Lua string)."""
    rows = [
        {
            "product": f"Consulting, item {n}",
            "quantity": 1 + n,
            "unit": "HOUR",
            "unitPrice": f"{95 + n}.50",
            "discountPercent": 0,
            "vatPercent": 25.5 if n % 3 else 13.5,
            "vatStatus": 1,
        }
        for n in range(10)
    ]
    return {
        "type": "SALES_INVOICE",
        "date": today.isoformat(),
        "counterParty": {
            "email": "ap@example.fi",
            "counterPartyAddress": {"name": "Bench Customer Oy", "street": "Kauppakatu 3", "zip": "00100",
                                    "city": "Helsinki", "country": "FINLAND"},
        },
        "paymentInfo": {
            "paymentMethod": "BANK_TRANSFER",
            "currency": "EUR",
            "bankAccount": {"accountNumber": "FI2112345600000785"},
            "dueDate": (today + timedelta(days=14)).isoformat(),
            "currencyRate": 1,
            "bankReferenceCode": "",
        },
        "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
        "discountPercent": 0,
        "vatStatus": 1,
        "invoiceChannel": "NO_SENDING",
        "language": "FINNISH",
        "invoiceRows": rows,
    }  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--pg-admin-url", default=os.environ.get("KIRJURI_TEST_PG", DEFAULT_PG))
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers, the same for every server")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--token", choices=["auto", "endpoint", "mint"], default="auto")
    parser.add_argument("--companies", type=int, default=8, help="companies of the spread measurement (0: skip it)")
    return parser.parse_args(argv)


def more_companies(database_url: str, count: int) -> list[Any]:
    """`count` more sandbox companies (each with its user, client and API key); their credentials."""
    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.sandbox.service import create_sandbox

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            made = [create_sandbox(session, name=f"Bench {n} Oy") for n in range(2, count + 1)]
            session.commit()
    finally:
        engine.dispose()
    return made


def measure(args: argparse.Namespace, database_url: str, credentials: Any, others: list[Any]) -> dict[str, Any]:
    secret_key = secrets.token_urlsafe(48)
    env = kirjuri_env(database_url, secret_key, args.log_level)
    kirjuri = Server("kirjuri", "kirjuri.asgi:app", workers=args.workers, env=env)
    hello = Server("hello", "bench.hello_app:app", workers=args.workers)
    try:
        kirjuri.start("/api/status")
        hello.start("/hello")
        token, token_source = get_token(args.token, kirjuri.base_url, database_url, credentials, secret_key)
        spread = [token, *(mint_token(database_url, other, secret_key) for other in others)]
        auth = {"Authorization": f"Bearer {token}"}
        body = json.dumps(invoice_body(date.today()))
        first = httpx.post(kirjuri.base_url + "/api/invoices", content=body, headers={**auth,
                           "Content-Type": "application/json"}, timeout=30)  # fmt: skip
        if first.status_code != 200:
            raise BenchError(f"POST /api/invoices answered {first.status_code}: {first.text[:800]}")
        load = {"threads": args.threads, "connections": args.connections}
        # name → (url, headers, body, tokens rotated per request)
        targets: dict[str, tuple[str, dict[str, str] | None, str | None, list[str]]] = {
            "hello": (hello.base_url + "/hello", None, None, []),
            "invoices": (kirjuri.base_url + "/api/invoices", auth, body, []),
        }
        if len(spread) > 1:
            targets["invoices-spread"] = (kirjuri.base_url + "/api/invoices", None, body, spread)
        for name, (url, headers, post, tokens) in targets.items():
            run_wrk(f"warm-up {name}", url, seconds=args.warmup, headers=headers, post_json=post,
                    bearer_tokens=tokens, **load)  # fmt: skip
        if database_url.startswith("postgresql"):
            analyze_pg_database(database_url)  # as autovacuum would have by now (see its docstring)
        runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
        for round_no in range(1, args.rounds + 1):
            for name, (url, headers, post, tokens) in targets.items():
                result = run_wrk(name, url, seconds=args.seconds, headers=headers, post_json=post,
                                 bearer_tokens=tokens, **load)  # fmt: skip
                runs[name].append(result)
                print(f"  round {round_no}  {name:<15} {result.rps:>9.1f} req/s  p99 {result.latency_p99_ms} ms")
    finally:
        kirjuri.stop()
        hello.stop()
    return {"token_source": token_source, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        ensure_wrk()
        with tempfile.TemporaryDirectory(prefix="kirjuri-bench-") as tmp:
            database_url = (
                f"sqlite:///{Path(tmp) / 'bench.db'}" if args.db == "sqlite" else create_pg_database(args.pg_admin_url)
            )
            try:
                started = time.monotonic()
                credentials = prepare_database(database_url)
                others = more_companies(database_url, args.companies) if args.companies > 1 else []
                print(f"database ready ({args.db}) in {time.monotonic() - started:.1f} s; measuring …")
                measured = measure(args, database_url, credentials, others)
            finally:
                if args.db == "postgresql":
                    drop_pg_database(args.pg_admin_url, database_url)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    runs = measured["runs"]
    per_second = median([r.rps for r in runs["invoices"]])
    ratio = median([i.rps / h.rps for i, h in zip(runs["invoices"], runs["hello"], strict=True)])
    summary = {
        "benchmark": "invoices",
        "db": args.db,
        "workers": args.workers,
        "wrk": {"threads": args.threads, "connections": args.connections, "seconds": args.seconds},
        "machine": machine(),
        "invoices_per_second": per_second,
        "hello_per_second": median([r.rps for r in runs["hello"]]),
        "ratio_vs_hello": round(ratio, 4),
        "targets": {"invoices/s >= 200": per_second >= TARGET_INVOICES_PER_SECOND},
        # Not the headline: the same load over several companies (see the module docstring).
        "spread": {"companies": args.companies, "invoices_per_second": median([r.rps for r in runs["invoices-spread"]])}
        if "invoices-spread" in runs
        else None,
        "runs": runs,
    }
    print()
    print(f"POST /api/invoices (10 rows) — {args.db}, {args.workers} worker(s), wrk -c{args.connections}")
    print(f"  invoices per second, one company  {per_second:>9.1f}   (target >= 200: "
          f"{'ok' if summary['targets']['invoices/s >= 200'] else 'BELOW TARGET'})")  # fmt: skip
    if summary["spread"] is not None:
        spread = summary["spread"]
        print(f"  invoices per second, spread over {spread['companies']} companies (not the headline) "
              f"{spread['invoices_per_second']:>9.1f}")  # fmt: skip
    print(f"  hello per second     {summary['hello_per_second']:>9.1f}")
    print(f"  ratio invoices / hello {ratio:.1%}")
    path = write_result(f"invoices-{args.db}", summary)
    print(f"  result: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
