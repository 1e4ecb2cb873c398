"""A fresh sandbox company and its API headers, as an integrator obtains them (the credentials
`create_sandbox` hands out, exchanged for a token)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.attachments.storage import local_store
from kirjuri.sandbox.service import create_sandbox


def sandbox_headers(app: FastAPI, session_factory: sessionmaker[Session], *, name: str) -> dict[str, str]:
    with session_factory() as session:
        credentials = create_sandbox(session, name=name, file_store=local_store(app.state.settings.var_dir))
        session.commit()
    with TestClient(app) as client:
        token = client.post(
            "/api/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret,
                "api_key": credentials.api_key,
            },
        )
        assert token.status_code == 200, token.text
        return {"Authorization": f"Bearer {token.json()['access_token']}"}
