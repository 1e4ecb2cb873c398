"""Paging rules of Procountor collections (§C.6), as plain data.

Invariant: `size` is 1..200 (default 50); `page` is ≥ 0; keyset paging by `previousId` continues
strictly after that id in the chosen id order. The database side lives in `db.paging`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Order(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class PageRequest:
    size: int = DEFAULT_PAGE_SIZE
    page: int = 0
    previous_id: int | None = None
    order: Order = Order.DESC

    @property
    def offset(self) -> int:
        # Keyset paging starts after previous_id; `page` then counts from there.
        return self.page * self.size


@dataclass(frozen=True, slots=True)
class PageMeta:
    page_number: int
    page_size: int
    result_count: int
    total_count: int
