"""Alembic environment: the URL comes from the config (set by `kirjuri.db.migrate`) or KIRJURI_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from kirjuri.db.engine import make_engine
from kirjuri.models import metadata

config = context.config


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get(
        "KIRJURI_DATABASE_URL", "sqlite:///./var/kirjuri.db"
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
