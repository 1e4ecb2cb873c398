"""The business verbs of ledger receipts: set up a company's books, create, replace, approve,
invalidate, reopen, re-split dimensions, and post the receipts other areas and the year-end make.

Invariants:
- a receipt is written only when its postings — the client's rows plus the VAT rows of
  `ledger.vatrows` — sum to exactly zero cents (or the client asked for a RECONCILIATION_ENTRY);
- every date a change touches (the old and the new receipt date) lies in an OPEN period of an OPEN
  year (`fiscal.writable_period`), for every verb, status changes included;
- receipt numbers are gap-free per company and fiscal year: taken from a row-locked counter in the
  same transaction, never reused, kept through every change (a receipt cannot move to another
  fiscal year);
- balances change in the same transaction as the postings (`ledger.balances`).
Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core import vat as vat_rules
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.money import to_minor
from kirjuri.db import direct
from kirjuri.db.counters import next_value, take_gap_free, unnumbered
from kirjuri.ledger import accounts, balances, chart, dimensions, fiscal, repository, rules, vatrows
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction, TransactionDimension

VersionCheck = Callable[[datetime], None]


def setup_company(session: Session, *, company_id: int, today: date | None = None) -> None:
    """Every new company: the default chart and the calendar year of `today` with monthly periods."""
    day = today or clock.now().date()
    accounts.seed_chart(session, company_id=company_id)
    fiscal.create_year(session, company_id=company_id, start=date(day.year, 1, 1), end=date(day.year, 12, 31))


@dataclass(slots=True)
class Built:
    """A validated draft turned into postings, before ids are given."""

    period: fiscal.OpenPeriod
    rows: list[LedgerTransaction]
    splits: list[list[tuple[int, int, int]]]  # per row: (dimension, item, cents)


def _check_vat(
    draft: rules.ReceiptDraft, index: int, entry: rules.EntryDraft, account: accounts.AccountUse | None
) -> tuple[list[ErrorItem], int | None, vat_rules.Side]:
    side = vat_rules.Side(entry.vat_type or draft.vat_type)
    status = entry.vat_status if entry.vat_status is not None else draft.vat_status
    errors: list[ErrorItem] = []
    if account is None or not account.active:
        errors.append(
            ErrorItem(400, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", rules.entry_path(index, "account"))
        )
        return errors, status, side
    if entry.kind != rules.ENTRY:
        return errors, None, side
    if entry.vat_percent and not account.vat_allowed:
        errors.append(
            ErrorItem(400, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", rules.entry_path(index, "account"))
        )
    elif entry.vat_percent and status is None:
        errors.append(ErrorItem(400, "ERROR_VATSTATUS_VATPERC", rules.entry_path(index, "vatStatus")))
    elif status is not None:
        code = vat_rules.check(status=status, side=side, percent=entry.vat_percent, on=draft.receipt_date)
        if code:
            errors.append(ErrorItem(400, code, rules.entry_path(index, "vatStatus")))
    return errors, status, side


def _build(
    session: Session,
    *,
    company_id: int,
    draft: rules.ReceiptDraft,
    create_reconciliation: bool,
    with_vat: bool = True,
) -> Built:
    errors = rules.check_receipt_shape(draft)
    if draft.vat_status is not None and with_vat:
        default = vat_rules.STATUSES.get(draft.vat_status)
        if default is None or default.treatment(vat_rules.Side(draft.vat_type)) is None:
            errors.append(ErrorItem(400, "VAT_STATUS_NOT_ALLOWED_FOR_VAT_TYPE", "vatStatus"))
    if errors:
        raise KirjuriError.many(errors)
    draft = rules.rounded(draft)
    period = fiscal.writable_period(session, company_id=company_id, day=draft.receipt_date)
    chart_rows = accounts.facts(session, company_id=company_id).accounts
    roles = accounts.codes_for_roles(
        session, company_id=company_id, roles=(chart.Role.VAT_PAYABLE, chart.Role.VAT_RECEIVABLE)
    )
    vat_accounts = vatrows.VatAccounts(
        payable=roles[chart.Role.VAT_PAYABLE], receivable=roles[chart.Role.VAT_RECEIVABLE]
    )
    rows: list[LedgerTransaction] = []
    derived: list[tuple[int, vatrows.VatRow]] = []  # (index of the parent row, VAT row)
    for i, entry in enumerate(draft.transactions):
        found, status, side = _check_vat(draft, i, entry, chart_rows.get(entry.account))
        errors.extend(found)
        rows.append(
            _row(draft, period, kind=entry.kind, account=entry.account, amount=to_minor(entry.accounting_value),
                 entry=entry, status=status, side=side.value if status is not None else None)
        )  # fmt: skip
        if not found and with_vat and entry.kind == rules.ENTRY and entry.vat_percent and status is not None:
            for vat_row in vatrows.vat_rows(
                account=entry.account,
                net_minor=rows[-1].amount_minor,
                side=side,
                status=status,
                percent=entry.vat_percent,
                deduction_percent=entry.vat_deduction_percent,
                accounts=vat_accounts,
            ):
                derived.append((i, vat_row))
    if errors:
        raise KirjuriError.many(errors)

    total = sum(r.amount_minor for r in rows) + sum(v.amount_minor for _i, v in derived)
    if total and create_reconciliation:
        _reconcile(draft, period, rows, total)
    elif total:
        raise KirjuriError("RECEIPT_NOT_BALANCED", 400, rules.BALANCE_FIELD)

    wanted = {v.dimension_id for entry in draft.transactions for v in entry.dimensions}
    active = dimensions.active_items(session, company_id=company_id, dimension_ids=wanted)
    splits: list[list[tuple[int, int, int]]] = []
    entries: list[rules.EntryDraft | None] = [*draft.transactions]
    entries += [None] * (len(rows) - len(entries))  # an added reconciliation row has no split
    for i, (row, maybe) in enumerate(zip(rows, entries, strict=True)):
        found, split = rules.check_dimensions(
            rules.entry_path(i), row.amount_minor, maybe.dimensions if maybe else (), active
        )
        errors.extend(found)
        splits.append(split)
    if errors:
        raise KirjuriError.many(errors)
    for parent, vat_row in derived:
        source = rows[parent]
        rows.append(
            _row(draft, period, kind=rules.VAT_ROW, account=vat_row.account, amount=vat_row.amount_minor,
                 entry=draft.transactions[parent], status=source.vat_status, side=source.vat_type,
                 vat_role=vat_row.role, parent_index=parent)
        )  # fmt: skip
        cost = vat_row.role == "COST"
        splits.append(rules.scale_split(splits[parent], vat_row.amount_minor) if cost else [])
    return Built(period=period, rows=rows, splits=splits)


def _row(
    draft: rules.ReceiptDraft,
    period: fiscal.OpenPeriod,
    *,
    kind: str,
    account: str,
    amount: int,
    entry: rules.EntryDraft | None,
    status: int | None,
    side: str | None,
    vat_role: str | None = None,
    parent_index: int | None = None,
) -> LedgerTransaction:
    row = LedgerTransaction(
        kind=kind,
        account=account,
        amount_minor=amount,
        entry_date=draft.receipt_date,
        period_id=period.id,
        vat_percent=entry.vat_percent if entry and kind in (rules.ENTRY, rules.VAT_ROW) else vat_rules.ZERO,
        vat_type=side,
        vat_status=status,
        vat_role=vat_role,
        vat_deduction_percent=entry.vat_deduction_percent if entry and kind == rules.ENTRY else None,
        description=entry.description if entry else None,
        balance_code=entry.balance_code if entry and kind != rules.VAT_ROW else None,
        partner_id=entry.partner_id if entry and kind != rules.VAT_ROW else None,
        start_date=entry.start_date if entry else None,
        end_date=entry.end_date if entry else None,
    )
    # Remembered until ids exist; the VAT row's parent is the row at this index.
    row.parent_id = parent_index
    return row


def _reconcile(draft: rules.ReceiptDraft, period: fiscal.OpenPeriod, rows: list[LedgerTransaction], total: int) -> None:
    """`createReconciliation=true`: the client's RECONCILIATION_ENTRY takes the difference, or one is added."""
    for row in rows:
        if row.kind == rules.RECONCILIATION_ENTRY:
            row.amount_minor -= total
            return
    rows.append(
        _row(draft, period, kind=rules.RECONCILIATION_ENTRY, account=rules.reconciliation_account(draft),
             amount=-total, entry=None, status=None, side=None)
    )  # fmt: skip


def _store(session: Session, *, company_id: int, receipt: LedgerReceipt, built: Built) -> None:
    """Give the postings ids, insert them with their splits, and add them to the balances."""
    splits = _number_rows(session, company_id=company_id, receipt=receipt, built=built)
    session.add_all(built.rows)
    session.add_all(splits)
    session.flush()
    balances.apply(session, company_id=company_id, status=receipt.status, rows=built.rows, splits=splits, sign=1)


def _number_rows(
    session: Session, *, company_id: int, receipt: LedgerReceipt, built: Built
) -> list[TransactionDimension]:
    """Give the postings ids; their dimension splits (nothing is added to the session)."""
    first = next_value(session, company_id=company_id, name="ledger_transaction", count=len(built.rows))
    for line_no, row in enumerate(built.rows):
        row.company_id, row.receipt_id, row.id, row.line_no = company_id, receipt.id, first + line_no, line_no
    for row in built.rows:
        if row.kind == rules.VAT_ROW and row.parent_id is not None:
            row.parent_id = built.rows[row.parent_id].id
    splits = [
        TransactionDimension(
            company_id=company_id,
            transaction_id=row.id,
            dimension_id=dimension_id,
            item_id=item_id,
            receipt_id=receipt.id,
            line_no=j,
            amount_minor=cents,
        )
        for row, split in zip(built.rows, built.splits, strict=True)
        for j, (dimension_id, item_id, cents) in enumerate(split)
    ]
    return splits


def _fill(receipt: LedgerReceipt, draft: rules.ReceiptDraft) -> None:
    receipt.name = draft.name
    receipt.receipt_date = draft.receipt_date
    receipt.vat_type = draft.vat_type
    receipt.vat_status = draft.vat_status
    receipt.vat_processing = draft.vat_processing
    receipt.vat_date = draft.vat_date
    receipt.invoice_notes = draft.invoice_notes
    receipt.accountants_notes = draft.accountants_notes
    receipt.transaction_description = draft.transaction_description
    receipt.receipt_validity = draft.receipt_validity
    receipt.period_start_date = draft.period_start_date
    receipt.period_end_date = draft.period_end_date
    receipt.partner_id = draft.partner_id
    receipt.partner_code = draft.partner_code
    receipt.depreciation = draft.depreciation


def prepare_receipt(
    session: Session,
    *,
    company_id: int,
    draft: rules.ReceiptDraft,
    create_reconciliation: bool = False,
    allowed_types: Sequence[str] = (rules.JOURNAL,),
    with_vat: bool = True,
) -> Built:
    """The draft validated (open period, accounts, VAT, balance, dimensions) and turned into
    postings — nothing written, no counter taken; `create_receipt` writes them."""
    if draft.type not in allowed_types:
        raise KirjuriError("INVALID_RECEIPT_TYPE", 400, "type")
    return _build(session, company_id=company_id, draft=draft, create_reconciliation=create_reconciliation,
                  with_vat=with_vat)  # fmt: skip


def receipt_counter(fiscal_year_id: int) -> str:
    """The gap-free counter of the receipt numbers of a fiscal year."""
    return f"receipt_number:{fiscal_year_id}"


@dataclass(slots=True)
class Staged:
    """A new receipt and its postings with their ids, not yet numbered nor written
    (`stage_receipt`): the caller inserts `objects` (`db.direct.insert`), then `finish_receipt`
    numbers and books them."""

    receipt: LedgerReceipt
    built: Built
    splits: list[TransactionDimension]

    @property
    def counter(self) -> str:
        return receipt_counter(self.receipt.fiscal_year_id)

    @property
    def objects(self) -> list[object]:
        """The rows to insert, parents first."""
        return [self.receipt, *self.built.rows, *self.splits]


def create_receipt(
    session: Session,
    *,
    company_id: int,
    draft: rules.ReceiptDraft,
    user_id: int | None = None,
    create_reconciliation: bool = False,
    status: str = rules.UNFINISHED,
    allowed_types: Sequence[str] = (rules.JOURNAL,),
    invoice_id: int | None = None,
    invoice_number: int | None = None,
    with_vat: bool = True,
) -> LedgerReceipt:
    """A new receipt (`POST /ledgerreceipts` creates journals; other areas pass their own type).
    The receipt number (gap-free, row-locked to the commit) is taken last, once the receipt and its
    postings are written."""
    staged = stage_receipt(
        session, company_id=company_id, draft=draft, user_id=user_id, create_reconciliation=create_reconciliation,
        status=status, allowed_types=allowed_types, invoice_id=invoice_id, with_vat=with_vat,
    )  # fmt: skip
    direct.insert(session, staged.objects)
    number = take_gap_free(session, company_id=company_id, counts={staged.counter: 1})[staged.counter]
    return finish_receipt(session, staged=staged, number=number, invoice_number=invoice_number)


def stage_receipt(
    session: Session,
    *,
    company_id: int,
    draft: rules.ReceiptDraft,
    user_id: int | None = None,
    create_reconciliation: bool = False,
    status: str = rules.UNFINISHED,
    allowed_types: Sequence[str] = (rules.JOURNAL,),
    invoice_id: int | None = None,
    with_vat: bool = True,
    built: Built | None = None,
) -> Staged:
    """`create_receipt` but for writing and numbering: the receipt and its postings, with their ids
    (plain ids take no lock), built and not written. Until `finish_receipt` the receipt's number is
    a placeholder (`db.counters.unnumbered`), so the caller can insert everything
    (`Staged.objects`) before it takes a lock; then it takes the number from `Staged.counter` with
    its other gap-free counters (`db.counters.take_gap_free`) and calls `finish_receipt` — so every
    lock is taken in one order and held only for setting the numbers, the balances and the commit."""
    if built is None:
        built = prepare_receipt(
            session, company_id=company_id, draft=draft, create_reconciliation=create_reconciliation,
            allowed_types=allowed_types, with_vat=with_vat,
        )  # fmt: skip
    now = clock.now()
    receipt = LedgerReceipt(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="ledger_receipt"),
        type=draft.type,
        status=status,
        fiscal_year_id=built.period.fiscal_year_id,
        period_id=built.period.id,
        # Journals get a hidden invoice (the contract's notes and attachments hang on it).
        invoice_id=invoice_id or next_value(session, company_id=company_id, name="invoice"),
        created_by=user_id,
        created_at=now,
        version=now,
    )
    receipt.receipt_number = unnumbered(receipt.id)
    _fill(receipt, draft)
    splits = _number_rows(session, company_id=company_id, receipt=receipt, built=built)
    return Staged(receipt=receipt, built=built, splits=splits)


def finish_receipt(
    session: Session, *, staged: Staged, number: int, invoice_number: int | None = None
) -> LedgerReceipt:
    """The inserted staged receipt numbered (`invoice_number`: its invoice's, else the receipt
    number) and added to the balances; returned persistent in the session (`db.direct.attach`)."""
    receipt = staged.receipt
    receipt.receipt_number = number
    receipt.invoice_number = invoice_number if invoice_number is not None else number
    with direct.batch(session):
        direct.update(session, receipt, ("receipt_number", "invoice_number"))
        balances.apply(
            session, company_id=receipt.company_id, status=receipt.status, rows=staged.built.rows, splits=staged.splits,
            sign=1,
        )  # fmt: skip
    direct.attach(session, [receipt])
    return receipt


def _take_out(session: Session, *, company_id: int, receipt: LedgerReceipt) -> None:
    """Remove the receipt's postings and their share of the balances (before they are rebuilt)."""
    rows, splits = repository.receipt_postings(session, company_id=company_id, receipt_id=receipt.id)
    all_splits = repository.splits_of(rows, splits)
    balances.apply(session, company_id=company_id, status=receipt.status, rows=rows, splits=all_splits, sign=-1)
    session.execute(
        delete(TransactionDimension).where(
            TransactionDimension.company_id == company_id, TransactionDimension.receipt_id == receipt.id
        )
    )
    session.execute(
        delete(LedgerTransaction).where(
            LedgerTransaction.company_id == company_id, LedgerTransaction.receipt_id == receipt.id
        )
    )
    session.expire_all()


def replace_receipt(
    session: Session,
    *,
    company_id: int,
    receipt_id: int,
    draft: rules.ReceiptDraft,
    check_version: VersionCheck,
    create_reconciliation: bool = False,
) -> LedgerReceipt:
    """`PUT /ledgerreceipts/{id}`: the accounting of a journal or an invoice's receipt, replaced whole."""
    receipt = repository.get_receipt(session, company_id=company_id, receipt_id=receipt_id, lock=True)
    if receipt.type not in rules.EDITABLE_TYPES:
        raise KirjuriError("RECEIPT_TYPE_NOT_EDITABLE", 403)
    if draft.type != receipt.type:
        raise KirjuriError("INVALID_RECEIPT_TYPE", 400, "type")
    check_version(receipt.version)
    if receipt.status == rules.INVALIDATED:
        raise KirjuriError("INVALID_STATUS_TRANSITION", 403, "status")
    fiscal.writable_period(session, company_id=company_id, day=receipt.receipt_date)
    built = _build(session, company_id=company_id, draft=draft, create_reconciliation=create_reconciliation)
    if built.period.fiscal_year_id != receipt.fiscal_year_id:
        raise KirjuriError("RECEIPT_DATE_IN_ANOTHER_FISCAL_YEAR", 400, "receiptDate")
    _take_out(session, company_id=company_id, receipt=receipt)
    receipt = repository.get_receipt(session, company_id=company_id, receipt_id=receipt_id)
    _fill(receipt, draft)
    receipt.period_id = built.period.id
    receipt.version = clock.now()
    session.flush()
    _store(session, company_id=company_id, receipt=receipt, built=built)
    return receipt


def replace_dimensions(
    session: Session,
    *,
    company_id: int,
    receipt_id: int,
    transaction_id: int,
    values: Sequence[rules.DimensionValue],
) -> LedgerReceipt:
    """One transaction's dimension split replaced (an empty list removes it); the rest unchanged."""
    receipt = repository.get_receipt(session, company_id=company_id, receipt_id=receipt_id, lock=True)
    if receipt.type not in rules.EDITABLE_TYPES:
        raise KirjuriError("RECEIPT_TYPE_NOT_EDITABLE", 403)
    if receipt.status == rules.INVALIDATED:
        raise KirjuriError("INVALID_STATUS_TRANSITION", 403, "status")
    fiscal.writable_period(session, company_id=company_id, day=receipt.receipt_date)
    rows, splits_by_row = repository.receipt_postings(session, company_id=company_id, receipt_id=receipt.id)
    target = next((r for r in rows if r.id == transaction_id and r.kind != rules.VAT_ROW), None)
    if target is None:
        raise KirjuriError("NOT_FOUND", 404, "transactionId")
    active = dimensions.active_items(session, company_id=company_id, dimension_ids={v.dimension_id for v in values})
    errors, split = rules.check_dimensions("", target.amount_minor, values, active)
    if errors:
        raise KirjuriError.many([ErrorItem(e.status, e.message, (e.field or "").lstrip(".")) for e in errors])
    changed = [target, *(r for r in rows if r.parent_id == target.id and r.vat_role == "COST")]
    old = repository.splits_of(changed, splits_by_row)
    balances.apply(session, company_id=company_id, status=receipt.status, rows=changed, splits=old, sign=-1)
    for s in old:
        session.delete(s)
    session.flush()
    new: list[TransactionDimension] = []
    for row in changed:
        row_split = split if row is target else rules.scale_split(split, row.amount_minor)
        new.extend(
            TransactionDimension(company_id=company_id, transaction_id=row.id, dimension_id=d, item_id=item,
                                 receipt_id=receipt.id, line_no=j, amount_minor=cents)
            for j, (d, item, cents) in enumerate(row_split)
        )  # fmt: skip
    session.add_all(new)
    session.flush()
    balances.apply(session, company_id=company_id, status=receipt.status, rows=changed, splits=new, sign=1)
    receipt.version = clock.now()
    session.flush()
    return receipt


def set_status(session: Session, *, company_id: int, receipt: LedgerReceipt, status: str) -> LedgerReceipt:
    """Move a receipt to `status` (its date must be writable); the balances follow."""
    fiscal.writable_period(session, company_id=company_id, day=receipt.receipt_date)
    if receipt.status != status:
        rows, splits_by_row = repository.receipt_postings(session, company_id=company_id, receipt_id=receipt.id)
        splits = repository.splits_of(rows, splits_by_row)
        balances.apply(session, company_id=company_id, status=receipt.status, rows=rows, splits=splits, sign=-1)
        balances.apply(session, company_id=company_id, status=status, rows=rows, splits=splits, sign=1)
    receipt.status = status
    receipt.version = clock.now()
    session.flush()
    return receipt


def transition(session: Session, *, company_id: int, receipt_id: int, action: str) -> LedgerReceipt:
    """`approve`, `invalidate` or `unfinished` of a journal, along `rules.TRANSITIONS` only."""
    receipt = repository.get_receipt(session, company_id=company_id, receipt_id=receipt_id, lock=True)
    if receipt.type != rules.JOURNAL:
        raise KirjuriError("ONLY_JOURNALS", 403, "type")
    target = rules.next_status(action, receipt.status)
    if target is None:
        raise KirjuriError("INVALID_STATUS_TRANSITION", 403, "status")
    return set_status(session, company_id=company_id, receipt=receipt, status=target)
