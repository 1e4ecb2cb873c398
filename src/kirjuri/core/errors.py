"""The one exception type domain code raises.

Invariant: every refusal carries an HTTP status, an upper-snake code and, when one value is to
blame, the JSON path of that value (`invoiceRows[0].vatPercent`). The API layer turns it into
the Procountor error body; nothing below the API layer knows about HTTP responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One entry of the error body: `message` is a code or a human sentence."""

    status: int
    message: str
    field: str | None = None


class KirjuriError(Exception):
    """A refused request. `code` is upper snake case, e.g. `CLOSED_FISCAL_PERIOD`."""

    def __init__(
        self,
        code: str,
        status: int = 400,
        field: str | None = None,
        *,
        more: tuple[ErrorItem, ...] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.field = field
        self.more = more
        self.headers = headers or {}

    @property
    def items(self) -> list[ErrorItem]:
        return [ErrorItem(self.status, self.code, self.field), *self.more]

    @classmethod
    def many(cls, items: list[ErrorItem]) -> KirjuriError:
        """Several errors answered at once (the status of the first one wins)."""
        first, *rest = items
        return cls(first.message, first.status, first.field, more=tuple(rest))


def not_found(field: str | None = None) -> KirjuriError:
    return KirjuriError("NOT_FOUND", 404, field)


def forbidden(code: str = "FORBIDDEN") -> KirjuriError:
    return KirjuriError(code, 403)


def unauthorized() -> KirjuriError:
    # Procountor answers exactly this message; clients match on it.
    return KirjuriError("Unauthorized", 401, headers={"WWW-Authenticate": "Bearer"})


def check_date_range(start: date | None, end: date | None, field: str = "endDate") -> None:
    """A filter's date range: an end before the start is 400 END_DATE_BEFORE_START_DATE at `field`."""
    if start is not None and end is not None and end < start:
        raise KirjuriError("END_DATE_BEFORE_START_DATE", 400, field)
