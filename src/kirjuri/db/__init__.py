"""Database plumbing: engine, sessions, base classes and types, counters, paging, migrations.

Invariant: the schema is built only by the Alembic migrations in `db/migrations` — never by
`create_all`, tests included — and one code path serves SQLite and PostgreSQL.
"""
