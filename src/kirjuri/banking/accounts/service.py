"""The writes of the company's own bank accounts (§D.2): create and replace.

Invariants:
- the service is the only writer of `bank_accounts`; the columns (iban, bic, currency, ledger
  account, status, orderNo, the default and payment flags) always equal the stored document,
  and `version` changes on every write — also of an account whose default flag another write
  cleared;
- the IBAN is unique within the company (409 `IBAN_ALREADY_IN_USE` at `iban`, backed by the
  unique constraint); IBAN and currency never change (see `rules`);
- at most one account is `defaultForInvoice` and at most one `defaultForPayment`: setting the flag
  on one account clears it on the other;
- `ledgerAccount` is an active account of the company's chart (400 `ACCOUNT_NOT_FOUND` /
  `ACCOUNT_INACTIVE` at `ledgerAccount`);
- a request is validated whole before anything is written.

"In use" (the issue's "an account in use cannot be removed", 409). The contract has no DELETE:
an account leaves use by becoming INACTIVE. Decision: an account is *in use* while it is the
company's default account for invoices or for payments (new invoices print it, payments and
bank matching post to its ledger account); deactivating it, or moving it to another ledger
account, is then 409 `BANK_ACCOUNT_IN_USE` (at `status` / `ledgerAccount`). Make another
account the default first. Imported bank statements and reference payments will make an
account "in use" too (`_has_bank_data`), with the same refusals.

The version check is the caller's (`check_version`): the router checks the body's `version`
(required, 400 `REQUIRED` / `VERSION_CONFLICT`) and `If-Match` (412).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.banking.accounts import repository, rules
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.banking.statements.models import BankStatement
from kirjuri.companies import repository as companies_repository
from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError, not_found
from kirjuri.db.counters import next_value
from kirjuri.ledger import accounts as ledger_accounts

VersionCheck = Callable[[datetime], None]
COUNTER = "bank_account"


def _country(session: Session, company_id: int) -> str:
    company = companies_repository.company(session, company_id)
    return company.country if company is not None else "FINLAND"


def _ledger_errors(session: Session, *, company_id: int, code: str) -> list[ErrorItem]:
    found = ledger_accounts.by_codes(session, company_id=company_id, codes=[code]).get(code)
    if found is None:
        return [ErrorItem(400, "ACCOUNT_NOT_FOUND", "ledgerAccount")]
    if not found.active:
        return [ErrorItem(400, "ACCOUNT_INACTIVE", "ledgerAccount")]
    return []


def _validated(
    session: Session, *, company_id: int, document: dict[str, Any], current: BankAccount | None
) -> dict[str, Any]:
    errors: list[ErrorItem] = []
    stored = document
    try:
        stored = rules.check_account(
            document,
            country=_country(session, company_id),
            current=current.document if current is not None else None,
        )
    except KirjuriError as error:
        errors.extend(error.items)
    errors.extend(_ledger_errors(session, company_id=company_id, code=str(document.get("ledgerAccount") or "")))
    if errors:
        raise KirjuriError.many(errors)
    return stored


def _check_unique_iban(session: Session, *, company_id: int, iban: str, account_id: int | None) -> None:
    other = repository.by_iban(session, company_id=company_id, iban=iban)
    if other is not None and other.id != account_id:
        raise KirjuriError("IBAN_ALREADY_IN_USE", 409, "iban")


def _has_bank_data(session: Session, *, account: BankAccount) -> bool:
    """Whether bank statements or reference payments were imported for the account."""
    for model in (BankStatement, ReferencePayment):
        found = session.scalar(
            select(model.id).where(model.company_id == account.company_id, model.account_iban == account.iban).limit(1)
        )
        if found is not None:
            return True
    return False


def _apply(row: BankAccount, document: dict[str, Any], *, now: datetime) -> None:
    row.iban = document["iban"]
    row.bic = document.get("bic")
    row.currency = document["currency"]
    row.ledger_account = document["ledgerAccount"]
    row.status = document["status"]
    row.default_for_invoice = bool(document.get("defaultForInvoice"))
    row.default_for_payment = bool(document.get("defaultForPayment"))
    row.allow_payments = bool(document.get("allowPayments"))
    row.document = {k: v for k, v in document.items() if k != "orderNo"}
    row.version = now


def _take_defaults(session: Session, *, company_id: int, row: BankAccount, now: datetime) -> None:
    """Clear the default flags `row` now holds from every other account of the company."""
    for other in repository.defaults(session, company_id=company_id):
        if other.id == row.id:
            continue
        changed = False
        document = dict(other.document)
        if row.default_for_invoice and other.default_for_invoice:
            other.default_for_invoice = False
            document["defaultForInvoice"] = False
            changed = True
        if row.default_for_payment and other.default_for_payment:
            other.default_for_payment = False
            document["defaultForPayment"] = False
            changed = True
        if changed:
            other.document = document
            other.version = now


def create_account(session: Session, *, company_id: int, document: dict[str, Any]) -> BankAccount:
    """`POST /bankaccounts`: a new account from the wire document (`schemas.document_of`)."""
    stored = _validated(session, company_id=company_id, document=document, current=None)
    repository.lock_company_accounts(session, company_id=company_id)
    _check_unique_iban(session, company_id=company_id, iban=stored["iban"], account_id=None)
    now = clock.now()
    order_no = stored.get("orderNo") or repository.next_order_no(session, company_id=company_id)
    row = BankAccount(
        company_id=company_id, id=next_value(session, company_id=company_id, name=COUNTER), order_no=order_no
    )
    _apply(row, stored, now=now)
    row.created_at = now
    _take_defaults(session, company_id=company_id, row=row, now=now)
    session.add(row)
    session.flush()
    return row


def get_account(session: Session, *, company_id: int, account_id: int) -> BankAccount:
    row = repository.get(session, company_id=company_id, account_id=account_id)
    if row is None:
        raise not_found("id")
    return row


def replace_account(
    session: Session, *, company_id: int, account_id: int, document: dict[str, Any], check_version: VersionCheck
) -> BankAccount:
    """`PUT /bankaccounts/{id}`: the whole account replaced (fields left out are cleared; a missing
    `orderNo` keeps the current one). Checks in order: 404, version, the document (400), in use
    (409)."""
    repository.lock_company_accounts(session, company_id=company_id)
    row = repository.get(session, company_id=company_id, account_id=account_id, lock=True)
    if row is None:
        raise not_found("id")
    check_version(row.version)
    stored = _validated(session, company_id=company_id, document=document, current=row)
    in_use = rules.in_use_errors(
        current={**row.document, "status": row.status, "ledgerAccount": row.ledger_account},
        new=stored,
        is_default=row.default_for_invoice or row.default_for_payment,
        has_bank_data=_has_bank_data(session, account=row),
    )
    if in_use:
        raise KirjuriError.many(in_use)
    now = clock.now()
    if stored.get("orderNo") is not None:
        row.order_no = stored["orderNo"]
    _apply(row, stored, now=now)
    _take_defaults(session, company_id=company_id, row=row, now=now)
    session.flush()
    return row
