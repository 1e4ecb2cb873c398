"""Assertions shared by the wire-convention tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import VerifierList
from kirjuri.core.text import UPPER_SNAKE


def assert_error(
    response: httpx.Response, status: int, message: str | None = None, field: str | None = None
) -> dict[str, Any]:
    """The Procountor error body, as JSON, with the status repeated; never HTML or a trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    text = response.text
    assert "Traceback" not in text and "<html" not in text.lower() and 'File "' not in text
    body = response.json()
    assert set(body) == {"errors"}, body
    assert body["errors"], body
    first = body["errors"][0]
    assert set(first) <= {"status", "field", "message"}
    for item in body["errors"]:
        assert item["status"] == status
    assert UPPER_SNAKE.match(first["message"]) or first["message"] == "Unauthorized", body
    if message is not None:
        assert first["message"] == message, body
    if field is not None:
        assert first.get("field") == field, body
    assert response.headers.get("x-request-id")
    return dict(first)


def count_lists(session_factory: sessionmaker[Session], company_id: int) -> int:
    with session_factory() as session:
        return int(
            session.execute(
                select(func.count()).select_from(VerifierList).where(VerifierList.company_id == company_id)
            ).scalar_one()
        )
