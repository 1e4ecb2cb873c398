"""Benchmark: load 1,000,000 postings through the bulk path, then time the reports over HTTP
against `ledger bal` over the same postings.

Invariants of the measure:
- the postings are generated from a fixed seed (the same run twice loads the same books);
- the bulk load is compared with a raw `COPY` of the same posting rows (same columns, same values)
  into a plain scratch table — no keys, no indexes, no checks — timed before and after the load in
  the same database; both include their commit. Target: bulk ≥ 30 % of the raw COPY rate;
- the reports are timed over HTTP (Kirjuri in production mode, uvicorn started as every benchmark
  starts it, a real bearer token), sequentially, median of `--requests` after a warm-up, every
  answer checked to be 200. Target: each < 25 ms;
- `ledger -f FILE bal` reads a ledger-cli journal holding exactly the loaded postings. Target:
  each report ≥ 300× faster than it;
- a plain `SELECT account, sum(amount_minor) … GROUP BY account` over the postings is timed for
  reference: what a report would cost without the balances.
Whatever the run creates (database, server, journal file) is removed at the end, also on error.

Run: `make bench` or `.venv/bin/python bench/reports.py [--receipts 250000] [--help]`.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from common import (
    DEFAULT_PG,
    BenchError,
    Server,
    create_pg_database,
    drop_pg_database,
    machine,
    median,
    write_result,
)
from sessioninfo import get_token, kirjuri_env, prepare_database

TARGET_LOAD_RATIO = 0.30
TARGET_REPORT_MS = 25.0
TARGET_LEDGER_RATIO = 300.0
SCRATCH = "bench_scratch_postings"
REPORTS = ("trialbalance", "balancesheet", "incomestatement")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("KIRJURI_TEST_PG", DEFAULT_PG),
        help="a PostgreSQL database to connect to for CREATE/DROP DATABASE",
    )
    parser.add_argument("--receipts", type=int, default=250_000, help="receipts to load")
    parser.add_argument("--rows", type=int, default=4, help="postings per receipt (>= 2)")
    parser.add_argument("--accounts", type=int, default=60, help="accounts of the default chart used")
    parser.add_argument("--seed", type=int, default=2604, help="seed of the generated postings")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per report")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per report")
    parser.add_argument("--ledger-runs", type=int, default=3, help="runs of `ledger bal` (median)")
    parser.add_argument("--skip-ledger", action="store_true", help="do not run ledger-cli")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers")
    parser.add_argument("--log-level", default="INFO", help="KIRJURI_LOG_LEVEL of the server (INFO in production)")
    parser.add_argument("--token", choices=["auto", "endpoint", "mint"], default="auto")
    args = parser.parse_args(argv)
    if args.rows < 2 or args.receipts < 1:
        parser.error("--rows must be >= 2 and --receipts >= 1")
    return args


# --- ledger-cli ----------------------------------------------------------------------------------


def ensure_ledger() -> str:
    """Path of `ledger`; installs the Debian package when missing and running as root."""
    found = shutil.which("ledger")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("ledger is not installed: run `sudo apt-get install -y ledger` (or use --skip-ledger)")
    print("ledger not found: installing the Debian package …", file=sys.stderr)
    apt = ["apt-get", "install", "-y", "-q", "ledger"]
    if subprocess.run(apt, check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(apt, check=False, capture_output=True)
    found = shutil.which("ledger")
    if not found:
        raise BenchError("ledger could not be installed (apt-get install -y ledger failed)")
    return found


def cents_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def write_journal(path: Path, batch: Sequence[Any]) -> int:
    """The receipts as a ledger-cli journal (account codes as account names, amounts in EUR)."""
    lines = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        for receipt in batch:
            parts = [f"{receipt.receipt_date:%Y/%m/%d} {receipt.name}\n"]
            parts += [f"    {account}  {cents_text(cents)} EUR\n" for account, cents in receipt.rows]
            parts.append("\n")
            out.write("".join(parts))
            lines += len(receipt.rows)
    return lines


def time_ledger(binary: str, journal: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([binary, "-f", str(journal), "bal"], check=False, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0 or not done.stdout.strip():
            raise BenchError(f"ledger bal failed ({done.returncode}): {done.stderr[-2000:]}")
        times.append(elapsed * 1000)
    return times


# --- the books -----------------------------------------------------------------------------------


def prepare_books(url: str, company_id: int) -> tuple[list[tuple[int, int, date, date]], date, date, date]:
    """Two consecutive OPEN fiscal years (opened when missing); their periods and dates."""
    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.ledger import fiscal

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            while True:
                found = fiscal.years(session, company_id=company_id)  # newest first
                open_years = [(y, p) for y, p in found if y.status == fiscal.OPEN and all(
                    period.status == fiscal.OPEN for period in p)]  # fmt: skip
                pair = open_years[:2]
                if len(pair) == 2 and pair[1][0].end_date + timedelta(days=1) == pair[0][0].start_date:
                    break
                fiscal.open_next_year(session, company_id=company_id)
            session.commit()
            (second, second_periods), (first, first_periods) = pair
            periods = [(p.id, p.fiscal_year_id, p.start_date, p.end_date) for p in first_periods + second_periods]
            return periods, first.start_date, second.start_date, second.end_date
    finally:
        engine.dispose()


def chosen_accounts(count: int) -> list[str]:
    """`count` accounts spread over the whole default chart (assets … financial items)."""
    from kirjuri.ledger import chart

    codes = [a.code for a in chart.DEFAULT_CHART]
    step = max(1, len(codes) // count)
    return codes[::step][:count]


def generate(args: argparse.Namespace, start: date, end: date, accounts: Sequence[str]) -> list[Any]:
    """Balanced receipts of `args.rows` postings each, dates uniform over [start, end], in date order."""
    from kirjuri.ledger.bulk import BulkReceipt

    rnd = random.Random(args.seed)
    days = (end - start).days + 1
    # History is loaded in date order, as a migration exports it.
    dates = sorted(start + timedelta(days=rnd.randrange(days)) for _ in range(args.receipts))
    batch = []
    for n, day in enumerate(dates):
        amounts = [rnd.randint(1, 500_000) * rnd.choice((1, -1)) for _ in range(args.rows - 1)]
        amounts.append(-sum(amounts))
        rows = tuple(zip(rnd.sample(accounts, args.rows), amounts, strict=True))
        batch.append(BulkReceipt(name=f"Tosite {n + 1}", receipt_date=day, rows=rows))
    return batch


def copy_rows(
    batch: Sequence[Any], company_id: int, periods: Sequence[tuple[int, int, date, date]]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows `bulk_post` writes (receipts, postings; same columns, same values but the ids),
    prepared beforehand for the raw COPY references."""
    from kirjuri.core import clock
    from kirjuri.ledger.bulk import VAT_TYPE, ZERO_PERCENT

    starts = [p[2] for p in periods]
    now = clock.now()
    receipts: list[tuple[Any, ...]] = []
    postings: list[tuple[Any, ...]] = []
    numbers: dict[int, int] = {}
    posting_id = 0
    for receipt_id, receipt in enumerate(batch, start=1):
        period_id, year_id, _start, _end = periods[bisect.bisect_right(starts, receipt.receipt_date) - 1]
        number = numbers[year_id] = numbers.get(year_id, 0) + 1
        receipts.append((company_id, receipt_id, receipt.type, receipt.status, receipt.name, receipt.receipt_date,
                         year_id, period_id, number, VAT_TYPE, receipt_id, number, None, now, now))  # fmt: skip
        for line_no, (account, cents) in enumerate(receipt.rows):
            posting_id += 1
            postings.append((company_id, posting_id, receipt_id, line_no, "ENTRY", account, cents,
                             receipt.receipt_date, period_id, ZERO_PERCENT))  # fmt: skip
    return receipts, postings


# --- the loads -----------------------------------------------------------------------------------


def _copy(conn: Any, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def raw_copy(url: str, postings: Sequence[tuple[Any, ...]]) -> float:
    """Seconds for COPY of the posting rows into a fresh plain table of ledger_transactions'
    columns (no keys, no indexes, no foreign keys: LIKE copies only columns and NOT NULLs) + commit."""
    import psycopg

    from kirjuri.ledger.bulk import POSTING_COLUMNS

    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        conn.execute(f"CREATE TABLE {SCRATCH} (LIKE ledger_transactions)")
        conn.commit()
        started = time.perf_counter()
        _copy(conn, SCRATCH, POSTING_COLUMNS, postings)
        conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute(f"DROP TABLE {SCRATCH}")
        conn.commit()
    return elapsed


def schema_copy(url: str, receipts: Sequence[tuple[Any, ...]], postings: Sequence[tuple[Any, ...]]) -> float:
    """Seconds for COPY of the receipt and posting rows into fresh tables shaped like the ledger's
    — the same keys, unique constraints, indexes and foreign keys — + commit: the most any load
    path can reach with this schema, a reference for the bulk path (not its target)."""
    import psycopg

    from kirjuri.ledger.bulk import POSTING_COLUMNS, RECEIPT_COLUMNS

    receipts_table, postings_table = f"{SCRATCH}_r", f"{SCRATCH}_p"
    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {postings_table}, {receipts_table}")
        conn.execute(f"CREATE TABLE {receipts_table} (LIKE ledger_receipts INCLUDING ALL)")
        conn.execute(f"ALTER TABLE {receipts_table} ADD FOREIGN KEY (company_id) REFERENCES companies (id)")
        conn.execute(f"CREATE TABLE {postings_table} (LIKE ledger_transactions INCLUDING ALL)")
        conn.execute(
            f"ALTER TABLE {postings_table} ADD FOREIGN KEY (company_id, receipt_id) "
            f"REFERENCES {receipts_table} (company_id, id)"
        )
        conn.commit()
        started = time.perf_counter()
        _copy(conn, receipts_table, RECEIPT_COLUMNS, receipts)
        _copy(conn, postings_table, POSTING_COLUMNS, postings)
        conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute(f"DROP TABLE {postings_table}, {receipts_table}")
        conn.commit()
    return elapsed


def bulk_load(url: str, company_id: int, batch: Sequence[Any]) -> tuple[float, Any]:
    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.ledger.bulk import bulk_post

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            started = time.perf_counter()
            result = bulk_post(session, company_id=company_id, receipts=batch)
            session.commit()
            elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    return elapsed, result


def analyze(url: str) -> None:
    """What autovacuum would soon do on its own; done here so the plans do not depend on timing."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE ledger_transactions")
        conn.execute("VACUUM ANALYZE ledger_receipts")
        conn.execute("VACUUM ANALYZE ledger_balances")


def time_group_by(url: str, company_id: int, runs: int = 5) -> tuple[list[float], int]:
    import psycopg

    query = "SELECT account, sum(amount_minor) FROM ledger_transactions WHERE company_id = %s GROUP BY account"
    times = []
    accounts = 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(query, (company_id,)).fetchall()  # warm the cache
        for _ in range(runs):
            started = time.perf_counter()
            accounts = len(conn.execute(query, (company_id,)).fetchall())
            times.append((time.perf_counter() - started) * 1000)
    return times, accounts


# --- the reports over HTTP -----------------------------------------------------------------------


def time_requests(client: httpx.Client, url: str, params: dict[str, str], warmup: int, count: int) -> list[float]:
    def once() -> float:
        started = time.perf_counter()
        response = client.get(url, params=params)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise BenchError(f"GET {url} {params} answered {response.status_code}: {response.text[:500]}")
        return elapsed

    for _ in range(warmup):
        once()
    return [once() for _ in range(count)]


def check_trial_balance(body: dict[str, Any], loaded_debit_cents: int) -> None:
    """The answer covers what was loaded: its debits hold at least the loaded ones (the sandbox's
    demo receipts add theirs) and it balances — a fast report of the wrong books is no result."""
    totals = body["totals"]
    if Decimal(str(totals["closing"])) != 0 or Decimal(str(totals["opening"])) != 0:
        raise BenchError(f"the trial balance does not sum to zero: {totals}")
    if Decimal(str(totals["debit"])) * 100 < loaded_debit_cents:
        raise BenchError(f"the trial balance misses loaded postings: debit {totals['debit']}, loaded "
                         f"{cents_text(loaded_debit_cents)}")  # fmt: skip


def measure_reports(
    args: argparse.Namespace,
    url: str,
    credentials: Any,
    *,
    first_start: date,
    second_start: date,
    end: date,
    loaded_debit_cents: int,
) -> dict[str, Any]:
    secret_key = secrets.token_urlsafe(48)
    server = Server(
        "kirjuri", "kirjuri.asgi:app", workers=args.workers, env=kirjuri_env(url, secret_key, args.log_level)
    )
    targets: dict[str, dict[str, str]] = {
        # The whole loaded span; the balance sheet at its end (the first year carried forward, not
        # closed); the income statement of the second year.
        "trialbalance": {"startDate": first_start.isoformat(), "endDate": end.isoformat()},
        "balancesheet": {"endDate": end.isoformat()},
        "incomestatement": {"startDate": second_start.isoformat(), "endDate": end.isoformat()},
    }
    out: dict[str, Any] = {"missing": [], "times_ms": {}}
    try:
        server.start("/api/status")
        token, source = get_token(args.token, server.base_url, url, credentials, secret_key)
        out["token_source"] = source
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
            present = {}
            for name, params in targets.items():
                path = f"/api/kirjuri/reports/{name}"
                response = client.get(path, params=params)
                if response.status_code == 404:
                    # A report of a company with books is never "not found": the route is missing.
                    out["missing"].append(name)
                    continue
                if response.status_code != 200:
                    raise BenchError(f"GET {path} answered {response.status_code}: {response.text[:500]}")
                if name == "trialbalance":
                    check_trial_balance(response.json(), loaded_debit_cents)
                present[name] = (path, params)
            out["times_ms"]["sessioninfo"] = time_requests(client, "/api/sessioninfo", {}, args.warmup, args.requests)
            # Interleaved rounds: a noisy moment hits every report alike.
            for name in present:
                out["times_ms"][name] = []
            for path, params in present.values():
                time_requests(client, path, params, args.warmup, 0)
            for _ in range(args.requests):
                for name, (path, params) in present.items():
                    out["times_ms"][name] += time_requests(client, path, params, 0, 1)
    finally:
        server.stop()
    return out


# --- the run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str, tmp: Path) -> dict[str, Any]:
    started = time.monotonic()
    credentials = prepare_database(url)
    company_id = credentials.company_id
    periods, first_start, second_start, end = prepare_books(url, company_id)
    accounts = chosen_accounts(args.accounts)
    batch = generate(args, first_start, end, accounts)
    receipt_rows, rows = copy_rows(batch, company_id, periods)
    print(
        f"database ready, {len(batch):,} receipts / {len(rows):,} postings generated over "
        f"{first_start} … {end} on {len(accounts)} accounts in {time.monotonic() - started:.1f} s"
    )

    # The references bracket the bulk load (plain, schema, bulk, schema, plain): a machine that
    # gets slower or faster during the run moves both sides of the ratio alike.
    copy_seconds = [raw_copy(url, rows)]
    print(f"  raw COPY, plain table  {len(rows) / copy_seconds[-1]:>12,.0f} rows/s  ({copy_seconds[-1]:.2f} s)")
    schema_seconds = [schema_copy(url, receipt_rows, rows)]
    print(f"  raw COPY, ledger shape {len(rows) / schema_seconds[-1]:>12,.0f} rows/s  ({schema_seconds[-1]:.2f} s)")
    load_seconds, result = bulk_load(url, company_id, batch)
    print(f"  bulk_post              {result.postings / load_seconds:>12,.0f} rows/s  ({load_seconds:.2f} s)")
    schema_seconds.append(schema_copy(url, receipt_rows, rows))
    print(f"  raw COPY, ledger shape {len(rows) / schema_seconds[-1]:>12,.0f} rows/s  ({schema_seconds[-1]:.2f} s)")
    copy_seconds.append(raw_copy(url, rows))
    print(f"  raw COPY, plain table  {len(rows) / copy_seconds[-1]:>12,.0f} rows/s  ({copy_seconds[-1]:.2f} s)")
    del rows, receipt_rows
    analyze(url)

    group_by, group_accounts = time_group_by(url, company_id)
    print(f"  SELECT … GROUP BY      {median(group_by):>9.1f} ms   ({group_accounts} accounts)")

    ledger_ms: list[float] = []
    if not args.skip_ledger:
        binary = ensure_ledger()
        journal = tmp / "postings.ledger"
        written = write_journal(journal, batch)
        if written != result.postings:
            raise BenchError(f"journal holds {written} postings, the database {result.postings}")
        ledger_ms = time_ledger(binary, journal, args.ledger_runs)
        print(
            f"  ledger bal             {median(ledger_ms):>9.1f} ms   ({journal.stat().st_size / 2**20:.0f} MB journal)"
        )
        journal.unlink()
    loaded_debit = sum(cents for receipt in batch for _account, cents in receipt.rows if cents > 0)
    del batch

    http = measure_reports(
        args,
        url,
        credentials,
        first_start=first_start,
        second_start=second_start,
        end=end,
        loaded_debit_cents=loaded_debit,
    )
    return {
        "postings": result.postings,
        "receipts": result.receipts,
        "accounts": len(accounts),
        "span": [first_start.isoformat(), end.isoformat()],
        "copy_seconds": [round(x, 3) for x in copy_seconds],
        "schema_copy_seconds": [round(x, 3) for x in schema_seconds],
        "bulk_seconds": round(load_seconds, 3),
        "group_by_ms": group_by,
        "ledger_ms": ledger_ms,
        **http,
    }


def summarize(args: argparse.Namespace, measured: dict[str, Any]) -> dict[str, Any]:
    postings = measured["postings"]
    copy_rate = postings / median(measured["copy_seconds"])
    schema_rate = postings / median(measured["schema_copy_seconds"])
    bulk_rate = postings / measured["bulk_seconds"]
    reports = {name: round(median(times), 2) for name, times in measured["times_ms"].items()}
    fastest = {name: round(min(times), 2) for name, times in measured["times_ms"].items() if times}
    ledger = median(measured["ledger_ms"]) if measured["ledger_ms"] else None
    ratios = {name: round(ledger / reports[name], 1) for name in REPORTS if ledger and name in reports}
    targets: dict[str, bool | None] = {"bulk >= 30 % of raw COPY": bulk_rate / copy_rate >= TARGET_LOAD_RATIO}
    for name in REPORTS:
        ms = reports.get(name)
        targets[f"{name} < 25 ms"] = None if ms is None else ms < TARGET_REPORT_MS
        targets[f"{name} >= 300x ledger bal"] = None if name not in ratios else ratios[name] >= TARGET_LEDGER_RATIO
    return {
        "benchmark": "reports",
        "db": "postgresql",
        "machine": machine(),
        "seed": args.seed,
        "postings": postings,
        "receipts": measured["receipts"],
        "accounts": measured["accounts"],
        "span": measured["span"],
        "raw_copy_rows_per_s": round(copy_rate),
        "bulk_rows_per_s": round(bulk_rate),
        "bulk_vs_copy": round(bulk_rate / copy_rate, 3),
        "schema_copy_rows_per_s": round(schema_rate),
        "schema_copy_vs_copy": round(schema_rate / copy_rate, 3),
        "bulk_vs_schema_copy": round(bulk_rate / schema_rate, 3),
        "copy_seconds": measured["copy_seconds"],
        "schema_copy_seconds": measured["schema_copy_seconds"],
        "bulk_seconds": measured["bulk_seconds"],
        "median_ms": reports,
        "min_ms": fastest,
        "group_by_ms": round(median(measured["group_by_ms"]), 2),
        "ledger_bal_ms": None if ledger is None else round(ledger, 1),
        "ledger_ratio": ratios,
        "reports_missing": measured["missing"],
        "token_source": measured.get("token_source"),
        "targets": targets,
        "raw": {k: measured[k] for k in ("times_ms", "group_by_ms", "ledger_ms")},
    }


def report(summary: dict[str, Any]) -> None:
    mark: dict[bool | None, str] = {True: "ok", False: "BELOW TARGET", None: "not measured"}
    ok = summary["targets"]
    print()
    print(f"Reports over {summary['postings']:,} postings ({summary['receipts']:,} receipts, "
          f"{summary['accounts']} accounts, {summary['span'][0]} … {summary['span'][1]})")  # fmt: skip
    print(f"  raw COPY, plain table   {summary['raw_copy_rows_per_s']:>10,} rows/s   (the baseline)")
    print(f"  raw COPY, ledger shape  {summary['schema_copy_rows_per_s']:>10,} rows/s   "
          f"{summary['schema_copy_vs_copy']:.0%} of COPY (keys, indexes, foreign keys: the ceiling)")  # fmt: skip
    load_ok = mark[ok["bulk >= 30 % of raw COPY"]]
    print(f"  bulk_post               {summary['bulk_rows_per_s']:>10,} rows/s   "
          f"{summary['bulk_vs_copy']:.0%} of COPY (target >= 30 %: {load_ok}), "
          f"{summary['bulk_vs_schema_copy']:.0%} of the ceiling")  # fmt: skip
    ledger = summary["ledger_bal_ms"]
    print(f"  ledger bal              {ledger if ledger is not None else float('nan'):>10.1f} ms")
    print(f"  SELECT GROUP BY         {summary['group_by_ms']:>10.1f} ms")
    print(f"  {'endpoint':<24}{'min ms':>8}{'median ms':>10}{'vs ledger':>11}   targets (< 25 ms, >= 300x)")
    for name in ("sessioninfo", *REPORTS):
        if name not in summary["median_ms"]:
            print(f"  {name:<24}{'missing':>18}")
            continue
        ratio = summary["ledger_ratio"].get(name)
        verdict = "" if name == "sessioninfo" else (
            f"{mark[ok[f'{name} < 25 ms']]}, {mark[ok[f'{name} >= 300x ledger bal']]}")  # fmt: skip
        shown = f"{ratio:.0f}x" if ratio else ""
        print(f"  {name:<24}{summary['min_ms'][name]:>8.2f}{summary['median_ms'][name]:>10.2f}{shown:>11}   {verdict}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import kirjuri.ledger.bulk  # noqa: F401 - the benchmark needs the project's virtualenv
    except ImportError:
        print("run with the project's virtualenv: .venv/bin/python bench/reports.py", file=sys.stderr)
        return 2
    try:
        if not args.skip_ledger:
            ensure_ledger()
        with tempfile.TemporaryDirectory(prefix="kirjuri-bench-") as tmp:
            url = create_pg_database(args.pg_admin_url)
            try:
                summary = summarize(args, run(args, url, Path(tmp)))
            finally:
                drop_pg_database(args.pg_admin_url, url)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    report(summary)
    path = write_result("reports-postgresql", summary)
    print(f"  result: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
