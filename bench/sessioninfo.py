"""Benchmark: `GET /api/sessioninfo` throughput against a hello-world ceiling, and memory.

Invariant: Kirjuri (production mode, a real database, a real bearer token, the rate limiter on
but never hit) and the minimal FastAPI app of `bench/hello_app.py` are served by the same
uvicorn command with the same worker count and loaded by `wrk` in the same run, interleaved
(hello, kirjuri, hello, kirjuri …); the result is the median ratio kirjuri / hello, which
survives a noisy shared machine better than any absolute number. Targets: ratio >= 50 %,
resident memory < 150 MB per worker after the load.

Run: `make bench` or `.venv/bin/python bench/sessioninfo.py [--db sqlite] [--help]`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
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

TARGET_RATIO = 0.50
TARGET_RSS_MB = 150.0
PUBLIC_URL = "http://127.0.0.1:8000"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("KIRJURI_TEST_PG", DEFAULT_PG),
        help="a PostgreSQL database to connect to for CREATE/DROP DATABASE",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="length of each warm-up run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (hello, kirjuri) …")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers, the same for every server")
    parser.add_argument("--log-level", default="INFO", help="KIRJURI_LOG_LEVEL of the server (INFO in production)")
    parser.add_argument(
        "--token",
        choices=["auto", "endpoint", "mint"],
        default="auto",
        help="how to get the access token: POST /api/oauth/token, minted in the database, or the first that works",
    )
    return parser.parse_args(argv)


# --- the database and the credentials ------------------------------------------------------


def prepare_database(url: str) -> Any:
    """Migrate, create a sandbox (company, user, client, API key); return its credentials."""
    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.db.migrate import upgrade
    from kirjuri.sandbox.service import create_sandbox

    upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            credentials = create_sandbox(session, name="Bench Oy")
            session.commit()
    finally:
        engine.dispose()
    return credentials


def token_from_endpoint(base_url: str, credentials: Any) -> str | None:
    response = httpx.post(
        f"{base_url}/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "api_key": credentials.api_key,
        },
        timeout=30,
    )
    if response.status_code != 200:
        return None
    token = response.json().get("access_token")
    return str(token) if token else None


def mint_token(url: str, credentials: Any, secret_key: str) -> str:
    """The token `POST /api/oauth/token` would issue, written straight into the database."""
    from kirjuri.auth import repository, service
    from kirjuri.db.engine import make_engine, make_session_factory

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            client = repository.client_by_client_id(session, credentials.client_id)
            assert client is not None
            key = service.verify_api_key(session, client=client, api_key=credentials.api_key)
            assert key is not None
            issued = service.issue_token(
                session,
                client=client,
                company_id=key.company_id,
                user_id=key.user_id,
                api_key_id=key.id,
                access_ttl=3600,
                signing_key=secret_key,
                issuer=PUBLIC_URL,
            )
            session.commit()
            return issued.access_token
    finally:
        engine.dispose()


def get_token(mode: str, base_url: str, url: str, credentials: Any, secret_key: str) -> tuple[str, str]:
    if mode in ("auto", "endpoint"):
        token = token_from_endpoint(base_url, credentials)
        if token:
            return token, "POST /api/oauth/token"
        if mode == "endpoint":
            raise BenchError("POST /api/oauth/token did not issue a token (use --token mint)")
    return mint_token(url, credentials, secret_key), "minted with auth.service.issue_token"


# --- the run -------------------------------------------------------------------------------


def kirjuri_env(database_url: str, secret_key: str, log_level: str) -> dict[str, str]:
    return {
        "KIRJURI_ENV": "production",
        "KIRJURI_SANDBOX": "false",
        "KIRJURI_DATABASE_URL": database_url,
        "KIRJURI_SECRET_KEY": secret_key,
        "KIRJURI_PUBLIC_URL": PUBLIC_URL,
        # The limiter runs on every request but never refuses one.
        "KIRJURI_RATE_LIMIT_PER_SECOND": "100000000",
        "KIRJURI_LOG_LEVEL": log_level,
        "KIRJURI_REDIS_URL": "",  # the in-process limiter
    }


def check_once(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = httpx.get(url, headers=headers, timeout=30)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}: {response.text[:500]}")
    body: dict[str, Any] = response.json()
    return body


def measure(args: argparse.Namespace, database_url: str, credentials: Any) -> dict[str, Any]:
    secret_key = secrets.token_urlsafe(48)
    env = kirjuri_env(database_url, secret_key, args.log_level)
    kirjuri = Server("kirjuri", "kirjuri.asgi:app", workers=args.workers, env=env)
    hello = Server("hello", "bench.hello_app:app", workers=args.workers)
    servers = [kirjuri, hello]
    try:
        for server, path in ((kirjuri, "/api/status"), (hello, "/hello")):
            server.start(path)
        token, token_source = get_token(args.token, kirjuri.base_url, database_url, credentials, secret_key)
        auth = {"Authorization": f"Bearer {token}"}
        targets = {
            "hello": (hello.base_url + "/hello", None),
            "hello-sync": (hello.base_url + "/hello-sync", None),
            "sessioninfo": (kirjuri.base_url + "/api/sessioninfo", auth),
        }
        info = check_once(targets["sessioninfo"][0], auth)
        if info.get("companyId") != credentials.company_id:
            raise BenchError(f"sessioninfo answered another company: {info}")
        check_once(targets["hello"][0])
        check_once(targets["hello-sync"][0])
        rss_start = {s.name: s.rss_mb() for s in servers}

        load = {"threads": args.threads, "connections": args.connections}
        for name, (url, headers) in targets.items():
            run_wrk(f"warm-up {name}", url, seconds=args.warmup, headers=headers, **load)
        runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
        for round_no in range(1, args.rounds + 1):
            for name, (url, headers) in targets.items():
                result = run_wrk(name, url, seconds=args.seconds, headers=headers, **load)
                runs[name].append(result)
                print(f"  round {round_no}  {name:<12} {result.rps:>9.0f} req/s  p99 {result.latency_p99_ms} ms")
        rss_after = {s.name: s.rss_mb() for s in servers}
    finally:
        for server in servers:
            server.stop()
    return {
        "token_source": token_source,
        "runs": runs,
        "rss_start_mb": rss_start,
        "rss_after_mb": rss_after,
    }


def summarize(args: argparse.Namespace, measured: dict[str, Any]) -> dict[str, Any]:
    runs: dict[str, list[WrkResult]] = measured["runs"]
    rps = {name: median([r.rps for r in results]) for name, results in runs.items()}
    # Ratio per round (the runs of a round are neighbours in time), then the median.
    ratio = median([k.rps / h.rps for k, h in zip(runs["sessioninfo"], runs["hello"], strict=True)])
    ratio_sync = median([k.rps / h.rps for k, h in zip(runs["sessioninfo"], runs["hello-sync"], strict=True)])
    rss_after = measured["rss_after_mb"]["kirjuri"]
    return {
        "benchmark": "sessioninfo",
        "db": args.db,
        "workers": args.workers,
        "wrk": {"threads": args.threads, "connections": args.connections, "seconds": args.seconds},
        "log_level": args.log_level,
        "token_source": measured["token_source"],
        "machine": machine(),
        "median_rps": rps,
        "ratio_vs_hello": round(ratio, 3),
        "ratio_vs_hello_sync": round(ratio_sync, 3),
        "rss_start_mb": measured["rss_start_mb"],
        "rss_after_mb": measured["rss_after_mb"],
        "targets": {
            "ratio_vs_hello >= 0.50": ratio >= TARGET_RATIO,
            "rss per worker < 150 MB": all(mb < TARGET_RSS_MB for mb in rss_after),
        },
        "runs": runs,
    }


def report(summary: dict[str, Any]) -> None:
    rps = summary["median_rps"]
    print()
    print(
        f"GET /api/sessioninfo vs hello — {summary['db']}, {summary['workers']} worker(s), "
        f"wrk -t{summary['wrk']['threads']} -c{summary['wrk']['connections']}, token {summary['token_source']}"
    )
    print(f"  {'endpoint':<24}{'median req/s':>14}{'vs hello':>10}")
    for name, label in (
        ("hello", "hello (async def)"),
        ("hello-sync", "hello (def)"),
        ("sessioninfo", "/api/sessioninfo"),
    ):
        print(f"  {label:<24}{rps[name]:>14.0f}{rps[name] / rps['hello']:>10.0%}")
    ok = summary["targets"]
    mark = {True: "ok", False: "BELOW TARGET"}
    print(
        f"  ratio sessioninfo / hello       {summary['ratio_vs_hello']:.0%}  "
        f"(target >= 50 %: {mark[ok['ratio_vs_hello >= 0.50']]})"
    )
    print(f"  ratio sessioninfo / hello (def) {summary['ratio_vs_hello_sync']:.0%}")
    print(f"  {'resident memory (MB/worker)':<30}{'after start':>12}{'after load':>12}")
    for name in ("kirjuri", "hello"):
        start = ", ".join(f"{mb:.0f}" for mb in summary["rss_start_mb"][name])
        after = ", ".join(f"{mb:.0f}" for mb in summary["rss_after_mb"][name])
        print(f"  {name:<30}{start:>12}{after:>12}")
    print(f"  kirjuri memory target < 150 MB per worker: {mark[ok['rss per worker < 150 MB']]}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import kirjuri  # noqa: F401 - the benchmark needs the project's virtualenv
    except ImportError:
        print("run with the project's virtualenv: .venv/bin/python bench/sessioninfo.py", file=sys.stderr)
        return 2
    try:
        ensure_wrk()
        with tempfile.TemporaryDirectory(prefix="kirjuri-bench-") as tmp:
            if args.db == "sqlite":
                database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            else:
                database_url = create_pg_database(args.pg_admin_url)
            try:
                started = time.monotonic()
                credentials = prepare_database(database_url)
                print(f"database ready ({args.db}) in {time.monotonic() - started:.1f} s; measuring …")
                summary = summarize(args, measure(args, database_url, credentials))
            finally:
                if args.db == "postgresql":
                    drop_pg_database(args.pg_admin_url, database_url)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    report(summary)
    path = write_result(f"sessioninfo-{args.db}", summary)
    print(f"  result: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
