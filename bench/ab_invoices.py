"""Benchmark: `POST /invoices` on two or more server variants at once — one database, interleaved
rounds — in invoices per second and CPU per invoice (the server's workers and PostgreSQL).

Invariant: every variant is Kirjuri in production mode (`invoices.py`'s command and body, one
company, one token) against the same analysed PostgreSQL database, and the variants take turns
round by round, so a neighbour slowing the machine slows them all alike; only what a variant's
environment changes differs. This is how a change is measured on a machine whose speed moves 2×
within an hour: the same change measured in two runs of `invoices.py` says little.

A variant is `label:KEY=VALUE,KEY=VALUE` (environment of its server): a setting
(`KIRJURI_DB_CONCURRENCY=2`), `WORKERS=N` (uvicorn workers, 2 by default), or `PYTHONPATH=DIR`
to run another checkout's code, e.g. the commit before a change:

    git worktree add /tmp/before HEAD~1
    .venv/bin/python bench/ab_invoices.py --variant before:PYTHONPATH=/tmp/before/src --variant after:

Run: `.venv/bin/python bench/ab_invoices.py --variant A:... --variant B:... [--rounds 3] [--help]`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from datetime import date
from typing import Any

import psutil

from common import (
    DEFAULT_PG,
    BenchError,
    Server,
    analyze_pg_database,
    create_pg_database,
    drop_pg_database,
    ensure_wrk,
    machine,
    median,
    run_wrk,
    write_result,
)
from invoices import invoice_body
from sessioninfo import kirjuri_env, mint_token, prepare_database


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--variant", action="append", required=True, help="label:KEY=VALUE,… (repeat)")
    parser.add_argument("--pg-admin-url", default=os.environ.get("KIRJURI_TEST_PG", DEFAULT_PG))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--connections", type=int, default=16)
    return parser.parse_args(argv)


def variant(text: str) -> tuple[str, dict[str, str]]:
    label, _, pairs = text.partition(":")
    env = dict(pair.split("=", 1) for pair in pairs.split(",") if pair)
    return label, env


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU of these processes (one that ended since counts nothing)."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def postgres_processes() -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]


def line(run: dict[str, float]) -> str:
    return (
        f"{run['invoices_per_second']:7.1f} invoices/s   CPU per invoice: server {run['server_cpu_ms']:5.2f} ms, "
        f"PostgreSQL {run['postgres_cpu_ms']:5.2f} ms"
    )


def measure(args: argparse.Namespace, database_url: str) -> dict[str, list[dict[str, float]]]:
    credentials = prepare_database(database_url)
    secret_key = secrets.token_urlsafe(48)
    env = kirjuri_env(database_url, secret_key, "WARNING")
    servers: list[tuple[str, Server]] = []
    try:
        for label, extra in map(variant, args.variant):
            workers = int(extra.pop("WORKERS", "2"))
            server = Server(f"kirjuri-{label}", "kirjuri.asgi:app", workers=workers, env={**env, **extra})
            server.start("/api/status")
            servers.append((label, server))
        token = mint_token(database_url, credentials, secret_key)
        body = json.dumps(invoice_body(date.today()))
        headers = {"Authorization": f"Bearer {token}"}
        load: dict[str, Any] = {"threads": 2, "connections": args.connections, "headers": headers,
                                "post_json": body, "bearer_tokens": []}  # fmt: skip
        for label, server in servers:
            run_wrk(f"warm-up {label}", server.base_url + "/api/invoices", seconds=3, **load)
        analyze_pg_database(database_url)  # as autovacuum would have (see its docstring)
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _ in servers}
        for round_no in range(1, args.rounds + 1):
            for label, server in servers:
                own, database = server.worker_processes(), postgres_processes()
                before = cpu_seconds(own), cpu_seconds(database)
                result = run_wrk(label, server.base_url + "/api/invoices", seconds=args.seconds, **load)
                # Backends that started during the run count from zero; those that ended, not at all.
                database += [p for p in postgres_processes() if p not in database]
                per_invoice = 1000 / max(result.rps * args.seconds, 1)
                run = {
                    "invoices_per_second": result.rps,
                    "server_cpu_ms": (cpu_seconds(own) - before[0]) * per_invoice,
                    "postgres_cpu_ms": (cpu_seconds(database) - before[1]) * per_invoice,
                }
                runs[label].append(run)
                print(f"  round {round_no}  {label:<12} {line(run)}")
    finally:
        for _, server in servers:
            server.stop()
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        ensure_wrk()
        database_url = create_pg_database(args.pg_admin_url)
        try:
            runs = measure(args, database_url)
        finally:
            drop_pg_database(args.pg_admin_url, database_url)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print(f"\nPOST /api/invoices (10 rows), one company, wrk -c{args.connections}, medians of {args.rounds} rounds")
    for label, measured in runs.items():
        print(f"  {label:<12} {line({key: median([r[key] for r in measured]) for key in measured[0]})}")
    path = write_result("ab-invoices", {"variants": args.variant, "machine": machine(), "runs": runs})
    print(f"  result: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
