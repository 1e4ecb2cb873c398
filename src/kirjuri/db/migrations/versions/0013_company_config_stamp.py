"""company configuration stamp: a random value replaced by triggers on every configuration write

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 06:30:00

`companies.config_stamp` changes whenever the company row, one of its ledger accounts or one of
its settings is inserted, updated or deleted — by triggers, so that no writer (a service, a bulk
load, a manual fix in psql) can change the configuration without changing the stamp. A new
value is random (never reused after a rollback, unlike a counter), so an equal stamp means an
unchanged configuration (`db.memo.shared`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows are a company's configuration (besides the company row itself).
CHILDREN = ("ledger_accounts", "company_settings")

PG_STAMP = "(random() * 4e18)::bigint"
SQLITE_STAMP = "abs(random() / 2)"  # abs() of the smallest 64-bit integer would overflow

PG_UP = f"""
CREATE FUNCTION kirjuri_company_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.config_stamp = OLD.config_stamp THEN
        NEW.config_stamp := {PG_STAMP};
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER companies_config_stamp BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION kirjuri_company_stamp();
CREATE FUNCTION kirjuri_config_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE companies SET config_stamp = {PG_STAMP} WHERE id IN (SELECT company_id FROM old_rows);
    ELSE
        UPDATE companies SET config_stamp = {PG_STAMP} WHERE id IN (SELECT company_id FROM new_rows);
    END IF;
    RETURN NULL;
END $$;
"""

# One statement-level trigger per table and operation (PostgreSQL allows transition tables only
# on single-event triggers): seeding a chart of 200 accounts replaces the stamp once, not 200 times.
PG_TRIGGERS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
}

SQLITE_TRIGGERS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}


def upgrade() -> None:
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config_stamp", sa.BigInteger(), nullable=False, server_default="0"))
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(f"UPDATE companies SET config_stamp = {PG_STAMP if postgres else SQLITE_STAMP}")
    if postgres:
        op.execute(PG_UP)
        for table in CHILDREN:
            for event, when in PG_TRIGGERS.items():
                op.execute(
                    f"CREATE TRIGGER {table}_config_{event} {when.format(table=table)} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION kirjuri_config_written()"
                )
        return
    op.execute(
        "CREATE TRIGGER companies_config_stamp AFTER UPDATE ON companies "
        "WHEN NEW.config_stamp = OLD.config_stamp "
        f"BEGIN UPDATE companies SET config_stamp = {SQLITE_STAMP} WHERE id = NEW.id; END"
    )
    for table in CHILDREN:
        for event, row in SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {table}_config_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN UPDATE companies SET config_stamp = {SQLITE_STAMP} WHERE id = {row}.company_id; END"
            )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in CHILDREN:
        for event in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {table}_config_{event}" + (f" ON {table}" if postgres else ""))
    op.execute("DROP TRIGGER companies_config_stamp" + (" ON companies" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION kirjuri_config_written()")
        op.execute("DROP FUNCTION kirjuri_company_stamp()")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("config_stamp")
