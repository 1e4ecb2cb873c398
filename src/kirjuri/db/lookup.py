"""Which of many values are stored already: one `IN` query per chunk, so that a file of any size
never builds a statement past the database's parameter limits.

Invariant: only the values asked for come back (a subset of `values`), filtered by `where`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

CHUNK = 500


def existing(session: Session, column: InstrumentedAttribute[str], values: Collection[str], *where: Any) -> set[str]:
    """The `values` found in `column` among the rows matching `where`."""
    found: set[str] = set()
    wanted = list(values)
    for start in range(0, len(wanted), CHUNK):
        found.update(session.scalars(select(column).where(*where, column.in_(wanted[start : start + CHUNK]))))
    return found
