"""Profile: `POST /invoices` in-process — the app of production, a fresh migrated database with
the bench's sandbox and token, the bench's invoice body — timed per request, its SQL statements
counted, and optionally profiled (yappi, CPU time, every thread: the handler runs in the
threadpool; `pip install yappi` into the virtualenv first).

Invariant: measures the same request as `bench/invoices.py` (same body, same settings but for the
server), without the HTTP server or the load generator, so that the application's own cost per
invoice can be compared before and after a change; the database it creates is dropped at the end.

Run: `.venv/bin/python bench/profile_invoices.py [--db sqlite] [-n 200] [--profile] [--sql]`.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, create_pg_database, drop_pg_database
from invoices import invoice_body
from sessioninfo import kirjuri_env, mint_token, prepare_database


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--pg-admin-url", default=os.environ.get("KIRJURI_TEST_PG", DEFAULT_PG))
    parser.add_argument("-n", type=int, default=200, help="invoices measured (after 20 warm-up ones)")
    parser.add_argument("--profile", action="store_true", help="profile the measured requests (yappi)")
    parser.add_argument("--top", type=int, default=60, help="profile lines shown (inclusive time order)")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, database_url: str) -> None:
    from sqlalchemy import event
    from starlette.testclient import TestClient

    from kirjuri.app import create_app
    from kirjuri.config import Settings

    credentials = prepare_database(database_url)
    secret_key = secrets.token_urlsafe(48)
    for key, value in kirjuri_env(database_url, secret_key, "WARNING").items():
        os.environ[key] = value
    app = create_app(Settings())
    token = mint_token(database_url, credentials, secret_key)
    statements: list[str] = []
    # The time from the first counter (its row lock, held until the commit) to the commit's start:
    # invoices of one company cannot be written faster than one per such span.
    locked: list[float] = []
    held: list[float] = []

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)
        if not locked and statement.startswith(("UPDATE company_counters", "INSERT INTO company_counters")):
            locked.append(time.perf_counter())

    @event.listens_for(app.state.engine, "commit")
    def _commit(_conn: Any) -> None:
        if locked:
            held.append(time.perf_counter() - locked.pop())

    body = json.dumps(invoice_body(date.today()))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:

        def post() -> None:
            response = client.post("/api/invoices", content=body, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"POST /api/invoices answered {response.status_code}: {response.text[:800]}")

        for _ in range(20):
            post()
        statements.clear()
        post()
        one = list(statements)
        held.clear()
        if args.profile:
            import yappi

            yappi.set_clock_type("cpu")
            yappi.start(builtins=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            post()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if args.profile:
            yappi.stop()
    report(args, elapsed=elapsed, cpu=cpu, one=one, held=held)


def report(args: argparse.Namespace, *, elapsed: float, cpu: float, one: list[str], held: list[float]) -> None:
    print(f"{args.db}: {args.n} invoices in {elapsed:.2f} s — {1000 * elapsed / args.n:.2f} ms per invoice")
    print(f"CPU of this process (client and server, every thread): {1000 * cpu / args.n:.2f} ms per invoice")
    print(f"SQL statements per invoice: {len(one)}")
    print(f"counter locks held before the commit: {1000 * sum(held) / max(len(held), 1):.2f} ms per invoice")
    kinds = collections.Counter(s.split(None, 1)[0].upper() for s in one)
    print("  " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    if args.sql:
        for s in one:
            print("  -", " ".join(s.split())[:160])
    if args.profile:
        import yappi

        stats = yappi.get_func_stats()
        stats.sort("ttot", "desc")
        print(f"{'calls':>8} {'own ms/inv':>10} {'incl ms/inv':>11}  function")
        for stat in list(stats)[: args.top]:
            where = f"{Path(stat.module).name}:{stat.lineno} {stat.name}"
            print(f"{stat.ncall:>8} {1000 * stat.tsub / args.n:>10.3f} {1000 * stat.ttot / args.n:>11.3f}  {where}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kirjuri-profile-") as tmp:
        if args.db == "sqlite":
            run(args, f"sqlite:///{Path(tmp) / 'profile.db'}")
            return 0
        url = create_pg_database(args.pg_admin_url, prefix="kirjuri_profile")
        try:
            run(args, url)
        finally:
            drop_pg_database(args.pg_admin_url, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
