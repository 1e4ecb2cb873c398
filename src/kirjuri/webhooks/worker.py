"""The one background worker of a Kirjuri server (`kirjuri worker`; `kirjuri dev` starts it next
to the HTTP server): each round it delivers webhooks (fan-out, claim, signed POST, record), sends
the queued invoice e-mails when SMTP is configured, writes the confirmed payments' bank files
(`kirjuri bank send`), and expires MFA transactions past their TTL;
every `HOUSEKEEPING_EVERY` it also forgets expired idempotency keys and webhook deliveries past
their retention (what `kirjuri purge` does from cron).

Invariants: each job runs in its own transactions and a failure of one job is logged and never
stops the others or the loop; any number of workers may run at once (deliveries are leased, see
`webhooks.delivery`); a stop request (SIGTERM/SIGINT) ends the loop after the current round.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import structlog
from sqlalchemy.orm import Session

import kirjuri.models  # noqa: F401 - every table mapped: a flush resolves foreign keys across areas
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.webhooks import delivery, rules
from kirjuri.webhooks.service import Receiving

log = structlog.get_logger("kirjuri.webhooks.worker")

HOUSEKEEPING_EVERY = 300.0  # seconds

SessionFactory = Callable[[], Session]


def housekeeping(factory: SessionFactory, settings: Settings) -> tuple[int, int]:
    """Forget idempotency keys past their TTL and webhook deliveries past their retention (the
    worker's every `HOUSEKEEPING_EVERY`, and `kirjuri purge`); (keys, deliveries) removed."""
    from kirjuri.api.idempotency import purge_expired

    with factory() as session:
        keys = purge_expired(session, ttl_hours=settings.idempotency_ttl_hours)
        session.commit()
    return keys, delivery.purge_finished(factory)


@dataclass
class Worker:
    factory: SessionFactory
    settings: Settings
    lease: timedelta = rules.LEASE
    stop: threading.Event = field(default_factory=threading.Event)
    http: httpx.Client = field(default_factory=delivery.http_client)
    # monotonic time of the last housekeeping; None: not yet in this process
    housekept_at: float | None = None

    @property
    def receiving(self) -> Receiving:
        return Receiving(sandbox=self.settings.sandbox, server_secret=self.settings.secret_key.get_secret_value())

    def round(self) -> int:
        """One round of every job; the number of webhook attempts made."""
        attempts = 0

        def deliver() -> None:
            nonlocal attempts
            attempts = delivery.run_round(
                self.factory, http=self.http, receiving=self.receiving, lease=self.lease, random_unit=random.random
            )

        jobs: list[tuple[str, Callable[[], None]]] = [
            ("webhook_round_failed", deliver),
            ("invoice_mail_round_failed", self._invoice_mail),
            ("mfa_expiry_round_failed", self._expire_mfa),
            ("payment_files_round_failed", self._payment_files),
        ]
        if self.housekept_at is None or time.monotonic() - self.housekept_at >= HOUSEKEEPING_EVERY:
            self.housekept_at = time.monotonic()
            jobs.append(("housekeeping_failed", self._housekeeping))
        for failure, job in jobs:
            try:
                job()
            except Exception:  # a job's failure (a lost SQLite write race, a bug) must not stop the others
                log.exception(failure)
        return attempts

    def _housekeeping(self) -> None:
        housekeeping(self.factory, self.settings)

    def _invoice_mail(self) -> None:
        host = self.settings.smtp_host
        if not host:
            return
        from kirjuri.invoicing.outbox import SmtpSettings, outbox_for
        from kirjuri.invoicing.sending import default_sender
        from kirjuri.invoicing.worker import deliver_pending

        s = self.settings
        smtp = SmtpSettings(
            host=host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            starttls=s.smtp_starttls,
            sender=default_sender(s),
        )
        deliver_pending(self.factory, outbox=outbox_for(s.var_dir), smtp=smtp)

    def _payment_files(self) -> None:
        """Confirmed payments out to the bank folder (`kirjuri bank send`)."""
        from kirjuri.banking.payments.outbound import write_due_files

        with self.factory() as session:
            write_due_files(session, now=clock.now(), directory=self.settings.bank_outbound_dir)
            session.commit()

    def _expire_mfa(self) -> None:
        from kirjuri.mfa import service as mfa_service

        with self.factory() as session:
            mfa_service.expire_due(session)
            session.commit()

    def run(self, *, interval: float = 1.0, once: bool = False) -> None:
        """Rounds until stopped; a round that made attempts is followed at once by the next."""
        try:
            while not self.stop.is_set():
                busy = self.round()
                if once:
                    return
                if not busy:
                    self.stop.wait(interval)
        finally:
            self.http.close()
