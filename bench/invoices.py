"""Benchmark: `POST /invoices` (a sales invoice of 10 rows) under concurrent load, in invoices per
second, against the minimal hello endpoint measured in the same run.

Invariant: Kirjuri (production mode, PostgreSQL by default, a real bearer token) and the hello app
of `bench/hello_app.py` run under the same uvicorn command and are loaded by `wrk` in the same
run, interleaved (hello, invoices, hello, invoices …); every invoice is a full write: validation,
sums, a gap-free number, the ledger receipt with its VAT rows and balances, the audit event.
Reported: invoices/s (target ≥ 200 on the 2-core machine) and the ratio to hello.

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
    create_pg_database,
    drop_pg_database,
    ensure_wrk,
    machine,
    median,
    run_wrk,
    write_result,
)
from sessioninfo import get_token, kirjuri_env, prepare_database

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
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, database_url: str, credentials: Any) -> dict[str, Any]:
    secret_key = secrets.token_urlsafe(48)
    env = kirjuri_env(database_url, secret_key, args.log_level)
    kirjuri = Server("kirjuri", "kirjuri.asgi:app", workers=args.workers, env=env)
    hello = Server("hello", "bench.hello_app:app", workers=args.workers)
    try:
        kirjuri.start("/api/status")
        hello.start("/hello")
        token, token_source = get_token(args.token, kirjuri.base_url, database_url, credentials, secret_key)
        auth = {"Authorization": f"Bearer {token}"}
        body = json.dumps(invoice_body(date.today()))
        first = httpx.post(kirjuri.base_url + "/api/invoices", content=body, headers={**auth,
                           "Content-Type": "application/json"}, timeout=30)  # fmt: skip
        if first.status_code != 200:
            raise BenchError(f"POST /api/invoices answered {first.status_code}: {first.text[:800]}")
        load = {"threads": args.threads, "connections": args.connections}
        targets: dict[str, tuple[str, dict[str, str] | None, str | None]] = {
            "hello": (hello.base_url + "/hello", None, None),
            "invoices": (kirjuri.base_url + "/api/invoices", auth, body),
        }
        for name, (url, headers, post) in targets.items():
            run_wrk(f"warm-up {name}", url, seconds=args.warmup, headers=headers, post_json=post, **load)
        runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
        for round_no in range(1, args.rounds + 1):
            for name, (url, headers, post) in targets.items():
                result = run_wrk(name, url, seconds=args.seconds, headers=headers, post_json=post, **load)
                runs[name].append(result)
                print(f"  round {round_no}  {name:<10} {result.rps:>9.1f} req/s  p99 {result.latency_p99_ms} ms")
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
                print(f"database ready ({args.db}) in {time.monotonic() - started:.1f} s; measuring …")
                measured = measure(args, database_url, credentials)
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
        "runs": runs,
    }
    print()
    print(f"POST /api/invoices (10 rows) — {args.db}, {args.workers} worker(s), wrk -c{args.connections}")
    print(f"  invoices per second  {per_second:>9.1f}   (target >= 200: "
          f"{'ok' if summary['targets']['invoices/s >= 200'] else 'BELOW TARGET'})")  # fmt: skip
    print(f"  hello per second     {summary['hello_per_second']:>9.1f}")
    print(f"  ratio invoices / hello {ratio:.1%}")
    path = write_result(f"invoices-{args.db}", summary)
    print(f"  result: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
