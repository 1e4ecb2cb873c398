"""Default dimension splits of partners and products against the real database.

What is checked: a split is replaced as a whole; items are found by id or by code name; the
percentages must add up to exactly 100 with at most four decimals, each above 0; an unknown,
inactive, repeated or other-dimension item is refused with its index in the field path and nothing
is written; an empty list removes the split; owners and companies never see each other's splits.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import default_splits, dimensions
from kirjuri.ledger.default_splits import PARTNER, PRODUCT, WantedItem
from tests.ledger.helpers import new_books


def _dimension(db: Session, company_id: int, name: str, codes: list[str]) -> tuple[int, dict[str, int]]:
    dimension = dimensions.create_dimension(db, company_id=company_id, name=name)
    items = {
        code: dimensions.create_item(
            db, company_id=company_id, dimension_id=dimension.id, code_name=code, description=None, active=True
        ).id
        for code in codes
    }
    return dimension.id, items


def _replace(db: Session, company_id: int, dimension_id: int, *items: WantedItem, owner_id: int = 7) -> None:
    default_splits.replace_split(
        db, company_id=company_id, owner_kind=PARTNER, owner_id=owner_id, dimension_id=dimension_id, items=items
    )


def _percents(db: Session, company_id: int, *, owner_kind: str = PARTNER, owner_id: int = 7) -> list[tuple]:
    return [
        (split.dimension.name, item.item.code_name, item.percent)
        for split in default_splits.splits_of(db, company_id=company_id, owner_kind=owner_kind, owner_id=owner_id)
        for item in split.items
    ]


def test_a_split_is_replaced_as_a_whole_by_id_or_code_name(db: Session) -> None:
    company_id = new_books(db, first_year=2026)
    dim, items = _dimension(db, company_id, "Kustannuspaikka", ["Myynti", "Hallinto", "Tuotanto"])
    _replace(
        db,
        company_id,
        dim,
        WantedItem(items["Myynti"], None, Decimal("60")),
        WantedItem(None, "Hallinto", Decimal("40")),
    )
    assert _percents(db, company_id) == [
        ("Kustannuspaikka", "Myynti", Decimal("60")),
        ("Kustannuspaikka", "Hallinto", Decimal("40")),
    ]
    _replace(db, company_id, dim, WantedItem(None, "Tuotanto", Decimal("100")))
    assert _percents(db, company_id) == [("Kustannuspaikka", "Tuotanto", Decimal("100"))]
    _replace(db, company_id, dim)
    assert _percents(db, company_id) == []


@pytest.mark.parametrize(
    ("wanted", "code", "field"),
    [
        ([(None, "Myynti", "60"), (None, "Hallinto", "39.99")], "DIMENSION_PERCENTS_NOT_100", "items"),
        ([(None, "Myynti", "100.00001")], "INVALID_DIMENSION_PERCENT", "items[0].percent"),
        ([(None, "Myynti", "0"), (None, "Hallinto", "100")], "INVALID_DIMENSION_PERCENT", "items[0].percent"),
        ([(None, "Myynti", "-10"), (None, "Hallinto", "110")], "INVALID_DIMENSION_PERCENT", "items[0].percent"),
        (
            [(None, "Myynti", "33.33335"), (None, "Hallinto", "66.66665")],
            "INVALID_DIMENSION_PERCENT",
            "items[0].percent",
        ),
        ([(None, "Myynti", "50"), (None, "Puuttuu", "50")], "DIMENSION_ITEM_NOT_FOUND", "items[1].codeName"),
        ([(None, "Myynti", "50"), (None, "Myynti", "50")], "DUPLICATE_DIMENSION_ITEM", "items[1].codeName"),
        ([(None, "Vanha", "100")], "DIMENSION_ITEM_INACTIVE", "items[0].codeName"),
        ([(None, "Projekti A", "100")], "DIMENSION_ITEM_NOT_FOUND", "items[0].codeName"),
        ([(999_999, None, "100")], "DIMENSION_ITEM_NOT_FOUND", "items[0].id"),
    ],
)
def test_bad_splits_are_refused_and_nothing_changes(
    db: Session, wanted: list[tuple[int | None, str | None, str]], code: str, field: str
) -> None:
    company_id = new_books(db, first_year=2026)
    dim, _items = _dimension(db, company_id, "Kustannuspaikka", ["Myynti", "Hallinto"])
    dimensions.create_item(
        db, company_id=company_id, dimension_id=dim, code_name="Vanha", description=None, active=False
    )
    _dimension(db, company_id, "Projekti", ["Projekti A"])  # an item of another dimension
    _replace(db, company_id, dim, WantedItem(None, "Hallinto", Decimal("100")))
    with pytest.raises(KirjuriError) as error:
        _replace(db, company_id, dim, *(WantedItem(i, c, Decimal(p)) for i, c, p in wanted))
    assert (error.value.code, error.value.status, error.value.field) == (code, 400, field)
    assert _percents(db, company_id) == [("Kustannuspaikka", "Hallinto", Decimal("100"))]


def test_four_decimals_that_add_up_are_accepted(db: Session) -> None:
    company_id = new_books(db, first_year=2026)
    dim, _ = _dimension(db, company_id, "Kustannuspaikka", ["A", "B", "C"])
    _replace(
        db,
        company_id,
        dim,
        WantedItem(None, "A", Decimal("33.3333")),
        WantedItem(None, "B", Decimal("33.3333")),
        WantedItem(None, "C", Decimal("33.3334")),
    )
    assert [p for *_, p in _percents(db, company_id)] == [Decimal("33.3333"), Decimal("33.3333"), Decimal("33.3334")]


def test_owners_kinds_and_companies_are_apart(db: Session) -> None:
    company_id = new_books(db, first_year=2026)
    other_id = new_books(db, first_year=2026)
    dim, _ = _dimension(db, company_id, "Kustannuspaikka", ["A"])
    _replace(db, company_id, dim, WantedItem(None, "A", Decimal("100")), owner_id=7)
    assert _percents(db, company_id, owner_id=8) == []
    assert _percents(db, company_id, owner_kind=PRODUCT, owner_id=7) == []
    assert _percents(db, other_id, owner_id=7) == []
    with pytest.raises(KirjuriError) as error:  # the other company cannot name this company's dimension
        default_splits.replace_split(
            db, company_id=other_id, owner_kind=PARTNER, owner_id=7, dimension_id=dim, items=[]
        )
    assert (error.value.status, error.value.field) == (404, "dimensionId")
    split = default_splits.split_of(db, company_id=company_id, owner_kind=PARTNER, owner_id=8, dimension_id=dim)
    assert (split.dimension.id, split.items) == (dim, [])
    default_splits.remove_owner(db, company_id=company_id, owner_kind=PARTNER, owner_id=7)
    assert _percents(db, company_id) == []
