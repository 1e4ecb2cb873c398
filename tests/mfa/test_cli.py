"""`kirjuri mfa list|confirm|reject` on the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kirjuri import config
from kirjuri.cli import app
from kirjuri.config import Settings
from tests.factories import Tenant

BODY = {"firstName": "Cli", "lastName": "Muutos", "email": "cli@example.invalid", "mobilePhone": "+358401112222"}


@pytest.fixture()
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KIRJURI_DATABASE_URL", settings.database_url)
    config.get_settings.cache_clear()
    yield CliRunner()
    config.get_settings.cache_clear()


def _start(client: TestClient, tenant: Tenant) -> str:
    answer = client.put("/api/users", json=BODY, headers=tenant.headers)
    assert answer.status_code == 202
    return str(answer.json()["transactionIdentifier"])


def test_list_and_confirm(runner: CliRunner, client: TestClient, tenant: Tenant) -> None:
    tx_id = _start(client, tenant)
    listed = runner.invoke(app, ["mfa", "list", "--username", tenant.username])
    assert listed.exit_code == 0, listed.output
    assert tx_id in listed.stdout and "USER_UPDATE" in listed.stdout
    done = runner.invoke(app, ["mfa", "confirm", tx_id, "--username", tenant.username])
    assert done.exit_code == 0, done.output
    assert f"{tx_id} CONFIRMED" in done.stdout
    assert client.get(f"/api/mfatransactionresult/{tx_id}", headers=tenant.headers).status_code == 200
    assert client.get("/api/users", headers=tenant.headers).json()["firstName"] == "Cli"
    again = runner.invoke(app, ["mfa", "reject", tx_id, "--username", tenant.username])
    assert again.exit_code == 1 and "MFA_TRANSACTION_ALREADY_PROCESSED" in again.output
    assert tx_id not in runner.invoke(app, ["mfa", "list", "--username", tenant.username]).stdout


def test_reject(runner: CliRunner, client: TestClient, tenant: Tenant) -> None:
    tx_id = _start(client, tenant)
    done = runner.invoke(app, ["mfa", "reject", tx_id, "--username", tenant.username])
    assert done.exit_code == 0 and f"{tx_id} REJECTED" in done.stdout
    assert client.get(f"/api/mfatransactionresult/{tx_id}", headers=tenant.headers).status_code == 406


def test_another_user_or_unknown_user(
    runner: CliRunner, client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    tx_id = _start(client, tenant)
    wrong = runner.invoke(app, ["mfa", "confirm", tx_id, "--username", other_tenant.username])
    assert wrong.exit_code == 1 and "403" in wrong.output
    unknown = runner.invoke(app, ["mfa", "confirm", tx_id, "--username", "no-such-user"])
    assert unknown.exit_code == 1 and "unknown user" in unknown.output
    assert client.get(f"/api/mfatransactionresult/{tx_id}", headers=tenant.headers).status_code == 202
