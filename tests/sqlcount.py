"""The SQL statements a session sends while a block runs, as the engine's `before_cursor_execute`
listeners see them (SQLite's explicit BEGIN left out): their text (`statements`), or their text
with the driver's parameters (`sent`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Sent:
    sql: str
    parameters: Any
    many: bool  # an executemany

    @property
    def table(self) -> str:
        """The table an INSERT or UPDATE writes."""
        words = self.sql.split()
        return words[2] if words[0] == "INSERT" else words[1]


@contextmanager
def _listening(session: Session, seen: Callable[[Sent], None]) -> Iterator[None]:
    def record(_conn: object, _cursor: object, statement: str, parameters: Any, _context: object, many: bool) -> None:
        if statement != "BEGIN":  # SQLite's explicit BEGIN (db.engine)
            seen(Sent(statement, parameters, many))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    found: list[str] = []
    with _listening(session, lambda sent: found.append(sent.sql)):
        yield found


@contextmanager
def sent(session: Session) -> Iterator[list[Sent]]:
    found: list[Sent] = []
    with _listening(session, found.append):
        yield found
