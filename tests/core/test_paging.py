"""core.paging and core.errors: plain data of collections and refusals."""

from __future__ import annotations

import pytest

from kirjuri.core.errors import ErrorItem, KirjuriError, forbidden, not_found, unauthorized
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Order, PageRequest


def test_defaults_follow_the_contract() -> None:
    request = PageRequest()
    assert (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) == (50, 200)
    assert (request.size, request.page, request.previous_id, request.order) == (50, 0, None, Order.DESC)


@pytest.mark.parametrize(("size", "page", "offset"), [(50, 0, 0), (50, 1, 50), (200, 3, 600), (1, 7, 7)])
def test_offset(size: int, page: int, offset: int) -> None:
    assert PageRequest(size=size, page=page).offset == offset


def test_order_values_are_the_wire_values() -> None:
    assert [o.value for o in Order] == ["ASC", "DESC"]
    assert Order("ASC") is Order.ASC
    with pytest.raises(ValueError):
        Order("asc")


def test_kirjuri_error_items() -> None:
    error = KirjuriError("ERROR_VATSTATUS_VATPERC", 400, "invoiceRows[0].vatStatus")
    assert error.items == [ErrorItem(400, "ERROR_VATSTATUS_VATPERC", "invoiceRows[0].vatStatus")]
    assert str(error) == "ERROR_VATSTATUS_VATPERC"
    many = KirjuriError.many([ErrorItem(400, "A", "x"), ErrorItem(400, "B")])
    assert (many.code, many.status, many.field) == ("A", 400, "x")
    assert many.items == [ErrorItem(400, "A", "x"), ErrorItem(400, "B")]


@pytest.mark.parametrize(
    ("error", "status", "code", "field"),
    [
        (not_found(), 404, "NOT_FOUND", None),
        (not_found("id"), 404, "NOT_FOUND", "id"),
        (forbidden(), 403, "FORBIDDEN", None),
        (forbidden("INSUFFICIENT_RIGHTS"), 403, "INSUFFICIENT_RIGHTS", None),
        (unauthorized(), 401, "Unauthorized", None),
    ],
)
def test_error_helpers(error: KirjuriError, status: int, code: str, field: str | None) -> None:
    assert (error.status, error.code, error.field) == (status, code, field)


def test_unauthorized_asks_for_a_bearer_token() -> None:
    assert unauthorized().headers == {"WWW-Authenticate": "Bearer"}
