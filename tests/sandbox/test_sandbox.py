"""Sandboxes: `create_sandbox` against the database, `kirjuri sandbox create --json` end to end
(its credentials obtain a token and read the session), and `kirjuri dev`'s reuse rule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kirjuri import cli, config
from kirjuri.auth import repository as auth_repository
from kirjuri.auth import service as auth_service
from kirjuri.auth.models import ApiKey, OAuthClient
from kirjuri.companies import rules as rights
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User, VerifierListMember
from kirjuri.config import Settings
from kirjuri.sandbox.service import create_sandbox
from tests.factories import Tenant


def test_create_sandbox_makes_a_complete_testing_environment(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        credentials = create_sandbox(session, name="Hiekka Oy")
        session.commit()
    with session_factory() as session:
        company = session.get(Company, credentials.company_id)
        assert company is not None and company.is_sandbox and company.name == "Hiekka Oy"
        user = session.execute(select(User).where(User.username == credentials.username)).scalar_one()
        membership = session.get(CompanyUser, (company.id, user.id))
        assert membership is not None and membership.rights == rights.FULL_RIGHTS
        assert auth_service.authenticate_user(session, username=credentials.username, password=credentials.password)
        client = auth_service.authenticate_client(
            session, client_id=credentials.client_id, client_secret=credentials.client_secret
        )
        assert client is not None and client.redirect_uri == credentials.redirect_uri
        key = auth_service.verify_api_key(session, client=client, api_key=credentials.api_key)
        assert key is not None and (key.company_id, key.user_id) == (company.id, user.id)
        # Secrets are kept only as hashes.
        stored_client = auth_repository.client_by_client_id(session, credentials.client_id)
        assert stored_client is not None and credentials.client_secret not in (stored_client.secret_hash or "")
        assert all(credentials.api_key not in k.secret_hash for k in session.execute(select(ApiKey)).scalars())
        assert user.password_hash is not None and credentials.password not in user.password_hash
        # Demo data of the seeding module.
        einvoice = session.get(CompanySetting, (company.id, "einvoice"))
        assert einvoice is not None and einvoice.value["receivingAddress"]
        members = session.execute(
            select(VerifierListMember).where(VerifierListMember.company_id == company.id)
        ).scalars()
        assert {m.role for m in members} == {"VERIFIER", "ACCEPTOR"}


def test_two_sandboxes_do_not_share_anything(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        first = create_sandbox(session)
        second = create_sandbox(session)
        session.commit()
    assert first.company_id != second.company_id
    assert first.client_id != second.client_id
    assert first.username != second.username
    assert first.api_key != second.api_key
    with session_factory() as session:
        clients = session.execute(
            select(OAuthClient).where(OAuthClient.client_id.in_([first.client_id, second.client_id]))
        ).scalars()
        assert len(list(clients)) == 2


@pytest.fixture()
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("KIRJURI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KIRJURI_VAR_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    yield CliRunner()
    config.get_settings.cache_clear()


def test_cli_sandbox_create_json_credentials_work(runner: CliRunner, client: TestClient) -> None:
    result = runner.invoke(cli.app, ["sandbox", "create", "--name", "Komento Oy", "--json"])
    assert result.exit_code == 0, result.output
    credentials = json.loads(result.stdout)
    assert set(credentials) >= {"company_id", "client_id", "client_secret", "redirect_uri", "api_key", "username"}
    token = client.post(
        "/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
            "api_key": credentials["api_key"],
        },
    )
    assert token.status_code == 200, token.text
    info = client.get("/api/sessioninfo", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert info.json()["companyId"] == credentials["company_id"]
    assert info.json()["name"] == "Komento Oy"


def test_dev_reuses_saved_credentials_only_while_their_company_exists(
    runner: CliRunner, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    saved = tmp_path / "sandbox.json"
    assert not cli._sandbox_still_there(saved)
    with session_factory() as session:
        credentials = create_sandbox(session)
        ordinary = session.execute(select(Company).where(Company.is_sandbox.is_(False))).scalars().first()
        session.commit()
    saved.write_text(json.dumps(credentials.as_dict()))
    assert cli._sandbox_still_there(saved)
    saved.write_text(json.dumps({**credentials.as_dict(), "company_id": 2**31 - 1}))
    assert not cli._sandbox_still_there(saved)
    if ordinary is not None:  # a company that is not a sandbox is never taken for one
        saved.write_text(json.dumps({**credentials.as_dict(), "company_id": ordinary.id}))
        assert not cli._sandbox_still_there(saved)


def test_cli_purge_forgets_old_idempotency_keys(
    runner: CliRunner, session_factory: sessionmaker[Session], tenant: Tenant
) -> None:
    from datetime import timedelta

    from kirjuri.api.models import IdempotencyRecord
    from kirjuri.core import clock

    with session_factory() as session:
        for key, age in (("old", timedelta(hours=25)), ("fresh", timedelta(hours=1))):
            session.add(
                IdempotencyRecord(
                    company_id=tenant.company_id,
                    client_pk=tenant.client_pk,
                    key=key,
                    request_hash="0" * 64,
                    status_code=200,
                    content_type="application/json",
                    body=b"{}",
                    created_at=clock.now() - age,
                )
            )
        session.commit()
    result = runner.invoke(cli.app, ["purge"])
    assert result.exit_code == 0, result.output
    with session_factory() as session:
        keys = session.execute(
            select(IdempotencyRecord.key).where(IdempotencyRecord.company_id == tenant.company_id)
        ).scalars()
        assert set(keys) == {"fresh"}
