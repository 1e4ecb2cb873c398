"""Query parameters of Procountor collections and the batch-GET id list.

Invariant: `size` outside 1..200 and a negative `page` are refused with 400 at their own
field; more than 200 batch ids is 400; a batch with no existing id is 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import INT32_MAX, TooManyIds, parse_id_list
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Order, PageRequest


def page_request(
    size: Annotated[int, Query(description="Page size, 1–200.")] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.")] = 0,
    previous_id: Annotated[
        int | None, Query(alias="previousId", description="Keyset paging: continue after this id.")
    ] = None,
    order_by_id: Annotated[Order, Query(alias="orderById")] = Order.DESC,
) -> PageRequest:
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise KirjuriError("INVALID_PAGE_SIZE", 400, "size")
    if not 0 <= page <= INT32_MAX:
        raise KirjuriError("INVALID_PAGE_NUMBER", 400, "page")
    if previous_id is not None and not 0 <= previous_id <= INT32_MAX:
        raise KirjuriError("INVALID_PREVIOUS_ID", 400, "previousId")
    return PageRequest(size=size, page=page, previous_id=previous_id or None, order=order_by_id)


Paging = Annotated[PageRequest, Depends(page_request)]


def batch_ids(raw: str, field: str = "id") -> tuple[list[int], bool]:
    """Parse a `{ids}` path segment: (sorted unique valid ids, several requested)."""
    try:
        ids, several = parse_id_list(raw)
    except TooManyIds as exc:
        raise KirjuriError("TOO_MANY_IDS", 400, field) from exc
    if not ids:
        raise KirjuriError("NOT_FOUND", 404, field)
    return ids, several
