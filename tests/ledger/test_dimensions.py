"""The dimensions service against the real database: dimensions, their items and the filters.

What is checked: item code names are unique within a dimension (not across dimensions); an item is
updated only within its own dimension; the `name` / `codeName` filters are case-insensitive partial
matches that take `%` and `_` literally; an inactive item keeps its old postings but takes no new
ones; everything is per company.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import dimensions, rules, service
from tests.ledger.helpers import BANK, NO_VAT_EXPENSE, draft, entry, new_books

YEAR = 2025


def item(db: Session, company_id: int, dimension_id: int, code: str, *, active: bool = True) -> int:
    created = dimensions.create_item(
        db,
        company_id=company_id,
        dimension_id=dimension_id,
        code_name=code,
        description=f"{code} kuvaus",
        active=active,
    )
    return created.id


def split_receipt(dimension_id: int, item_id: int) -> rules.ReceiptDraft:
    return draft(
        date(YEAR, 5, 5),
        entry(NO_VAT_EXPENSE, "100.00", dims=[(dimension_id, item_id, "100.00")]),
        entry(BANK, "-100.00"),
    )


def test_create_and_read_a_dimension_with_items(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    dimension = dimensions.create_dimension(db, company_id=company_id, name="Kustannuspaikka")
    first = item(db, company_id, dimension.id, "Myynti")
    second = item(db, company_id, dimension.id, "Hallinto", active=False)
    found, items = dimensions.get(db, company_id=company_id, dimension_id=dimension.id)
    assert found.name == "Kustannuspaikka"
    assert [(i.id, i.code_name, i.description, i.active) for i in items] == [
        (first, "Myynti", "Myynti kuvaus", True),
        (second, "Hallinto", "Hallinto kuvaus", False),
    ]
    assert dimensions.active_items(db, company_id=company_id, dimension_ids=[dimension.id]) == {dimension.id: {first}}


def test_code_names_are_unique_within_a_dimension_only(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    centres = dimensions.create_dimension(db, company_id=company_id, name="Kustannuspaikka")
    projects = dimensions.create_dimension(db, company_id=company_id, name="Projekti")
    taken = item(db, company_id, centres.id, "A1")
    other = item(db, company_id, centres.id, "B1")
    item(db, company_id, projects.id, "A1")  # the same code in another dimension is fine
    with pytest.raises(KirjuriError) as caught:
        item(db, company_id, centres.id, "A1")
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "DIMENSION_ITEM_CODE_NAME_EXISTS",
        400,
        "codeName",
    )
    with pytest.raises(KirjuriError):  # renaming onto a taken code
        dimensions.update_item(db, company_id=company_id, dimension_id=centres.id, item_id=other, code_name="A1",
                               description=None, active=True)  # fmt: skip
    kept = dimensions.update_item(db, company_id=company_id, dimension_id=centres.id, item_id=taken, code_name="A1",
                                  description="sama koodi", active=True)  # fmt: skip
    assert kept.description == "sama koodi"  # keeping its own code is not a clash


def test_an_item_is_updated_only_in_its_own_dimension(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    centres = dimensions.create_dimension(db, company_id=company_id, name="Kustannuspaikka")
    projects = dimensions.create_dimension(db, company_id=company_id, name="Projekti")
    project = item(db, company_id, projects.id, "P1")
    with pytest.raises(KirjuriError) as caught:
        dimensions.update_item(db, company_id=company_id, dimension_id=centres.id, item_id=project, code_name="X",
                               description=None, active=True)  # fmt: skip
    assert (caught.value.code, caught.value.status) == ("NOT_FOUND", 404)
    updated = dimensions.update_item(db, company_id=company_id, dimension_id=projects.id, item_id=project,
                                     code_name="P1b", description=None, active=False)  # fmt: skip
    assert (updated.code_name, updated.description, updated.active) == ("P1b", None, False)


@pytest.mark.parametrize(
    ("name", "code_name", "expected"),
    [
        (None, None, {"Kustannuspaikka": ["Myynti", "Hallinto", "10%_alv"], "Projekti": ["P100", "P200"]}),
        ("kustannus", None, {"Kustannuspaikka": ["Myynti", "Hallinto", "10%_alv"]}),
        ("PROJ", None, {"Projekti": ["P100", "P200"]}),
        ("paikka", "myyn", {"Kustannuspaikka": ["Myynti"]}),
        (None, "P1", {"Kustannuspaikka": [], "Projekti": ["P100"]}),  # every dimension, matching items only
        (None, "%", {"Kustannuspaikka": ["10%_alv"], "Projekti": []}),  # % is a character, not a wildcard
        (None, "_", {"Kustannuspaikka": ["10%_alv"], "Projekti": []}),
        ("%", None, {}),
        ("ei ole", None, {}),
    ],
)
def test_filters(db: Session, name: str | None, code_name: str | None, expected: dict[str, list[str]]) -> None:
    company_id = new_books(db, first_year=YEAR)
    centres = dimensions.create_dimension(db, company_id=company_id, name="Kustannuspaikka")
    for code in ("Myynti", "Hallinto", "10%_alv"):
        item(db, company_id, centres.id, code)
    projects = dimensions.create_dimension(db, company_id=company_id, name="Projekti")
    for code in ("P100", "P200"):
        item(db, company_id, projects.id, code)
    found = dimensions.dimensions(db, company_id=company_id, name=name, code_name=code_name)
    assert {d.name: [i.code_name for i in items] for d, items in found} == expected


def test_rename(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    dimension = dimensions.create_dimension(db, company_id=company_id, name="Kustannuspaikka")
    before = dimension.version
    renamed = dimensions.rename(db, company_id=company_id, dimension_id=dimension.id, name="Tulosyksikkö")
    assert renamed.name == "Tulosyksikkö" and renamed.version > before


def test_an_inactive_item_keeps_old_postings_and_takes_no_new_ones(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    dimension = dimensions.create_dimension(db, company_id=company_id, name="Projekti")
    project = item(db, company_id, dimension.id, "P1")
    old = service.create_receipt(db, company_id=company_id, draft=split_receipt(dimension.id, project))
    dimensions.update_item(db, company_id=company_id, dimension_id=dimension.id, item_id=project, code_name="P1",
                           description=None, active=False)  # fmt: skip
    with pytest.raises(KirjuriError) as caught:
        service.create_receipt(db, company_id=company_id, draft=split_receipt(dimension.id, project))
    assert caught.value.code == rules.DIMENSION_CODE
    assert caught.value.field == "transactions[0].dimensionItemValues[0]"
    assert service.transition(db, company_id=company_id, receipt_id=old.id, action="approve").status == rules.APPROVED


def test_dimensions_are_per_company(db: Session) -> None:
    mine = new_books(db, first_year=YEAR)
    theirs = new_books(db, first_year=YEAR)
    dimension = dimensions.create_dimension(db, company_id=mine, name="Kustannuspaikka")
    my_item = item(db, mine, dimension.id, "A")
    assert dimensions.dimensions(db, company_id=theirs) == []
    for call in (
        lambda: dimensions.get(db, company_id=theirs, dimension_id=dimension.id),
        lambda: dimensions.rename(db, company_id=theirs, dimension_id=dimension.id, name="x"),
        lambda: item(db, theirs, dimension.id, "B"),
        lambda: dimensions.update_item(db, company_id=theirs, dimension_id=dimension.id, item_id=my_item,
                                       code_name="C", description=None, active=True),
    ):  # fmt: skip
        with pytest.raises(KirjuriError) as caught:
            call()
        assert caught.value.status == 404
    # Their receipts cannot use my item either.
    with pytest.raises(KirjuriError) as caught:
        service.create_receipt(db, company_id=theirs, draft=split_receipt(dimension.id, my_item))
    assert caught.value.code == rules.DIMENSION_CODE
    assert dimensions.active_items(db, company_id=theirs, dimension_ids=[dimension.id]) == {}
