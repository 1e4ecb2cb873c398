"""GET requests get read-only sessions: every write through them is refused, on both databases,
and reads still see committed data."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from kirjuri.companies.models import Company
from kirjuri.db.engine import ReadOnlySessionError
from tests.factories import Tenant


def test_read_session_reads_committed_rows(app: FastAPI, tenant: Tenant) -> None:
    with app.state.read_session_factory() as session:
        name = session.execute(select(Company.name).where(Company.id == tenant.company_id)).scalar_one()
    assert name == "Testi Oy"


def test_read_session_refuses_orm_writes(app: FastAPI, tenant: Tenant) -> None:
    with app.state.read_session_factory() as session:
        company = session.get(Company, tenant.company_id)
        assert company is not None
        company.name = "Muutettu Oy"
        with pytest.raises(ReadOnlySessionError):
            session.flush()


def test_read_session_refuses_core_writes(app: FastAPI, tenant: Tenant) -> None:
    with app.state.read_session_factory() as session, pytest.raises(ReadOnlySessionError):
        session.execute(update(Company).where(Company.id == tenant.company_id).values(name="Muutettu Oy"))
    with app.state.session_factory() as session:
        assert session.get(Company, tenant.company_id).name == "Testi Oy"  # type: ignore[union-attr]


def test_write_session_still_writes(app: FastAPI, tenant: Tenant) -> None:
    with app.state.session_factory() as session:
        session.execute(update(Company).where(Company.id == tenant.company_id).values(name="Uusi Oy"))
        session.commit()
    with app.state.read_session_factory() as session:
        assert session.get(Company, tenant.company_id).name == "Uusi Oy"  # type: ignore[union-attr]
