"""The writers of bank statements: storing a parsed statement (for `statements.importing`) and the
allocations of §D.3 — an event to an invoice, to a product, or to VAT/ledger metadata rows.

Invariants: statements and events are stored once per company and account (already-known ones are
skipped, never updated); allocating a credit to a sales invoice or a debit to a purchase, travel,
bill-of-charges or periodic-tax-return invoice registers one payment on that invoice (posted to the
statement account's ledger account) and an event holds at most one invoice allocation at a time;
removing the invoice allocation leaves the invoice's payment event in place (§D.3); an event id is
only valid under its own statement (another statement's event is 400, an unknown one 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.attachments import owners
from kirjuri.banking import allocation
from kirjuri.banking.accounts import repository as accounts
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.records import BankEntry, StatementRecord
from kirjuri.banking.statements import repository, rules
from kirjuri.banking.statements.models import BankStatement, BankStatementEvent
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.money import from_minor
from kirjuri.db.counters import next_value
from kirjuri.invoicing import payments, transitions
from kirjuri.invoicing import repository as invoices
from kirjuri.invoicing.lifecycle_schemas import PaymentEventType
from kirjuri.products import repository as products

STATEMENT_COUNTER = "bank_statements"
EVENT_COUNTER = "bank_statement_events"

# Which invoices a credit (money in) and a debit (money out) may be allocated to.
CREDIT_TYPES = frozenset({transitions.SALES_INVOICE})
DEBIT_TYPES = frozenset(
    {
        transitions.PURCHASE_INVOICE,
        transitions.TRAVEL_INVOICE,
        transitions.BILL_OF_CHARGES,
        transitions.PERIODIC_TAX_RETURN,
    }
)


# --- import ---------------------------------------------------------------------------------------


@dataclass
class Stored:
    """What storing one parsed statement did."""

    statement: BankStatement | None
    new_events: list[tuple[BankStatementEvent, BankEntry]] = field(default_factory=list)
    skipped_events: int = 0


def _count(entries: tuple[BankEntry, ...]) -> int:
    return sum(1 + len(e.children) for e in entries)


def store_statement(
    session: Session, *, company_id: int, account: BankAccount, record: StatementRecord, user_id: int | None
) -> Stored:
    """Store a statement and its new events; a statement already stored is skipped whole, an
    entry already stored (by an overlapping statement) is skipped with its transactions."""
    iban = account.iban
    if repository.known_statement(
        session, company_id=company_id, iban=iban, bank_statement_id=record.bank_statement_id
    ):
        return Stored(statement=None, skipped_events=_count(record.entries))
    totals = rules.totals(record.entries)
    row = BankStatement(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name=STATEMENT_COUNTER),
        account_id=account.id,
        account_iban=iban,
        bank_statement_id=record.bank_statement_id,
        statement_number=None,
        currency=record.currency,
        start_date=record.start_date,
        end_date=record.end_date,
        start_balance_minor=rules.minor(record.opening_balance),
        end_balance_minor=rules.minor(record.closing_balance),
        deposit_count=totals.deposit_count,
        deposit_minor=totals.deposit_minor,
        withdrawal_count=totals.withdrawal_count,
        withdrawal_minor=totals.withdrawal_minor,
        imported_by=user_id,
    )
    session.add(row)
    keys = [rules.entry_key(e) for e in record.entries]
    known = repository.known_keys(session, company_id=company_id, iban=iban, keys=keys)
    stored = Stored(statement=row)
    fresh: list[tuple[int, BankEntry, str]] = []
    for position, entry in enumerate(record.entries):
        key = rules.entry_key(entry)
        if key in known:
            stored.skipped_events += 1 + len(entry.children)
            continue
        known.add(key)
        fresh.append((position, entry, key))
    count = sum(1 + len(entry.children) for _position, entry, _key in fresh)
    first = next_value(session, company_id=company_id, name=EVENT_COUNTER, count=count) if count else 0
    ids = iter(range(first, first + count))  # the new events' ids, taken as one block
    for position, entry, key in fresh:
        parent = _event(row, entry, row_id=next(ids), key=key, position=position)
        stored.new_events.append((parent, entry))
        for index, child in enumerate(entry.children):
            child_key = rules.child_key(entry, child, index)
            child_row = _event(row, child, row_id=next(ids), key=child_key, position=index, parent_id=parent.id)
            stored.new_events.append((child_row, child))
    session.add_all(event for event, _entry in stored.new_events)
    session.flush()
    return stored


def _event(
    statement: BankStatement,
    entry: BankEntry,
    *,
    row_id: int,
    key: str,
    position: int,
    parent_id: int | None = None,
) -> BankStatementEvent:
    return BankStatementEvent(
        company_id=statement.company_id,
        id=row_id,
        statement_id=statement.id,
        parent_id=parent_id,
        position=position,
        account_iban=statement.account_iban,
        archive_key=key,
        archive_code=entry.archive_id,
        pay_date=entry.booking_date,
        value_date=entry.value_date,
        amount_minor=rules.minor(entry.amount),
        currency=entry.currency,
        counterparty_name=rules.cut(entry.counterparty_name, rules.NAME_LENGTH),
        counterparty_account=rules.cut(entry.counterparty_account, rules.ACCOUNT_LENGTH),
        explanation_code=entry.explanation_code,
        message=rules.cut(entry.message, rules.MESSAGE_LENGTH),
        reference=rules.cut(entry.reference, rules.REFERENCE_LENGTH),
        end_to_end_id=rules.cut(entry.end_to_end_id, rules.REFERENCE_LENGTH),
        add_penal_expense=False,
    )


# --- allocation -----------------------------------------------------------------------------------


def event_of(
    session: Session, *, company_id: int, statement_id: int, event_id: int
) -> tuple[BankStatement, BankStatementEvent]:
    """The statement and its event, row-locked: 404 for an unknown one, 400 when the event
    belongs to another statement."""
    statement = repository.statement(session, company_id=company_id, statement_id=statement_id)
    if statement is None:
        raise not_found("statementId")
    event = repository.event(session, company_id=company_id, event_id=event_id, lock=True)
    if event is None:
        raise not_found("eventId")
    if event.statement_id != statement.id:
        raise KirjuriError("EVENT_NOT_IN_STATEMENT", 400, "eventId")
    return statement, event


def _ledger_account(session: Session, *, company_id: int, statement: BankStatement) -> str:
    account = accounts.get(session, company_id=company_id, account_id=statement.account_id)
    if account is None:  # the bank account was removed after the import
        raise KirjuriError("UNKNOWN_BANK_ACCOUNT", 400, "statementId")
    return account.ledger_account


def allocate_invoice(
    session: Session,
    *,
    company_id: int,
    statement_id: int,
    event_id: int,
    invoice_id: int,
    add_penal_expense: bool,
    user_id: int,
) -> BankStatementEvent:
    """Allocate the event to an invoice: one payment of the event's amount registered on it."""
    statement, event = event_of(session, company_id=company_id, statement_id=statement_id, event_id=event_id)
    if event.invoice_id is not None:
        raise KirjuriError("EVENT_ALREADY_ALLOCATED", 400, "eventId")
    if event.amount_minor == 0:
        raise KirjuriError("INVALID_AMOUNT", 400, "eventId")
    credit = event.amount_minor > 0
    invoice = invoices.get(session, company_id=company_id, invoice_id=invoice_id, lock=True, field="invoiceId")
    if invoice.type not in (CREDIT_TYPES if credit else DEBIT_TYPES):
        raise KirjuriError("INVALID_INVOICE_TYPE", 400, "invoiceId")
    if invoice.currency != event.currency:
        raise KirjuriError("CURRENCY_MISMATCH", 400, "invoiceId")
    # Money in pays a receivable, money out a payable: both are positive on their invoice.
    amount = from_minor(event.amount_minor if credit else -event.amount_minor)
    description = f"Bank statement {statement.id}, event {event.id}, archive {event.archive_code}"
    if add_penal_expense:
        description += ", addPenalExpense"
    payment = payments.register_payment(
        session,
        invoice=invoice,
        amount=amount,
        payment_date=event.pay_date,
        bank_account=_ledger_account(session, company_id=company_id, statement=statement),
        event_type=PaymentEventType.BANKSTATEMENT,
        user_id=user_id,
        description=description[:255],
    )
    event.invoice_id = invoice.id
    event.payment_event_id = payment.id
    event.add_penal_expense = add_penal_expense
    session.flush()
    return event


def remove_invoice(session: Session, *, company_id: int, statement_id: int, event_id: int) -> None:
    """Drop the invoice allocation; the payment registered on the invoice stays (§D.3)."""
    _statement, event = event_of(session, company_id=company_id, statement_id=statement_id, event_id=event_id)
    if event.invoice_id is None:
        raise KirjuriError("EVENT_NOT_ALLOCATED", 400, "eventId")
    event.invoice_id = None
    event.payment_event_id = None
    event.add_penal_expense = False
    session.flush()


def allocate_product(
    session: Session, *, company_id: int, statement_id: int, event_id: int, product_id: int
) -> BankStatementEvent:
    _statement, event = event_of(session, company_id=company_id, statement_id=statement_id, event_id=event_id)
    product = products.get(session, company_id=company_id, product_id=product_id, field="productId")
    event.product_id = product.id
    session.flush()
    return event


def remove_product(session: Session, *, company_id: int, statement_id: int, event_id: int) -> None:
    _statement, event = event_of(session, company_id=company_id, statement_id=statement_id, event_id=event_id)
    if event.product_id is None:
        raise KirjuriError("EVENT_NOT_ALLOCATED", 400, "eventId")
    event.product_id = None
    session.flush()


def set_metadata(
    session: Session,
    *,
    company_id: int,
    statement_id: int,
    event_id: int,
    body: allocation.AllocationMetadata,
) -> BankStatementEvent:
    """Replace the event's metadata rows (sales or purchase VAT, on the event's value date)."""
    _statement, event = event_of(session, company_id=company_id, statement_id=statement_id, event_id=event_id)
    rows: list[dict[str, Any]] = allocation.validated(
        session, company_id=company_id, body=body, sides=allocation.STATEMENT_SIDES, on=event.value_date
    )
    event.metadata_rows = rows or None
    session.flush()
    return event


def remove_metadata(session: Session, *, company_id: int, statement_id: int, event_id: int) -> None:
    """Remove the event's metadata rows (none there: nothing to do)."""
    _statement, event = event_of(session, company_id=company_id, statement_id=statement_id, event_id=event_id)
    event.metadata_rows = None
    session.flush()


def allocated(event: BankStatementEvent) -> bool:
    """Booked somewhere: on an invoice (also one Kirjuri's own payment settled), a product or
    metadata rows. A settled direct transfer is not: its other side is the user's to allocate."""
    return bool(event.invoice_id is not None or event.product_id is not None or event.metadata_rows)


def _attachment_owner(session: Session, company_id: int, reference_id: int) -> str | None:
    """`referenceType=BANKSTATEMENTEVENT`: files attached to a statement event."""
    found = repository.event(session, company_id=company_id, event_id=reference_id)
    return "BANK_STATEMENT_EVENT" if found is not None else None


owners.register("BANKSTATEMENTEVENT", _attachment_owner)
