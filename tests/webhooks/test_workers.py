"""Several workers at once, and a worker killed mid-way.

- Two workers on PostgreSQL (`FOR UPDATE SKIP LOCKED` + leases) never hold one delivery at the
  same time: the receiver never sees one `webhook-id` twice concurrently, and, with no failures,
  sees each exactly once.
- `kirjuri worker` as a subprocess on a file SQLite database, killed with SIGKILL mid-way and
  started again: every event reaches the receiver at least once (the dead worker's leases expire).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from kirjuri.db.engine import make_engine, make_session_factory
from kirjuri.db.migrate import upgrade
from kirjuri.webhooks import catalogue, delivery, outbox, service
from kirjuri.webhooks.models import WebhookEvent
from tests.factories import Tenant
from tests.webhooks.helpers import receiver, webhook_body


@pytest.mark.skipif(
    os.environ.get("KIRJURI_TEST_DATABASE", "sqlite") != "postgresql",
    reason="row locks with SKIP LOCKED exist on PostgreSQL only; SQLite serialises its writers",
)
def test_two_workers_never_deliver_one_event_at_once(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    events = 24
    with receiver(delay=0.15) as got:
        answer = client.post("/api/webhooks", json=webhook_body(got.url, ["USER_UPDATED"]), headers=tenant.headers)
        assert answer.status_code == 200
        with session_factory() as session:
            for n in range(events):
                outbox.emit(session, company_id=tenant.company_id, event_type=catalogue.USER_UPDATED, payload={"n": n})
            session.commit()
        receiving = service.Receiving(sandbox=True, server_secret=settings.secret_key.get_secret_value())
        errors: list[BaseException] = []

        def work() -> None:
            try:
                with delivery.http_client() as http:
                    deadline = time.monotonic() + 60
                    while len(got.received) < events and time.monotonic() < deadline:
                        delivery.run_round(
                            session_factory, http=http, receiving=receiving, limit=3, company_ids=[tenant.company_id]
                        )
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    ids = Counter(m.headers["webhook-id"] for m in got.received)
    assert len(ids) == events and set(ids.values()) == {1}
    assert got.max_in_flight_per_id == 1
    assert sorted(json.loads(m.body)["payload"]["n"] for m in got.received) == list(range(events))


def _worker(url: str, var_dir: Path, secret: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KIRJURI_DATABASE_URL": url,
        "KIRJURI_SANDBOX": "true",
        "KIRJURI_SECRET_KEY": secret,
        "KIRJURI_VAR_DIR": str(var_dir),
        "KIRJURI_ENV": "test",
    }
    command = [sys.executable, "-m", "kirjuri.cli", "worker", "--interval", "0.1", "--lease-seconds", "2"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def test_killed_worker_loses_no_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    secret = "kill-test-server-secret"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    events = 30
    with receiver(delay=0.05) as got:
        with factory() as session:
            company = companies_service.create_company(session, name="Kill Oy", business_id="1234567-1")
            service.create(
                session,
                company_id=company.id,
                data=service.WebhookInput(got.url, "HMAC", {}, [catalogue.PAYMENT_UPDATED]),
                receiving=service.Receiving(sandbox=True, server_secret=secret),
            )
            session.commit()
            for n in range(events):
                outbox.emit(session, company_id=company.id, event_type=catalogue.PAYMENT_UPDATED, payload={"n": n})
            session.commit()

        first = _worker(url, tmp_path, secret)
        deadline = time.monotonic() + 60
        while len(got.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        delivered_before = len(got.received)
        assert 0 < delivered_before < events, "kill the worker mid-way"

        second = _worker(url, tmp_path, secret)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if {json.loads(m.body)["payload"]["n"] for m in got.received} == set(range(events)):
                    break
                time.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0  # stops cleanly on SIGTERM
    engine.dispose()
    assert {json.loads(m.body)["payload"]["n"] for m in got.received} == set(range(events))
    # with the Standard Webhooks id, a receiver can tell a redelivery from a new event
    assert len({m.headers["webhook-id"] for m in got.received}) == events


def test_worker_once_runs_every_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kirjuri worker --once`: one round of every job, exit 0; an event nobody subscribed to is
    dropped (the worker process maps every table, so the flush resolves its foreign keys)."""
    url = f"sqlite:///{tmp_path / 'once.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        company = companies_service.create_company(session, name="Once Oy", business_id="1234567-1")
        outbox.emit(session, company_id=company.id, event_type=catalogue.USER_UPDATED, payload={})
        session.commit()
    monkeypatch.setenv("KIRJURI_DATABASE_URL", url)
    result = subprocess.run(
        [sys.executable, "-m", "kirjuri.cli", "worker", "--once"],
        env={**os.environ, "KIRJURI_DATABASE_URL": url, "KIRJURI_VAR_DIR": str(tmp_path)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"worker stopped" in result.stderr and b"_failed" not in result.stderr  # no job failed
    with make_session_factory(engine)() as session:
        assert session.query(WebhookEvent).count() == 0
    engine.dispose()


def test_one_round_runs_every_job_and_a_failing_job_stops_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a database of its own (a round touches every company): MFA expiry and housekeeping run
    even when the webhook job fails; finished deliveries past retention are forgotten."""
    from datetime import timedelta

    from kirjuri.core import clock
    from kirjuri.mfa import service as mfa_service
    from kirjuri.mfa.models import MfaTransaction
    from kirjuri.webhooks import rules
    from kirjuri.webhooks.models import WebhookDelivery
    from kirjuri.webhooks.worker import Worker

    url = f"sqlite:///{tmp_path / 'round.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    settings = Settings(database_url=url, var_dir=tmp_path, secret_key="round-secret")  # type: ignore[arg-type]
    with receiver() as got:
        with factory() as session:
            company = companies_service.create_company(session, name="Round Oy", business_id="1234567-1")
            user = companies_service.create_user(
                session,
                username="round-user",
                first_name="R",
                last_name="O",
                email="r@example.invalid",
                password="a-long-password-1",
                mobile_phone="+358401234567",
            )
            companies_service.add_member(session, company_id=company.id, user_id=user.id, rights={}, role="USER")
            import kirjuri.companies.service  # noqa: F401 - registers USER_UPDATE

            tx = mfa_service.start(session, company_id=company.id, user_id=user.id, kind="USER_UPDATE", payload={})
            service.create(
                session,
                company_id=company.id,
                data=service.WebhookInput(got.url, "HMAC", {}, [catalogue.USER_UPDATED]),
                receiving=service.Receiving(sandbox=True, server_secret="round-secret"),
            )
            outbox.emit(session, company_id=company.id, event_type=catalogue.USER_UPDATED, payload={})
            session.commit()
        worker = Worker(factory, settings)
        assert worker.round() == 1 and len(got.received) == 1  # fan-out and delivery in one round

        clock.travel(timedelta(minutes=10) + rules.RETENTION)
        try:

            def broken(*_a: object, **_k: object) -> int:
                raise RuntimeError("webhook job down")

            monkeypatch.setattr(delivery, "run_round", broken)
            worker.housekept_at = None
            assert worker.round() == 0
            with factory() as session:
                assert session.get(MfaTransaction, (company.id, tx.id)).status == "EXPIRED"  # type: ignore[union-attr]
                assert session.query(WebhookDelivery).count() == 0  # past retention: forgotten
        finally:
            clock.reset()
            worker.http.close()
    engine.dispose()
