"""The schema: migrations agree with the models, and every business key starts with company_id."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from kirjuri import models
from kirjuri.db.engine import make_engine
from kirjuri.db.migrate import check

# Tables that are not per-company: identities, clients and the credentials they hold, and the
# reference data every company shares (DESIGN: currencies are a reference table).
NOT_PER_COMPANY = {"companies", "users", "oauth_clients", "oauth_codes", "oauth_tokens", "exchange_rates"}


def test_alembic_check_passes(database_url: str) -> None:
    check(database_url)  # raises when models and migrations disagree


def test_there_are_business_tables() -> None:
    business = set(models.metadata.tables) - NOT_PER_COMPANY
    assert {"company_users", "company_counters", "idempotency_records", "api_keys"} <= business


@pytest.mark.parametrize("table", sorted(set(models.metadata.tables) - NOT_PER_COMPANY))
def test_primary_key_starts_with_company_id(table: str) -> None:
    columns = [c.name for c in models.metadata.tables[table].primary_key.columns]
    assert columns, f"{table} has no primary key"
    assert columns[0] == "company_id", f"{table} primary key is {columns}"


def test_migrated_primary_keys_start_with_company_id(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        inspector = inspect(engine)
        names = set(inspector.get_table_names()) - NOT_PER_COMPANY - {"alembic_version"}
        assert "company_users" in names
        for table in sorted(names):
            columns = inspector.get_pk_constraint(table)["constrained_columns"]
            assert columns[0] == "company_id", f"{table} primary key is {columns}"
    finally:
        engine.dispose()
