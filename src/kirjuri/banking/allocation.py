"""AllocationMetadata (§D.3, §D.20): the VAT/ledger rows a client attaches to a bank statement event
or a reference payment, shared by both — wire schemas, validation and the stored form.

Invariants: a stored row always has a VAT percentage and a VAT status that go together on the
allowed side(s) on the date of the bank event (`core.vat.check`; statements allow sales and
purchase VAT, reference payments sales VAT only); its ledger account, when given, exists in the
company's chart; sums are exact decimals with at most two decimals; a refusal names the row
(`allocationMetadataRows[1].vatStatus`) and nothing is stored. Rows are stored as plain JSON with
decimals as strings, numbered 1… in the order given; a PUT replaces all earlier rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.api.schemas import Decimal2, Int32, WireModel
from kirjuri.core import vat
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.money import decimal_places, plain
from kirjuri.ledger.models import LedgerAccount
from kirjuri.ledger.setup_schemas import LedgerAccount as WireLedgerAccount

ROWS = "allocationMetadataRows"
# Statements may carry either side's VAT; reference payments are sales receipts.
STATEMENT_SIDES = (vat.Side.SALES, vat.Side.PURCHASE)
REFERENCE_PAYMENT_SIDES = (vat.Side.SALES,)
MAX_ROWS = 200


class AllocationMetadataRow(WireModel):
    id: Int32 | None = None
    vat_percentage: Decimal2
    sum: Decimal2
    comment: str | None = Field(default=None, max_length=512)
    vat_status: Int32 | None = None
    ledger_account_code: str | None = Field(default=None, max_length=12)


class AllocationMetadata(WireModel):
    allocation_metadata_rows: list[AllocationMetadataRow] = Field(default_factory=list, max_length=MAX_ROWS)


class AllocationMetadataWithFullLedgerAccountDataRow(WireModel):
    id: Int32 | None = None
    vat_percentage: Decimal2
    sum: Decimal2
    vat_status: Int32 | None = None
    comment: str | None = None
    ledger_account: WireLedgerAccount | None = None


def _row_errors(row: AllocationMetadataRow, *, sides: Sequence[vat.Side], on: date) -> list[tuple[str, str]]:
    """(field, code) of what is wrong with one row, without the database."""
    found: list[tuple[str, str]] = []
    if decimal_places(row.sum) > 2:
        found.append(("sum", "TOO_MANY_DECIMALS"))
    if row.vat_percentage < 0:
        found.append(("vatPercentage", "ERROR_VATSTATUS_VATPERC"))
        return found
    # A row without a status is a domestic one: the percentage must be a rate (or 0) on the date.
    status = vat.DOMESTIC if row.vat_status is None else row.vat_status
    if all(vat.check(status=status, side=side, percent=row.vat_percentage, on=on) for side in sides):
        found.append(("vatStatus" if row.vat_status is not None else "vatPercentage", "ERROR_VATSTATUS_VATPERC"))
    return found


def check_rows(rows: Sequence[AllocationMetadataRow], *, sides: Sequence[vat.Side], on: date) -> list[ErrorItem]:
    """Every rule that needs no database, as error items with full field paths (pure)."""
    items: list[ErrorItem] = []
    for index, row in enumerate(rows):
        for field, code in _row_errors(row, sides=sides, on=on):
            items.append(ErrorItem(400, code, f"{ROWS}[{index}].{field}"))
    return items


def validated(
    session: Session,
    *,
    company_id: int,
    body: AllocationMetadata,
    sides: Sequence[vat.Side],
    on: date,
) -> list[dict[str, Any]]:
    """The rows to store, or a 400 naming every bad value (nothing stored)."""
    rows = body.allocation_metadata_rows
    items = check_rows(rows, sides=sides, on=on)
    for index, row in enumerate(rows):
        code = row.ledger_account_code
        if code is not None and session.get(LedgerAccount, (company_id, code)) is None:
            items.append(ErrorItem(400, "LEDGER_ACCOUNT_NOT_FOUND", f"{ROWS}[{index}].ledgerAccountCode"))
    if items:
        raise KirjuriError.many(items)
    return [
        {
            "id": index + 1,
            "vatPercentage": str(plain(row.vat_percentage)),
            "sum": str(plain(row.sum)),
            "vatStatus": row.vat_status,
            "comment": row.comment,
            "ledgerAccountCode": row.ledger_account_code,
        }
        for index, row in enumerate(rows)
    ]


def preload_accounts(session: Session, *, company_id: int, stored: Sequence[list[dict[str, Any]] | None]) -> None:
    """Load, in one query, every ledger account the rows of a page name, so that `rows_out`
    finds them in the session (no query per row on list endpoints)."""
    codes = {row["ledgerAccountCode"] for rows in stored for row in rows or () if row.get("ledgerAccountCode")}
    if codes:
        session.scalars(
            select(LedgerAccount).where(LedgerAccount.company_id == company_id, LedgerAccount.code.in_(codes))
        ).all()


def rows_out(
    session: Session, *, company_id: int, stored: list[dict[str, Any]] | None
) -> list[AllocationMetadataWithFullLedgerAccountDataRow]:
    """The stored rows on the wire, each with its ledger account's data."""
    out: list[AllocationMetadataWithFullLedgerAccountDataRow] = []
    for row in stored or ():
        code = row.get("ledgerAccountCode")
        account = session.get(LedgerAccount, (company_id, code)) if code else None
        out.append(
            AllocationMetadataWithFullLedgerAccountDataRow(
                id=row["id"],
                vat_percentage=Decimal(row["vatPercentage"]),
                sum=Decimal(row["sum"]),
                vat_status=row.get("vatStatus"),
                comment=row.get("comment"),
                ledger_account=None
                if code is None
                else WireLedgerAccount(
                    ledger_account_code=code,
                    name=account.name if account else None,
                    active=account.active if account else None,
                ),
            )
        )
    return out
