"""db.direct: rows written past the unit of work are the rows a flush would write, in the session's
transaction.

Guards, on SQLite and PostgreSQL alike:
- `insert` stores what `session.add` + `flush` stores (decimals, dates, aware datetimes, JSON
  documents, booleans, NULLs), applies the Python defaults of unset attributes and writes them
  back onto the objects; an unset JSON column without a default is SQL NULL, a JSON column set to
  None is stored as a flush stores it;
- several rows of one table go as one statement (PostgreSQL: a single execute, in chunks past
  `MAX_ROWS`; SQLite: one executemany), tables in the order their first object comes, every row
  in full; an attribute set to None takes its default as in a flush;
- `update` writes only the named columns of its one row; `run` runs a prebuilt Core statement with
  the values compiled into it and returns what RETURNING gives; `run_each` runs several in order
  and returns what each gives;
- `batch` holds back what is written inside it and sends it, in order, when it ends (nothing when
  it ends by an error); a statement that fetches goes at once, after what the batch holds;
- driver errors come as SQLAlchemy's exceptions and leave the session usable after a rollback;
- a read-only session refuses every write, and a write to a table the memo watches forgets it;
- `attach` makes the objects persistent and clean; a rollback (of the transaction or of the
  savepoint they were attached in) makes them transient with their values, as flushed objects, a
  released savepoint leaves them to the outer transaction, a commit keeps them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, inspect, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from kirjuri.core import clock
from kirjuri.db import direct, driver, memo
from kirjuri.db.base import Base
from kirjuri.db.counters import CompanyCounter, next_value, unnumbered
from kirjuri.db.engine import ReadOnlySessionError, make_session_factory
from kirjuri.invoicing.models import Invoice, InvoiceEvent, InvoiceRow
from kirjuri.ledger.models import LedgerAccount
from kirjuri.partners.models import BusinessPartner
from tests import sqlcount
from tests.factories import Tenant

ONE_OR_SEVERAL = pytest.mark.parametrize("count", [1, 3], ids=["one row", "several rows"])
UNSET: Any = object()  # given to a builder: the attribute is left unset (as if never given)

_PARTNERS: Any = BusinessPartner.__table__
_ACCOUNTS: Any = LedgerAccount.__table__
_COUNTERS: Any = CompanyCounter.__table__

# Prebuilt statements as the areas keep them (module level: db.direct compiles each once).
_RENAME_CUSTOMER = (
    update(_PARTNERS)
    .where(
        _PARTNERS.c.company_id == bindparam("company"),
        _PARTNERS.c.id == bindparam("partner"),
        _PARTNERS.c.type == "CUSTOMER",  # a literal: compiled into the statement, not given
    )
    .values(name="Nimetty Oy", active=False)
)
_ADVANCE = (
    update(_COUNTERS)
    .where(_COUNTERS.c.company_id == bindparam("company"), _COUNTERS.c.name == bindparam("counter"))
    .values(value=_COUNTERS.c.value + bindparam("step"))
    .returning(_COUNTERS.c.value)
)
_RENAME_ACCOUNT = (
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.company_id == bindparam("company"), _ACCOUNTS.c.code == bindparam("account"))
    .values(name=bindparam("new_name"))
    .returning(_ACCOUNTS.c.code)
)


# --- helpers ---------------------------------------------------------------------------------


def _ids(db: Session, company_id: int, count: int) -> list[int]:
    """`count` fresh ids of the company (one counter for every table here: ids never collide)."""
    first = next_value(db, company_id=company_id, name="direct-test", count=count)
    return list(range(first, first + count))


def _is_postgresql(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _given(fields: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in {**fields, **changes}.items() if value is not UNSET}


def _partner(company_id: int, partner_id: int, **changes: Any) -> BusinessPartner:
    fields: dict[str, Any] = {
        "type": "CUSTOMER",
        "name": "Asiakas Oy",
        "customer_number": "C-1007",
        "identifier": None,
        "active": True,
        "document": {"name": "Asiakas Oy", "emails": ["ap@example.fi"], "vat": {"rate": 25.5, "exempt": False}},
    }
    return BusinessPartner(company_id=company_id, id=partner_id, **_given(fields, changes))


def _invoice(company_id: int, invoice_id: int, **changes: Any) -> Invoice:
    """An invoice with every kind of column set; unset: the nullable ones not named here."""
    fields: dict[str, Any] = {
        "type": "SALES_INVOICE",
        "status": "UNFINISHED",
        "is_offer": True,
        "series": "DIRECT",
        "invoice_number": unnumbered(invoice_id),
        "counterparty_name": "Esimerkki Oy",
        "invoice_date": date(2026, 5, 4),
        "due_date": date(2026, 5, 18),
        "payment_date": None,
        "invoice_channel": "EMAIL",
        "payment_method": "BANK_TRANSFER",
        "currency": "SEK",
        "currency_rate": Decimal("11.4567890123"),
        "reference": None,
        "net_minor": 123456,
        "vat_minor": 31481,
        "gross_minor": 154937,
        "paid_minor": 0,
        "additional_information": "Lisätietoa – äöå",
        "document": {"notes": "Kiitos!", "amounts": [1, 2.5, "3.10"], "nested": {"ok": True, "none": None}},
        "created_at": datetime(2026, 5, 4, 15, 30, 45, 123456, tzinfo=timezone(timedelta(hours=3))),
        "version": datetime(2026, 5, 4, 12, 30, tzinfo=UTC),
    }
    return Invoice(company_id=company_id, id=invoice_id, **_given(fields, changes))


def _row(company_id: int, row_id: int, invoice_id: int, line_no: int, **changes: Any) -> InvoiceRow:
    fields: dict[str, Any] = {
        "product": f"Konsultointi {line_no}",
        "product_code": "K-1",
        "quantity": Decimal("12.500000"),
        "unit": "HOUR",
        "unit_price": Decimal("95.123456"),
        "discount_percent": Decimal("2.5"),
        "vat_percent": Decimal("25.5"),
        "vat_status": 1,
        "net_minor": 115932,
        "vat_minor": 29563,
        "gross_minor": 145495,
        "document": {"comment": "rivi", "startDate": "2026-05-01"},
    }
    return InvoiceRow(
        company_id=company_id, id=row_id, invoice_id=invoice_id, line_no=line_no, **_given(fields, changes)
    )


def _stored(db: Session, model: type[Base], company_id: int, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The rows as the database has them (a Core SELECT: nothing comes from the identity map)."""
    table: Any = model.__table__
    result = db.execute(select(table).where(table.c.company_id == company_id, table.c.id.in_(list(ids))))
    return {row.id: dict(row._mapping) for row in result}


def _sql_null(db: Session, model: type[Base], company_id: int, ids: Iterable[int], column: str) -> list[bool]:
    """Per id (in the order given), whether `column` holds SQL NULL (JSON `null` is not)."""
    table: Any = model.__table__
    result = db.execute(
        select(table.c.id, table.c[column].is_(None)).where(table.c.company_id == company_id, table.c.id.in_(list(ids)))
    )
    nulls: dict[int, bool] = {row[0]: bool(row[1]) for row in result}
    return [nulls[i] for i in ids]


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in keys}


def _first_account(db: Session, company_id: int) -> LedgerAccount:
    return db.scalars(
        select(LedgerAccount).where(LedgerAccount.company_id == company_id).order_by(LedgerAccount.code).limit(1)
    ).one()


# --- insert: what a flush would store ----------------------------------------------------------


@ONE_OR_SEVERAL
def test_insert_stores_what_a_flush_stores(db: Session, tenant: Tenant, count: int) -> None:
    company_id = tenant.company_id
    ids = _ids(db, company_id, 4 * count)
    direct_ids, flushed_ids = ids[: 2 * count], ids[2 * count :]

    def objects(invoice_ids: list[int], row_ids: list[int]) -> list[Base]:
        invoices: list[Base] = [_invoice(company_id, invoice_id) for invoice_id in invoice_ids]
        rows = [_row(company_id, row_id, invoice_ids[0], line_no) for line_no, row_id in enumerate(row_ids)]
        return [*invoices, *rows]

    direct.insert(db, objects(direct_ids[:count], direct_ids[count:]))
    db.add_all(objects(flushed_ids[:count], flushed_ids[count:]))
    db.flush()

    # Compared without what differs by construction: the ids (and the numbers made of them).
    invoices = _stored(db, Invoice, company_id, direct_ids[:count] + flushed_ids[:count])
    as_direct = [_without(invoices[i], "id", "invoice_number") for i in direct_ids[:count]]
    as_flushed = [_without(invoices[i], "id", "invoice_number") for i in flushed_ids[:count]]
    assert as_direct == as_flushed
    rows = _stored(db, InvoiceRow, company_id, direct_ids[count:] + flushed_ids[count:])
    assert [_without(rows[i], "id", "invoice_id") for i in direct_ids[count:]] == [
        _without(rows[i], "id", "invoice_id") for i in flushed_ids[count:]
    ]
    # …and what both stored is what was given (so that equal is not equally wrong).
    stored = as_direct[0]
    assert stored["currency_rate"] == Decimal("11.4567890123")
    assert stored["invoice_date"] == date(2026, 5, 4)
    assert stored["created_at"] == datetime(2026, 5, 4, 12, 30, 45, 123456, tzinfo=UTC)
    assert stored["created_at"].tzinfo is not None
    assert stored["document"] == {"notes": "Kiitos!", "amounts": [1, 2.5, "3.10"], "nested": {"ok": True, "none": None}}
    assert stored["is_offer"] is True
    assert stored["payment_date"] is None
    assert stored["partner_id"] is None
    assert stored["additional_information"] == "Lisätietoa – äöå"
    assert rows[direct_ids[count]]["unit_price"] == Decimal("95.123456")
    assert rows[direct_ids[count]]["document"] == {"comment": "rivi", "startDate": "2026-05-01"}


@ONE_OR_SEVERAL
def test_unset_attributes_take_their_python_defaults_written_back(db: Session, tenant: Tenant, count: int) -> None:
    company_id = tenant.company_id
    invoice_id, *ids = _ids(db, company_id, 1 + 2 * count)
    unset = dict.fromkeys(("is_offer", "net_minor", "paid_minor", "created_at", "version"), UNSET)
    invoice = _invoice(company_id, invoice_id, **unset)
    rows = [_row(company_id, row_id, invoice_id, line_no, document=UNSET) for line_no, row_id in enumerate(ids[:count])]
    events = [
        InvoiceEvent(company_id=company_id, id=event_id, invoice_id=invoice_id, action="CREATED", actor="Testi")
        for event_id in ids[count:]
    ]
    before = clock.now()
    direct.insert(db, [invoice, *rows, *events])
    after = clock.now()

    # Written back onto the objects, as a flush does…
    assert (invoice.is_offer, invoice.net_minor, invoice.paid_minor) == (False, 0, 0)
    assert before < invoice.created_at < after
    assert before < invoice.version < after
    assert all(row.document == {} for row in rows)
    assert len({id(row.document) for row in rows}) == count  # a fresh dict each (`default=dict`)
    assert all(before < event.at < after for event in events)
    # …and stored as they are on the objects.
    stored = _stored(db, Invoice, company_id, [invoice_id])[invoice_id]
    assert (stored["is_offer"], stored["net_minor"], stored["paid_minor"]) == (False, 0, 0)
    assert (stored["created_at"], stored["version"]) == (invoice.created_at, invoice.version)
    assert [row["document"] for row in _stored(db, InvoiceRow, company_id, ids[:count]).values()] == [{}] * count
    assert _sql_null(db, InvoiceRow, company_id, ids[:count], "document") == [False] * count
    stored_events = _stored(db, InvoiceEvent, company_id, ids[count:])
    assert [stored_events[event.id]["at"] for event in events] == [event.at for event in events]


# --- insert: JSON, None and NULL -----------------------------------------------------------------


@ONE_OR_SEVERAL
def test_an_unset_json_column_without_default_is_sql_null(db: Session, tenant: Tenant, count: int) -> None:
    company_id = tenant.company_id
    ids = _ids(db, company_id, count)
    direct.insert(db, [_partner(company_id, partner_id) for partner_id in ids])
    assert _sql_null(db, BusinessPartner, company_id, ids, "default_accounts") == [True] * count


@ONE_OR_SEVERAL
def test_a_json_column_set_to_none_is_stored_as_a_flush_stores_it(db: Session, tenant: Tenant, count: int) -> None:
    company_id = tenant.company_id
    ids = _ids(db, company_id, 2 * count)
    direct.insert(db, [_partner(company_id, partner_id, default_accounts=None) for partner_id in ids[:count]])
    db.add_all([_partner(company_id, partner_id, default_accounts=None) for partner_id in ids[count:]])
    db.flush()
    flushed = _sql_null(db, BusinessPartner, company_id, ids[count:], "default_accounts")
    assert _sql_null(db, BusinessPartner, company_id, ids[:count], "default_accounts") == flushed


def test_set_unset_and_none_json_columns_in_one_insert(db: Session, tenant: Tenant) -> None:
    """Rows of one statement that differ in what their JSON column holds each keep their own."""
    company_id = tenant.company_id
    ids = _ids(db, company_id, 6)
    accounts = {"sales": "3000", "vat": {"percent": 25.5}}

    def mixed(partner_ids: list[int]) -> list[BusinessPartner]:
        set_, unset, none = partner_ids
        return [
            _partner(company_id, set_, default_accounts=accounts),
            _partner(company_id, unset),
            _partner(company_id, none, default_accounts=None),
        ]

    direct.insert(db, mixed(ids[:3]))
    db.add_all(mixed(ids[3:]))
    db.flush()
    as_direct = _sql_null(db, BusinessPartner, company_id, ids[:3], "default_accounts")
    assert as_direct == _sql_null(db, BusinessPartner, company_id, ids[3:], "default_accounts")
    assert as_direct[:2] == [False, True]  # the unset one SQL NULL, the set one its document
    assert _stored(db, BusinessPartner, company_id, ids[:1])[ids[0]]["default_accounts"] == accounts


# --- insert: statements ---------------------------------------------------------------------------


def test_several_rows_of_a_table_go_as_one_statement(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    invoice_id, *row_ids = _ids(db, company_id, 6)
    direct.insert(db, [_invoice(company_id, invoice_id)])
    rows = [_row(company_id, row_id, invoice_id, line_no) for line_no, row_id in enumerate(row_ids)]
    with sqlcount.sent(db) as sent:
        direct.insert(db, rows)
    assert [statement.table for statement in sent] == ["invoice_rows"]
    # PostgreSQL: one execute of a statement carrying every row; SQLite: one executemany.
    if _is_postgresql(db):
        assert not sent[0].many
    else:
        assert sent[0].many
        assert len(sent[0].parameters) == len(rows)
    stored = _stored(db, InvoiceRow, company_id, row_ids)
    assert [(stored[i]["line_no"], stored[i]["product"]) for i in row_ids] == [
        (line_no, f"Konsultointi {line_no}") for line_no in range(5)
    ]


def test_tables_are_written_in_the_order_their_first_object_comes(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    invoice_id, first, second, event_id = _ids(db, company_id, 4)
    event = InvoiceEvent(company_id=company_id, id=event_id, invoice_id=invoice_id, action="CREATED", actor="Testi")
    objects = [
        _invoice(company_id, invoice_id),
        _row(company_id, first, invoice_id, 0),
        event,
        _row(company_id, second, invoice_id, 1),
    ]
    with sqlcount.sent(db) as sent:
        direct.insert(db, objects)  # the rows and the event refer to the invoice: it must go first
    assert [statement.table for statement in sent] == ["invoices", "invoice_rows", "invoice_events"]
    assert set(_stored(db, InvoiceRow, company_id, [first, second])) == {first, second}


@ONE_OR_SEVERAL
def test_an_overlong_string_is_refused_as_by_a_flush_not_cut(db: Session, tenant: Tenant, count: int) -> None:
    if not _is_postgresql(db):
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    company_id = tenant.company_id
    ids = _ids(db, company_id, count)
    with pytest.raises(DataError):  # business_partners.type is VARCHAR(10)
        direct.insert(db, [_partner(company_id, partner_id, type="CUSTOMER-AND-SUPPLIER") for partner_id in ids])


# --- update and run -------------------------------------------------------------------------------


def test_update_writes_only_the_named_columns_of_its_row(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    first, second = _ids(db, company_id, 2)
    changed, other = _partner(company_id, first), _partner(company_id, second)
    direct.insert(db, [changed, other])
    changed.name = "Uusi Nimi Oy"
    changed.default_accounts = {"sales": "3001"}
    changed.type = "SUPPLIER"  # changed on the object, not named: not written
    other.name = "Ei Tallenneta Oy"
    direct.update(db, changed, ["name", "default_accounts"])
    stored = _stored(db, BusinessPartner, company_id, [first, second])
    assert (stored[first]["name"], stored[first]["default_accounts"], stored[first]["type"]) == (
        "Uusi Nimi Oy",
        {"sales": "3001"},
        "CUSTOMER",
    )
    assert stored[second]["name"] == "Asiakas Oy"


def test_run_advances_a_counter_and_returns_its_new_value(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    name = "invoice_number:DIRECT"  # gap-free: its row is advanced in this transaction on both databases
    assert next_value(db, company_id=company_id, name=name) == 1
    rows = direct.run(db, _ADVANCE, [{"company": company_id, "counter": name, "step": 5}], fetch=True)
    assert [tuple(row) for row in rows] == [(6,)]
    assert next_value(db, company_id=company_id, name=name) == 7


def test_run_uses_the_values_compiled_into_the_statement(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    first, second, supplier, untouched = _ids(db, company_id, 4)
    direct.insert(
        db,
        [
            _partner(company_id, first),
            _partner(company_id, second),
            _partner(company_id, supplier, type="SUPPLIER"),
            _partner(company_id, untouched),
        ],
    )
    given = [{"company": company_id, "partner": partner_id} for partner_id in (first, second, supplier)]
    assert direct.run(db, _RENAME_CUSTOMER, given) == []
    stored = _stored(db, BusinessPartner, company_id, [first, second, supplier, untouched])
    assert {partner_id: (row["name"], row["active"]) for partner_id, row in stored.items()} == {
        first: ("Nimetty Oy", False),
        second: ("Nimetty Oy", False),
        supplier: ("Asiakas Oy", True),  # WHERE type = 'CUSTOMER': the literal was used
        untouched: ("Asiakas Oy", True),
    }


def test_run_without_rows_sends_nothing(db: Session, tenant: Tenant) -> None:
    with sqlcount.sent(db) as sent:
        assert direct.run(db, _RENAME_CUSTOMER, []) == []
    assert sent == []


def test_run_each_runs_its_statements_in_order_and_returns_what_each_returns(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    first, second = "invoice_number:EACH-A", "invoice_number:EACH-B"
    for name in (first, second):
        assert next_value(db, company_id=company_id, name=name) == 1
    calls = [
        (_ADVANCE, {"company": company_id, "counter": first, "step": 1}),
        (_ADVANCE, {"company": company_id, "counter": second, "step": 10}),
        (_ADVANCE, {"company": company_id, "counter": first, "step": 100}),  # after the first: 2 + 100
    ]
    with sqlcount.sent(db) as sent:
        results = direct.run_each(db, calls)
    assert [[tuple(row) for row in rows] for rows in results] == [[(2,)], [(11,)], [(102,)]]
    assert [statement.table for statement in sent] == ["company_counters"] * 3


# --- batch ----------------------------------------------------------------------------------------


def test_a_batch_sends_what_it_holds_in_order_when_it_ends(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    invoice_id, row_id, partner_id = _ids(db, company_id, 3)
    invoice = _invoice(company_id, invoice_id)
    with sqlcount.sent(db) as sent:
        with direct.batch(db):
            direct.insert(db, [invoice])
            direct.insert(db, [_row(company_id, row_id, invoice_id, 0)])  # refers to the invoice: goes after it
            invoice.status = "SENT"
            direct.update(db, invoice, ["status"])
            direct.insert(db, [_partner(company_id, partner_id)])
            direct.run(db, _RENAME_CUSTOMER, [{"company": company_id, "partner": partner_id}])
            assert sent == []  # held back
        assert [(statement.sql.split()[0], statement.table) for statement in sent] == [
            ("INSERT", "invoices"),
            ("INSERT", "invoice_rows"),
            ("UPDATE", "invoices"),
            ("INSERT", "business_partners"),
            ("UPDATE", "business_partners"),
        ]
    assert _stored(db, Invoice, company_id, [invoice_id])[invoice_id]["status"] == "SENT"
    assert set(_stored(db, InvoiceRow, company_id, [row_id])) == {row_id}
    assert _stored(db, BusinessPartner, company_id, [partner_id])[partner_id]["name"] == "Nimetty Oy"


def test_a_batch_ended_by_an_error_sends_nothing(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    (partner_id,) = _ids(db, company_id, 1)
    with sqlcount.sent(db) as sent, pytest.raises(RuntimeError), direct.batch(db):
        direct.insert(db, [_partner(company_id, partner_id)])
        raise RuntimeError("kesken")
    assert sent == []
    assert _stored(db, BusinessPartner, company_id, [partner_id]) == {}


def test_a_fetch_inside_a_batch_goes_at_once_after_what_the_batch_holds(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    first, second = _ids(db, company_id, 2)
    name = "invoice_number:BATCH"
    assert next_value(db, company_id=company_id, name=name) == 1
    with sqlcount.sent(db) as sent:
        with direct.batch(db):
            direct.insert(db, [_partner(company_id, first)])
            rows = direct.run(db, _ADVANCE, [{"company": company_id, "counter": name, "step": 5}], fetch=True)
            assert [tuple(row) for row in rows] == [(6,)]
            assert [statement.table for statement in sent] == ["business_partners", "company_counters"]
            direct.insert(db, [_partner(company_id, second)])
        assert [statement.table for statement in sent] == ["business_partners", "company_counters", "business_partners"]
    assert set(_stored(db, BusinessPartner, company_id, [first, second])) == {first, second}


def test_a_batch_inside_a_batch_goes_with_the_outer_one(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    first, second = _ids(db, company_id, 2)
    with sqlcount.sent(db) as sent:
        with direct.batch(db):
            with direct.batch(db):
                direct.insert(db, [_partner(company_id, first)])
            assert sent == []
            direct.insert(db, [_partner(company_id, second)])
        assert [statement.table for statement in sent] == ["business_partners"] * 2
    assert set(_stored(db, BusinessPartner, company_id, [first, second])) == {first, second}


# --- errors and read-only sessions --------------------------------------------------------------


@ONE_OR_SEVERAL
def test_a_duplicate_key_raises_sqlalchemys_integrity_error(db: Session, tenant: Tenant, count: int) -> None:
    company_id = tenant.company_id
    existing, *fresh = _ids(db, company_id, count + 1)
    direct.insert(db, [_partner(company_id, existing)])
    db.commit()
    with pytest.raises(IntegrityError) as raised:
        direct.insert(
            db, [*(_partner(company_id, partner_id) for partner_id in fresh[:-1]), _partner(company_id, existing)]
        )
    assert isinstance(raised.value.orig, db.get_bind().dialect.loaded_dbapi.IntegrityError)
    assert not raised.value.connection_invalidated
    db.rollback()
    direct.insert(db, [_partner(company_id, fresh[-1], name="Seuraava Oy")])
    db.commit()
    stored = _stored(db, BusinessPartner, company_id, [existing, *fresh])
    assert {partner_id: row["name"] for partner_id, row in stored.items()} == {
        existing: "Asiakas Oy",
        fresh[-1]: "Seuraava Oy",
    }


def test_an_error_sent_with_a_batch_raises_integrity_error_and_the_session_recovers(
    db: Session, tenant: Tenant
) -> None:
    company_id = tenant.company_id
    existing, fresh = _ids(db, company_id, 2)
    direct.insert(db, [_partner(company_id, existing)])
    db.commit()
    with pytest.raises(IntegrityError), direct.batch(db):
        direct.insert(db, [_partner(company_id, fresh)])
        direct.insert(db, [_partner(company_id, existing)])  # the second statement of the batch fails
    db.rollback()
    assert set(_stored(db, BusinessPartner, company_id, [existing, fresh])) == {existing}
    direct.insert(db, [_partner(company_id, fresh)])
    db.commit()
    assert set(_stored(db, BusinessPartner, company_id, [existing, fresh])) == {existing, fresh}


def test_a_read_only_session_refuses_every_write(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    existing, new = _ids(db, company_id, 2)
    direct.insert(db, [_partner(company_id, existing)])
    db.commit()
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    with make_session_factory(engine, read_only=True)() as read:
        with pytest.raises(ReadOnlySessionError):
            direct.insert(read, [_partner(company_id, new)])
        partner = read.get(BusinessPartner, (company_id, existing))
        assert partner is not None
        partner.name = "Muutettu Oy"
        with pytest.raises(ReadOnlySessionError):
            direct.update(read, partner, ["name"])
        with pytest.raises(ReadOnlySessionError):
            direct.run(read, _RENAME_CUSTOMER, [{"company": company_id, "partner": existing}])
    stored = _stored(db, BusinessPartner, company_id, [existing, new])
    assert {partner_id: row["name"] for partner_id, row in stored.items()} == {existing: "Asiakas Oy"}


# --- memo ---------------------------------------------------------------------------------------


def _insert_account(db: Session, account: LedgerAccount) -> None:
    code = f"T{secrets.token_hex(4)}"
    direct.insert(
        db,
        [
            LedgerAccount(
                company_id=account.company_id,
                code=code,
                name="Testitili",
                account_type=account.account_type,
                line=account.line,
            )
        ],
    )


def _update_account(db: Session, account: LedgerAccount) -> None:
    account.name = "Muutettu tili"
    direct.update(db, account, ["name"])


def _run_on_accounts(db: Session, account: LedgerAccount) -> None:
    direct.run(db, _RENAME_ACCOUNT, [{"company": account.company_id, "account": account.code, "new_name": "Ajettu"}])


def _run_each_on_accounts(db: Session, account: LedgerAccount) -> None:
    direct.run_each(db, [(_RENAME_ACCOUNT, {"company": account.company_id, "account": account.code, "new_name": "X"})])


@pytest.mark.parametrize(
    "write",
    [_insert_account, _update_account, _run_on_accounts, _run_each_on_accounts],
    ids=["insert", "update", "run", "run_each"],
)
def test_a_write_to_a_watched_table_forgets_the_memo(
    db: Session, tenant: Tenant, write: Callable[[Session, LedgerAccount], None]
) -> None:
    account = _first_account(db, tenant.company_id)  # ledger_accounts: watched by ledger.accounts
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memo.remember(db, "direct-test", load) == 1
    assert memo.remember(db, "direct-test", load) == 1
    write(db, account)
    assert memo.remember(db, "direct-test", load) == 2


def test_a_write_to_an_unwatched_table_keeps_the_memo(db: Session, tenant: Tenant) -> None:
    (partner_id,) = _ids(db, tenant.company_id, 1)
    assert memo.remember(db, "direct-test", lambda: "kept") == "kept"
    direct.insert(db, [_partner(tenant.company_id, partner_id)])
    assert memo.remember(db, "direct-test", lambda: "loaded again") == "kept"


# --- attach -------------------------------------------------------------------------------------


def test_attached_objects_are_persistent_and_clean(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    (partner_id,) = _ids(db, company_id, 1)
    partner = _partner(company_id, partner_id)
    direct.insert(db, [partner])
    assert partner not in db  # `insert` alone leaves it transient
    direct.attach(db, [partner])
    state = inspect(partner)
    assert state.persistent
    assert partner not in db.dirty and partner not in db.new
    with sqlcount.sent(db) as sent:
        db.flush()
        assert db.get(BusinessPartner, (company_id, partner_id)) is partner
        assert partner.created_at is not None  # a default written back: loaded, not expired
    assert sent == []
    partner.name = "Myöhemmin Muutettu Oy"
    with sqlcount.sent(db) as sent:
        db.flush()
    assert [(statement.sql.split()[0], statement.table) for statement in sent] == [("UPDATE", "business_partners")]
    assert _stored(db, BusinessPartner, company_id, [partner_id])[partner_id]["name"] == "Myöhemmin Muutettu Oy"


def test_a_rollback_expunges_attached_objects(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    (partner_id,) = _ids(db, company_id, 1)
    db.commit()  # the ids' counter: SQLite advances it in this transaction, which is rolled back below
    partner = _partner(company_id, partner_id)
    direct.insert(db, [partner])
    direct.attach(db, [partner])
    db.rollback()
    assert partner not in db
    assert _stored(db, BusinessPartner, company_id, [partner_id]) == {}
    # The key is free in the session again: neither "another instance with key … is already
    # present" (attach) nor a conflict with a persistent instance (flush).
    again = _partner(company_id, partner_id, name="Uudelleen Oy")
    direct.insert(db, [again])
    direct.attach(db, [again])
    assert db.get(BusinessPartner, (company_id, partner_id)) is again
    db.rollback()
    added = _partner(company_id, partner_id, name="Lisätty Oy")
    db.add(added)
    db.flush()
    assert _stored(db, BusinessPartner, company_id, [partner_id])[partner_id]["name"] == "Lisätty Oy"


def _attached_before_and_in_a_savepoint(
    db: Session, company_id: int, before_id: int, inside_id: int
) -> tuple[BusinessPartner, BusinessPartner, SessionTransaction]:
    """A partner inserted and attached, then one more in a savepoint, which is left open."""
    before = _partner(company_id, before_id)
    direct.insert(db, [before])
    direct.attach(db, [before])
    savepoint = db.begin_nested()
    inside = _partner(company_id, inside_id)
    direct.insert(db, [inside])
    direct.attach(db, [inside])
    return before, inside, savepoint


def test_a_savepoint_rollback_expunges_only_what_was_attached_in_it(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    before_id, inside_id = _ids(db, company_id, 2)
    before, inside, savepoint = _attached_before_and_in_a_savepoint(db, company_id, before_id, inside_id)
    savepoint.rollback()
    assert before in db
    assert inside not in db
    assert set(_stored(db, BusinessPartner, company_id, [before_id, inside_id])) == {before_id}
    again = _partner(company_id, inside_id, name="Uudelleen Oy")
    direct.insert(db, [again])
    direct.attach(db, [again])
    db.commit()
    assert before in db and again in db
    stored = _stored(db, BusinessPartner, company_id, [before_id, inside_id])
    assert {partner_id: row["name"] for partner_id, row in stored.items()} == {
        before_id: "Asiakas Oy",
        inside_id: "Uudelleen Oy",
    }


def test_a_commit_keeps_attached_objects(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    (partner_id,) = _ids(db, company_id, 1)
    partner = _partner(company_id, partner_id)
    direct.insert(db, [partner])
    direct.attach(db, [partner])
    db.commit()
    assert partner in db
    assert inspect(partner).persistent
    partner.name = "Seuraavassa Transaktiossa Oy"
    db.commit()
    assert partner in db
    assert _stored(db, BusinessPartner, company_id, [partner_id])[partner_id]["name"] == "Seuraavassa Transaktiossa Oy"


# --- the session's transaction --------------------------------------------------------------------


def test_the_rows_are_written_in_the_sessions_transaction(
    db: Session, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    company_id = tenant.company_id
    first, second = _ids(db, company_id, 2)
    db.commit()  # the ids' counter
    direct.insert(db, [_partner(company_id, first)])
    assert set(_stored(db, BusinessPartner, company_id, [first])) == {first}  # seen by its own transaction
    with session_factory() as other:
        assert _stored(other, BusinessPartner, company_id, [first]) == {}  # not yet by another one
    db.rollback()
    assert _stored(db, BusinessPartner, company_id, [first]) == {}
    direct.insert(db, [_partner(company_id, second)])
    db.commit()
    with session_factory() as other:
        assert set(_stored(other, BusinessPartner, company_id, [first, second])) == {second}


# --- behaviours a first version got wrong -------------------------------------------------------


def test_a_rollback_makes_attached_objects_transient_as_flushed_ones(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    flushed_id, attached_id = _ids(db, company_id, 2)
    db.commit()  # the ids' counter
    flushed, attached = _partner(company_id, flushed_id), _partner(company_id, attached_id)
    db.add(flushed)
    db.flush()
    direct.insert(db, [attached])
    direct.attach(db, [attached])
    db.rollback()

    def after_rollback(obj: BusinessPartner) -> tuple[bool, str | None]:
        return inspect(obj).transient, obj.__dict__.get("name")

    assert after_rollback(flushed) == (True, "Asiakas Oy")  # the promise: "as it does objects a flush inserted"
    assert after_rollback(attached) == after_rollback(flushed)


def test_objects_attached_before_or_in_a_released_savepoint_go_with_the_outer_rollback(
    db: Session, tenant: Tenant
) -> None:
    company_id = tenant.company_id
    before_id, inside_id = _ids(db, company_id, 2)
    db.commit()  # the ids' counter
    before, inside, savepoint = _attached_before_and_in_a_savepoint(db, company_id, before_id, inside_id)
    savepoint.commit()
    assert before in db and inside in db
    db.rollback()
    assert _stored(db, BusinessPartner, company_id, [before_id, inside_id]) == {}
    assert (before in db, inside in db) == (False, False)


def test_run_returns_what_every_row_of_parameters_returns(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    names = ["invoice_number:DIRECT-A", "invoice_number:DIRECT-B"]
    for name in names:
        next_value(db, company_id=company_id, name=name)
    given = [{"company": company_id, "counter": name, "step": step} for name, step in zip(names, (1, 10), strict=True)]
    assert [tuple(row) for row in direct.run(db, _ADVANCE, given, fetch=True)] == [(2,), (11,)]


@pytest.mark.parametrize("count", [4000, driver.MAX_ROWS + 1])
def test_an_insert_of_many_rows_arrives_in_full(db: Session, tenant: Tenant, count: int) -> None:
    """More rows than one PostgreSQL statement takes parameters for (65,535), or than one chunk
    (`MAX_ROWS`) with a single row left over: sent in chunks, every row stored."""
    company_id = tenant.company_id
    invoice_id, *row_ids = _ids(db, company_id, 1 + count)
    rows = [_row(company_id, row_id, invoice_id, line_no) for line_no, row_id in enumerate(row_ids)]
    direct.insert(db, [_invoice(company_id, invoice_id), *rows])
    assert len(_stored(db, InvoiceRow, company_id, row_ids)) == count


def test_an_attribute_set_to_none_takes_its_default_as_in_a_flush(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    flushed_id, direct_id = _ids(db, company_id, 2)
    db.add(_partner(company_id, flushed_id, active=None))
    db.flush()
    assert _stored(db, BusinessPartner, company_id, [flushed_id])[flushed_id]["active"] is True
    direct.insert(db, [_partner(company_id, direct_id, active=None)])
    assert _stored(db, BusinessPartner, company_id, [direct_id])[direct_id]["active"] is True


def test_run_each_gives_nothing_for_a_statement_that_returns_nothing(db: Session, tenant: Tenant) -> None:
    company_id = tenant.company_id
    (partner_id,) = _ids(db, company_id, 1)
    name = "invoice_number:EACH-NONE"
    assert next_value(db, company_id=company_id, name=name) == 1
    direct.insert(db, [_partner(company_id, partner_id)])
    results = direct.run_each(
        db,
        [
            (_RENAME_CUSTOMER, {"company": company_id, "partner": partner_id}),
            (_ADVANCE, {"company": company_id, "counter": name, "step": 1}),
        ],
    )
    assert [[tuple(row) for row in rows] for rows in results] == [[], [(2,)]]
    assert _stored(db, BusinessPartner, company_id, [partner_id])[partner_id]["name"] == "Nimetty Oy"


# --- first: a read -------------------------------------------------------------------------------

_INVOICE_FACTS = select(
    Invoice.id, Invoice.created_at, Invoice.document, Invoice.currency_rate, Invoice.is_offer
).where(Invoice.company_id == bindparam("company"), Invoice.id == bindparam("invoice"))


def test_first_reads_a_row_as_the_orm_loads_it(db: Session, tenant: Tenant) -> None:
    """Named by the columns' keys, every value through its type (an aware UTC datetime, a JSON
    document as a dict, an exact decimal, a boolean); None when nothing matches — also on a
    read-only session, which refuses only writes."""
    company_id = tenant.company_id
    (invoice_id,) = _ids(db, company_id, 1)
    invoice = _invoice(company_id, invoice_id)
    direct.insert(db, [invoice])
    db.commit()
    expected = db.execute(_INVOICE_FACTS, {"company": company_id, "invoice": invoice_id}).one()
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    with make_session_factory(engine, read_only=True)() as read, sqlcount.sent(read) as sent:
        found = driver.first(read, _INVOICE_FACTS, {"company": company_id, "invoice": invoice_id})
        missing = driver.first(read, _INVOICE_FACTS, {"company": company_id, "invoice": invoice_id + 1})
    assert found is not None and missing is None
    assert tuple(found) == tuple(expected)
    assert (found.id, found.document, found.is_offer) == (invoice_id, invoice.document, True)
    assert found.created_at.tzinfo is not None and found.created_at == invoice.created_at
    assert found.currency_rate == Decimal("11.4567890123")
    assert len(sent) == 2


def test_objects_pending_in_the_session_are_flushed_before_an_insert(db: Session, tenant: Tenant) -> None:
    """A row inserted past the unit of work may refer to a parent the caller only added: it is
    written first (the foreign key would refuse the child otherwise)."""
    company_id = tenant.company_id
    invoice_id, row_id = _ids(db, company_id, 2)
    db.add(_invoice(company_id, invoice_id))
    with sqlcount.sent(db) as sent:
        direct.insert(db, [_row(company_id, row_id, invoice_id, 0)])
    assert [statement.table for statement in sent] == ["invoices", "invoice_rows"]
    assert set(_stored(db, InvoiceRow, company_id, [row_id])) == {row_id}
