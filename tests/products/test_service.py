"""The product services against the real database.

What is checked: ids come from the company's counters; a product is validated whole against the
company's chart and groups before anything is written; its type never changes; every write moves
`version` and runs the version check first; TRAVEL products and groups are never deleted; a product
named by a partner's default products and a group with products are 409 naming what refers to them;
deleting a product deletes its default splits; the caller's readable and writable types give 404
and 403; a partner's default products are replaced whole, keeping known ids.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.core.paging import PageRequest
from kirjuri.ledger import default_splits
from kirjuri.products import defaults, repository, rules, service
from kirjuri.products.models import DefaultProduct, Product, ProductGroup
from kirjuri.products.rules import DefaultProductDraft, Localization, Period, ProductDraft
from tests.ledger.helpers import NO_VAT_EXPENSE, PURCHASES, SALES, new_books
from tests.products.helpers import add_partner, dimension_with_items

D = Decimal
DRAFT = ProductDraft(type="SALES", name="Kahvi", price=D("12.5"), discount=D(0), currency="EUR")


def codes(exc: pytest.ExceptionInfo[KirjuriError]) -> list[tuple[int, str | None, str]]:
    return [(i.status, i.field, i.message) for i in exc.value.items]


def count(db: Session, model: type[Product] | type[ProductGroup] | type[DefaultProduct], company_id: int) -> int:
    return db.execute(select(func.count()).select_from(model).where(model.company_id == company_id)).scalar_one()


@pytest.fixture()
def company(db: Session) -> int:
    company_id = new_books(db)
    db.commit()
    return company_id


def test_products_are_numbered_per_company_and_stored_exactly(db: Session, company: int) -> None:
    other = new_books(db, name="Toinen Oy")
    first = service.create_product(db, company_id=company, draft=DRAFT)
    theirs = service.create_product(db, company_id=other, draft=DRAFT)
    draft = replace(
        DRAFT,
        name="Tee",
        code="T-1",
        unit="PIECE",
        price=D("0.12345678"),
        discount=D("12.3456"),
        vat=D("13.5"),
        vat_status=1,
        active=False,
        default_account=SALES,
        localizations=(Localization("ENGLISH", "Tea"),),
    )
    second = service.create_product(db, company_id=company, draft=draft)
    db.commit()
    assert (first.id, theirs.id, second.id) == (1, 1, 2)
    db.expire_all()
    stored = repository.get(db, company_id=company, product_id=second.id)
    assert (stored.name, stored.code, stored.unit, stored.price, stored.discount, stored.vat, stored.vat_status) == (
        "Tee", "T-1", "PIECE", D("0.12345678"), D("12.3456"), D("13.5"), 1,
    )  # fmt: skip
    assert (stored.active, stored.default_account, stored.currency) == (False, SALES, "EUR")
    assert stored.localizations == [{"language": "ENGLISH", "productName": "Tea"}]
    assert stored.created_at == stored.version


def test_a_product_is_validated_whole_against_the_chart_and_groups(db: Session, company: int) -> None:
    other = new_books(db, name="Toinen Oy")
    service.create_group(db, company_id=other, name="Heidän", group_type="SALES")
    theirs = service.create_group(db, company_id=other, name="Heidän 2", group_type="SALES")  # id 2: not ours
    purchase_group = service.create_group(db, company_id=company, name="Ostot", group_type="PURCHASE")
    db.commit()
    bad = replace(DRAFT, default_account="99999", group_id=theirs.id, vat=D(13))
    with pytest.raises(KirjuriError) as exc:
        service.create_product(db, company_id=company, draft=bad)
    assert codes(exc) == [
        (400, "vat", "INVALID_VAT_PERCENTAGE"),
        (400, "defaultAccount", "ACCOUNT_NOT_FOUND"),
        (400, "productGroupId", "PRODUCT_GROUP_NOT_FOUND"),
    ]
    with pytest.raises(KirjuriError) as exc:
        service.create_product(db, company_id=company, draft=replace(DRAFT, group_id=purchase_group.id))
    assert codes(exc) == [(400, "productGroupId", "PRODUCT_GROUP_TYPE_MISMATCH")]
    travel = replace(DRAFT, type="TRAVEL", bookkeeping_account="1", start_date=date(2026, 1, 1))
    with pytest.raises(KirjuriError) as exc:
        service.create_product(db, company_id=company, draft=travel)
    assert codes(exc) == [(400, "bookkeepingAccount", "ACCOUNT_NOT_FOUND")]
    db.rollback()
    assert count(db, Product, company) == 0


def test_replace_keeps_the_type_moves_the_version_and_checks_it_first(db: Session, company: int) -> None:
    product = service.create_product(db, company_id=company, draft=DRAFT)
    db.commit()
    before = product.version
    seen: list[datetime] = []
    changed = service.replace_product(
        db,
        company_id=company,
        product_id=product.id,
        draft=replace(DRAFT, name="Kahvi 2", price=D(3)),
        check_version=seen.append,
    )
    assert seen == [before]
    assert (changed.name, changed.price) == ("Kahvi 2", D(3))
    assert changed.version > before

    def stale(_current: datetime) -> None:
        raise KirjuriError("VERSION_CONFLICT", 400, "version")

    with pytest.raises(KirjuriError) as exc:
        service.replace_product(db, company_id=company, product_id=product.id, draft=DRAFT, check_version=stale)
    assert codes(exc) == [(400, "version", "VERSION_CONFLICT")]
    with pytest.raises(KirjuriError) as exc:
        service.replace_product(db, company_id=company, product_id=product.id, draft=replace(DRAFT, type="PURCHASE"))
    assert codes(exc) == [(400, "type", "PRODUCT_TYPE_CANNOT_BE_CHANGED")]


def test_readable_and_writable_types_give_404_and_403(db: Session, company: int) -> None:
    purchase = service.create_product(db, company_id=company, draft=replace(DRAFT, type="PURCHASE"))
    db.commit()
    with pytest.raises(KirjuriError) as exc:
        service.create_product(db, company_id=company, draft=DRAFT, writable={"PURCHASE"})
    assert codes(exc) == [(403, None, "INSUFFICIENT_RIGHTS")]
    for call in (
        lambda **k: service.replace_product(db, company_id=company, product_id=purchase.id, draft=DRAFT, **k),
        lambda **k: service.delete_product(db, company_id=company, product_id=purchase.id, **k),
    ):
        with pytest.raises(KirjuriError) as exc:
            call(readable={"SALES"}, writable={"SALES"})
        assert codes(exc) == [(404, "productId", "NOT_FOUND")]
        with pytest.raises(KirjuriError) as exc:
            call(readable={"SALES", "PURCHASE"}, writable={"SALES"})
        assert codes(exc) == [(403, None, "INSUFFICIENT_RIGHTS")]


def test_delete_refuses_travel_and_products_in_use_and_drops_splits(db: Session, company: int) -> None:
    travel = service.create_product(db, company_id=company, draft=replace(DRAFT, type="TRAVEL"))
    used = service.create_product(db, company_id=company, draft=DRAFT)
    free = service.create_product(db, company_id=company, draft=DRAFT)
    partners = {t: add_partner(db, company_id=company, partner_type=t) for t in ("CUSTOMER", "PERSON")}
    for partner_type, partner_id in partners.items():
        defaults.replace_default_products(
            db,
            company_id=company,
            partner_id=partner_id,
            partner_type=partner_type,
            drafts=[DefaultProductDraft(product_id=used.id)],
        )
    dimension_id, items = dimension_with_items(db, company_id=company)
    service.replace_product_split(
        db,
        company_id=company,
        product_id=free.id,
        dimension_id=dimension_id,
        items=[default_splits.WantedItem(items[0], None, D(100))],
    )
    db.commit()
    with pytest.raises(KirjuriError) as exc:
        service.delete_product(db, company_id=company, product_id=travel.id)
    assert codes(exc) == [(400, "productId", "TRAVEL_PRODUCT_CANNOT_BE_DELETED")]
    with pytest.raises(KirjuriError) as exc:
        service.delete_product(db, company_id=company, product_id=used.id)
    assert codes(exc) == [(409, None, f"PRODUCT_IN_USE: partners {partners['CUSTOMER']}, {partners['PERSON']}")]
    service.delete_product(db, company_id=company, product_id=free.id)
    db.commit()
    assert repository.find(db, company_id=company, product_id=free.id) is None
    assert default_splits.splits_of(db, company_id=company, owner_kind=default_splits.PRODUCT, owner_id=free.id) == []
    assert count(db, Product, company) == 2


def test_in_use_names_at_most_fifty_ids() -> None:
    error = service.in_use("PRODUCT_GROUP_IN_USE", "products", list(range(1, 53)))
    assert error.status == 409
    assert error.code == f"PRODUCT_GROUP_IN_USE: products {', '.join(map(str, range(1, 51)))} and 2 more"


def test_groups_have_a_fixed_type_and_are_deleted_only_when_empty(db: Session, company: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        service.create_group(db, company_id=company, name="Ei tyyppiä", group_type=None)
    assert codes(exc) == [(400, "type", "REQUIRED")]
    with pytest.raises(KirjuriError) as exc:
        service.create_group(db, company_id=company, name="  ", group_type="SALES")
    assert codes(exc) == [(400, "name", "REQUIRED")]
    group = service.create_group(db, company_id=company, name="Juomat", group_type="SALES")
    travel = service.create_group(db, company_id=company, name="Matkat", group_type="TRAVEL")
    members = [
        service.create_product(db, company_id=company, draft=replace(DRAFT, group_id=group.id)) for _ in range(2)
    ]
    db.commit()
    renamed = service.rename_group(db, company_id=company, group_id=group.id, name="Kahvit", group_type="SALES")
    assert renamed.name == "Kahvit"
    with pytest.raises(KirjuriError) as exc:
        service.rename_group(db, company_id=company, group_id=group.id, name="X", group_type="PURCHASE")
    assert codes(exc) == [(400, "type", "PRODUCT_GROUP_TYPE_CANNOT_BE_CHANGED")]
    with pytest.raises(KirjuriError) as exc:
        service.delete_group(db, company_id=company, group_id=travel.id)
    assert codes(exc) == [(400, "groupId", "TRAVEL_PRODUCT_GROUP_CANNOT_BE_DELETED")]
    with pytest.raises(KirjuriError) as exc:
        service.delete_group(db, company_id=company, group_id=group.id)
    assert codes(exc) == [(409, None, f"PRODUCT_GROUP_IN_USE: products {members[0].id}, {members[1].id}")]
    for member in members:
        service.replace_product(db, company_id=company, product_id=member.id, draft=DRAFT)
    service.delete_group(db, company_id=company, group_id=group.id)
    db.commit()
    assert [g.id for g in repository.groups(db, company_id=company, types=rules.TYPES)] == [travel.id]


def test_default_products_are_replaced_whole_keeping_known_ids(db: Session, company: int) -> None:
    sales = [service.create_product(db, company_id=company, draft=DRAFT).id for _ in range(3)]
    purchase = service.create_product(db, company_id=company, draft=replace(DRAFT, type="PURCHASE")).id
    customer = add_partner(db, company_id=company)
    db.commit()

    def put(*drafts: DefaultProductDraft) -> list[tuple[int, int]]:
        found = defaults.replace_default_products(
            db, company_id=company, partner_id=customer, partner_type="CUSTOMER", drafts=drafts
        )
        return [(row.id, product.id) for row, product in found]

    first = put(
        DefaultProductDraft(product_id=sales[0], use_special_price=True, special_price=D("9.50")),
        DefaultProductDraft(product_id=sales[1], periods=(Period(date(2026, 1, 1), None, "alkaen"),)),
    )
    assert [p for _, p in first] == [sales[0], sales[1]]
    row = db.get(DefaultProduct, (company, first[0][0]))
    assert row is not None
    assert (row.settings, row.validity_periods) == ({"useSpecialPrice": True, "specialPrice": "9.5"}, [])
    second = put(DefaultProductDraft(product_id=sales[2]), DefaultProductDraft(id=first[1][0], product_id=sales[0]))
    assert second == [(first[1][0], sales[0]), (first[1][0] + 1, sales[2])]
    kept = db.get(DefaultProduct, (company, first[1][0]))
    assert kept is not None and kept.validity_periods == []
    assert count(db, DefaultProduct, company) == 2

    with pytest.raises(KirjuriError) as exc:
        put(DefaultProductDraft(product_id=purchase), DefaultProductDraft(product_id=999))
    assert codes(exc) == [
        (400, "[0].productInfo.id", "PRODUCT_TYPE_NOT_ALLOWED"),
        (400, "[1].productInfo.id", "PRODUCT_NOT_FOUND"),
    ]
    assert put() == []
    assert count(db, DefaultProduct, company) == 0


def test_default_products_are_the_partners_own_and_need_a_partner_type(db: Session, company: int) -> None:
    """The partner is resolved by the partners area; here a list belongs to one partner id, and a
    type that is no partner type is the caller's bug (nothing written)."""
    product = service.create_product(db, company_id=company, draft=DRAFT).id
    customer, other = add_partner(db, company_id=company), add_partner(db, company_id=company)
    db.commit()
    defaults.replace_default_products(
        db,
        company_id=company,
        partner_id=customer,
        partner_type="CUSTOMER",
        drafts=[DefaultProductDraft(product_id=product)],
    )
    db.commit()
    assert [p.id for _, p in defaults.default_products(db, company_id=company, partner_id=customer)] == [product]
    assert defaults.default_products(db, company_id=company, partner_id=other) == []
    with pytest.raises(ValueError, match="not a partner type"):
        defaults.replace_default_products(db, company_id=company, partner_id=other, partner_type="SALES", drafts=[])
    assert count(db, DefaultProduct, company) == 1


def test_supplier_takes_purchase_products_and_person_any(db: Session, company: int) -> None:
    ids = {t: service.create_product(db, company_id=company, draft=replace(DRAFT, type=t)).id for t in rules.TYPES}
    supplier = add_partner(db, company_id=company, partner_type="SUPPLIER")
    person = add_partner(db, company_id=company, partner_type="PERSON")
    db.commit()
    found = defaults.replace_default_products(
        db,
        company_id=company,
        partner_id=person,
        partner_type="PERSON",
        drafts=[DefaultProductDraft(product_id=i) for i in ids.values()],
    )
    assert [product.type for _, product in found] == ["SALES", "PURCHASE", "TRAVEL"]
    with pytest.raises(KirjuriError) as exc:
        defaults.replace_default_products(
            db,
            company_id=company,
            partner_id=supplier,
            partner_type="SUPPLIER",
            drafts=[DefaultProductDraft(product_id=ids["PURCHASE"]), DefaultProductDraft(product_id=ids["TRAVEL"])],
        )
    assert codes(exc) == [(400, "[1].productInfo.id", "PRODUCT_TYPE_NOT_ALLOWED")]


def test_search_filters_and_orders(db: Session, company: int) -> None:
    group = service.create_group(db, company_id=company, name="Juomat", group_type="SALES")
    made = [
        service.create_product(db, company_id=company, draft=replace(DRAFT, name="Musta Kahvi", group_id=group.id)),
        service.create_product(db, company_id=company, draft=replace(DRAFT, name="Tee", code="T", active=False)),
        service.create_product(db, company_id=company, draft=replace(DRAFT, type="PURCHASE", name="kahvipavut")),
        service.create_product(
            db,
            company_id=company,
            draft=replace(
                DRAFT,
                type="TRAVEL",
                name="Päiväraha",
                start_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31),
                bookkeeping_account=NO_VAT_EXPENSE,
            ),
        ),
        service.create_product(
            db, company_id=company, draft=replace(DRAFT, type="PURCHASE", name="Sokeri", default_account=PURCHASES)
        ),
    ]
    db.commit()
    ids = [p.id for p in made]

    def search(**filters: object) -> list[int]:
        wanted = repository.ProductFilter(**{"types": ("SALES", "PURCHASE"), **filters})  # type: ignore[arg-type]
        rows, meta = repository.search_products(
            db, company_id=company, filters=wanted, order=repository.ProductOrder(), page=PageRequest(size=200)
        )
        assert meta.total_count == len(rows)
        return [r.id for r in rows]

    assert search() == [ids[4], ids[2], ids[1], ids[0]]
    assert search(name="KAHVI") == [ids[2], ids[0]]
    assert search(name="%") == []
    assert search(groups=(group.id,)) == [ids[0]]
    assert search(code="T") == [ids[1]]
    assert search(active=False) == [ids[1]]
    assert search(types=("TRAVEL",), start_date=date(2026, 12, 31)) == [ids[3]]
    assert search(types=("TRAVEL",), start_date=date(2027, 1, 1)) == []
    assert search(types=("TRAVEL",), end_date=date(2025, 12, 31)) == []
    assert search(types=("TRAVEL",), start_date=date(2025, 1, 1), end_date=date(2026, 1, 1)) == [ids[3]]
