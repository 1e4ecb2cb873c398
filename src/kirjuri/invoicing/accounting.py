"""The ledger receipt an invoice owns: which accounts its rows go to, what the ledger books, and
keeping the receipt in step with the invoice on every create and PUT.

Invariants:
- every SALES_INVOICE, PURCHASE_INVOICE, TRAVEL_INVOICE and BILL_OF_CHARGES owns exactly one
  ledger receipt of its own type (`invoice.ledger_receipt_id`), UNFINISHED, carrying the invoice's
  id and number; orders and offers own none;
- the receipt is made by `invoicing.entries` (balanced with the ledger's own VAT rows, so the
  ledger never refuses it as unbalanced) and posted by `ledger.service` — the one writer of the
  ledger, which also guards the open periods;
- the totals the invoice states (`invoiceSumInfo`, the total columns) are the ones booked:
  `plan` returns them, and the service stores them.

Accounts (a decision following the brief; the contract says only that accounting lives in the
receipt): the line account is, in this order of precedence,
1. the partner's default account for the invoice type (`BusinessPartner.default_accounts`:
   `salesInvoiceAccounts.creditAccount` for sales, `purchaseInvoiceAccounts.debitAccount`,
   `travelInvoiceAccounts.debitAccount`, `expenseClaimAccounts.debitAccount`), for every row;
2. else, with `extraInfo.accountingByRow`, the row product's `defaultAccount`;
3. else the chart's SALES (sales) or PURCHASES (purchase, travel, expense) role account.
The counter entry goes to the RECEIVABLES (sales) or PAYABLES (the others) role account. A row's
VAT status is its own, else the invoice's (`entries.effective_status`).

VAT rounding (`entries` module docstring): the invoice computes VAT per rate on its net or gross
sums (`invoicing.sums`), the ledger per entry on the entry's net. Each account line is booked with
the net and VAT the invoice states for it (`_stated`): with net prices one entry's ledger VAT is
that VAT; with gross prices (VAT of the gross, net = gross − VAT) about one gross in five has no
net whose ledger VAT gives it back, and in another currency the stated VAT converted may be a
cent or two beside the ledger's VAT of the converted net. Such a line is booked as a few entries of
the same account and rate whose roundings give exactly the stated VAT (`_booked_exactly`) — no
rounding account, no moved cent: the gross the customer pays or the claimant is owed, and the VAT
the document states, are the ones booked.

When the invoice's own totals still differ from the sum of its account lines (several accounts at
one rate: per-account rounding), a sales invoice takes the lines' VAT — what the ledger books —
as its stated VAT and total; a purchase, travel or expense invoice is refused with 400
`VAT_ROUNDING_DIFFERENCE` at `invoiceRows`, its gross being the amount to pay that cannot move.

Foreign currency: the receipt is in the company currency. Each account line's stated net and VAT
are converted as round(amount / currencyRate) (units of invoice currency per company-currency
unit) — with one account per rate exactly `sums.in_accounting_currency` — and booked as above. The
second `invoiceSumInfo` entry is what that receipt books (`booked_in_accounting_currency`): the
converted totals (or, where no split reaches a converted VAT, the ledger's VAT of the converted
net).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from sqlalchemy.orm import Session

from kirjuri.core import vat
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.money import from_minor, plain, round_money, to_minor
from kirjuri.invoicing import entries
from kirjuri.invoicing.document import Totals, VatLine
from kirjuri.invoicing.models import Invoice
from kirjuri.ledger import accounts, chart, default_splits, fiscal, repository, rules
from kirjuri.ledger import service as ledger
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction

BOOKED_TYPES = frozenset({"SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES"})
# The partner's default-account set and the side of it used for the lines, per invoice type.
PARTNER_ACCOUNTS: dict[str, tuple[str, str]] = {
    "SALES_INVOICE": ("salesInvoiceAccounts", "creditAccount"),
    "PURCHASE_INVOICE": ("purchaseInvoiceAccounts", "debitAccount"),
    "TRAVEL_INVOICE": ("travelInvoiceAccounts", "debitAccount"),
    "BILL_OF_CHARGES": ("expenseClaimAccounts", "debitAccount"),
}
RECEIPT_NAME_LENGTH = 80
# How far `_booked_exactly` looks for the second entry of a VAT one entry cannot book.
MAX_SPLIT_CENTS = 1000
MAX_SMALL_ENTRIES = 3
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class RowIn:
    """One invoice row as the ledger needs it: its amount in the invoice's sign (the net, or the
    gross when the invoice's prices include VAT), rate, own VAT status and product account."""

    amount: Decimal
    vat_percent: Decimal
    vat_status: int | None
    product_account: str | None = None
    description: str | None = None
    product_id: int | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What will be booked: the draft (company currency), the invoice's totals as booked and their
    VAT breakdown per stated percent × VAT status (invoice currency; the lines add up to `totals`)."""

    draft: rules.ReceiptDraft
    totals: Totals
    vat_lines: tuple[VatLine, ...] = ()


def books(invoice_type: str) -> bool:
    """Does an invoice of this type own a ledger receipt?"""
    return invoice_type in BOOKED_TYPES


def _partner_account(invoice_type: str, default_accounts: Mapping[str, object] | None) -> str | None:
    set_name, side = PARTNER_ACCOUNTS[invoice_type]
    found = (default_accounts or {}).get(set_name)
    account = found.get(side) if isinstance(found, dict) else None
    code = account.get("code") if isinstance(account, dict) else None
    return code if isinstance(code, str) and code else None


def row_splits(
    rows: Sequence[RowIn],
    *,
    partner_id: int | None,
    shares: Mapping[tuple[str, int], Sequence[tuple[int, int, Decimal]]],
) -> list[tuple[entries.SplitShare, ...]]:
    """Each row's dimension split: per dimension the row product's default split, else the
    partner's (or person's) — the product says most precisely what was sold or bought."""
    partner = _by_dimension(shares.get((default_splits.PARTNER, partner_id), ()) if partner_id is not None else ())
    found: list[tuple[entries.SplitShare, ...]] = []
    for row in rows:
        chosen = dict(partner)
        if row.product_id is not None:
            chosen.update(_by_dimension(shares.get((default_splits.PRODUCT, row.product_id), ())))
        found.append(tuple(share for dimension in sorted(chosen) for share in chosen[dimension]))
    return found


def _by_dimension(items: Sequence[tuple[int, int, Decimal]]) -> dict[int, list[entries.SplitShare]]:
    found: dict[int, list[entries.SplitShare]] = {}
    for dimension_id, item_id, percent in items:
        found.setdefault(dimension_id, []).append(entries.SplitShare(dimension_id, item_id, percent))
    return found


def _with_net(line: entries.AccountLine, net: Decimal) -> entries.AccountLine:
    """`line` with another net, its dimension values carried over in proportion (each dimension
    still sums exactly to the net)."""
    if net == line.net:
        return line
    scaled = rules.scale_split([(v.dimension_id, v.item_id, to_minor(v.value)) for v in line.dimensions], to_minor(net))
    return replace(
        line, net=net, dimensions=tuple(rules.DimensionValue(d, i, from_minor(cents)) for d, i, cents in scaled)
    )


def _convert(amount: Decimal, rate: Decimal) -> Decimal:
    with localcontext(Context(prec=80)):
        return round_money(amount / rate)


def _line_vat(line: entries.AccountLine, *, invoice_type: str, vat_status: int | None) -> Decimal:
    """The VAT the ledger adds to one line (invoice sign)."""
    found = entries.ledger_vat_by_percent([line], invoice_type=invoice_type, vat_status=vat_status)
    return sum(found.values(), ZERO)


def _stated(
    line: entries.AccountLine, *, invoice_type: str, vat_status: int | None, prices_include_vat: bool
) -> tuple[Decimal, Decimal]:
    """(net, VAT) the invoice states for one account line (invoice currency), by the invoice's
    rule (`invoicing.sums`): VAT of the net, or of the gross (`line.net` holds a gross then); none
    without a status or rate, and none under a self-assessed status (the biller charges none)."""
    status = entries.effective_status(line.vat_status, vat_status, line.vat_percent)
    known = vat.STATUSES.get(status) if status is not None else None
    treatment = known.treatment(entries.side_of(invoice_type)) if known is not None else None
    if treatment is None or treatment is vat.Treatment.SELF_ASSESSED or not line.vat_percent:
        return line.net, ZERO
    percent = line.vat_percent
    with localcontext(Context(prec=80, rounding=ROUND_HALF_UP)):
        if prices_include_vat:
            tax = round_money(line.net * percent / (100 + percent))
            return line.net - tax, tax
        return line.net, round_money(line.net * percent / 100)


def _stated_key(line: entries.AccountLine, *, invoice_type: str, vat_status: int | None) -> tuple[Decimal, int]:
    """(percent, VAT status) of the invoice's VAT line a ledger line belongs to, as `invoicing.sums`
    keys it: a self-assessed line states 0 %, a line without a status is domestic (1)."""
    status = entries.effective_status(line.vat_status, vat_status, line.vat_percent)
    known = vat.STATUSES.get(status) if status is not None else None
    treatment = known.treatment(entries.side_of(invoice_type)) if known is not None else None
    percent = ZERO if treatment is vat.Treatment.SELF_ASSESSED else line.vat_percent
    return percent, status if status is not None else vat.DOMESTIC


def _vat_lines(found: Mapping[tuple[Decimal, int], tuple[Decimal, Decimal]]) -> tuple[VatLine, ...]:
    lines = [
        VatLine(percent=plain(percent), net=net, vat=tax, gross=net + tax, vat_status=status)
        for (percent, status), (net, tax) in found.items()
    ]
    return tuple(sorted(lines, key=lambda line: (-line.percent, line.vat_status)))


def _booked_exactly(
    line: entries.AccountLine, net: Decimal, tax: Decimal, *, invoice_type: str, vat_status: int | None
) -> tuple[entries.AccountLine, ...]:
    """Entries of `line`'s account and rate with nets summing to `net` whose ledger VAT is `tax`.

    The ledger taxes each entry's net (`ledger.vatrows`), so one entry books round(net × p / 100);
    the invoice's VAT may be a cent or two beside it (VAT of a gross, or a VAT converted from
    another currency). Each entry's rounding moves its VAT by up to half a cent, so a few entries
    reach it: the rest and one, two or three small equal entries (the smallest that work, found by
    trying 1, 2, 3 … cents). When nothing reaches it (a line of a few cents), one entry with the
    ledger's VAT."""
    whole = _with_net(line, net)
    if _line_vat(whole, invoice_type=invoice_type, vat_status=vat_status) == tax:
        return (whole,)
    sign = 1 if net > 0 else -1
    for smalls in range(1, MAX_SMALL_ENTRIES + 1):
        for cents in range(1, min(abs(to_minor(net)) // (smalls + 1) + 1, MAX_SPLIT_CENTS)):
            small = _with_net(line, from_minor(sign * cents))
            rest = _with_net(line, net - smalls * small.net)
            found = smalls * _line_vat(small, invoice_type=invoice_type, vat_status=vat_status) + _line_vat(
                rest, invoice_type=invoice_type, vat_status=vat_status
            )
            if found == tax:
                return (rest, *([small] * smalls))
    return (whole,)


def plan(
    session: Session,
    *,
    company_id: int,
    invoice_type: str,
    name: str,
    invoice_date: date,
    vat_status: int | None,
    partner_id: int | None,
    partner_accounts: Mapping[str, object] | None,
    rows: Sequence[RowIn],
    accounting_by_row: bool,
    prices_include_vat: bool,
    invoice_totals: Totals,
    rate: Decimal | None,
) -> Plan:
    """The receipt of an invoice of a booked type and the totals it states; 400
    `VAT_ROUNDING_DIFFERENCE` for a purchase, travel or expense invoice whose gross would move
    (see the module docstring). `rate` is None in the company currency."""
    side = entries.side_of(invoice_type)
    sales = side is vat.Side.SALES
    roles = accounts.codes_for_roles(
        session,
        company_id=company_id,
        roles=(chart.Role.SALES, chart.Role.RECEIVABLES) if sales else (chart.Role.PURCHASES, chart.Role.PAYABLES),
    )
    role_account = roles[chart.Role.SALES if sales else chart.Role.PURCHASES]
    counter_account = roles[chart.Role.RECEIVABLES if sales else chart.Role.PAYABLES]
    partner_default = _partner_account(invoice_type, partner_accounts)
    row_accounts = {
        i: row.product_account
        for i, row in enumerate(rows)
        if row.product_account and partner_default is None and accounting_by_row
    }
    owners = [(default_splits.PRODUCT, r.product_id) for r in rows if r.product_id is not None]
    if partner_id is not None:
        owners.append((default_splits.PARTNER, partner_id))
    shares = default_splits.shares_of_owners(session, company_id=company_id, owners=owners)
    splits = row_splits(rows, partner_id=partner_id, shares=shares)
    lines = entries.group_lines(
        [
            entries.RowAmount(r.amount, r.vat_percent, r.vat_status, split=split, description=r.description)
            for r, split in zip(rows, splits, strict=True)
        ],
        default_account=partner_default or role_account,
        accounting_by_row=bool(row_accounts),
        row_accounts=row_accounts,
        default_vat_status=vat_status,
    )

    def exactly(line: entries.AccountLine, net: Decimal, tax: Decimal) -> tuple[entries.AccountLine, ...]:
        return _booked_exactly(line, net, tax, invoice_type=invoice_type, vat_status=vat_status)

    stated = [
        (line, *_stated(line, invoice_type=invoice_type, vat_status=vat_status, prices_include_vat=prices_include_vat))
        for line in lines
    ]
    # Per stated VAT line: (net, VAT) as booked (invoice currency) — the invoice's breakdown.
    by_line: dict[tuple[Decimal, int], tuple[Decimal, Decimal]] = {}

    def add(line: entries.AccountLine, net: Decimal, tax: Decimal) -> None:
        key = _stated_key(line, invoice_type=invoice_type, vat_status=vat_status)
        old_net, old_tax = by_line.get(key, (ZERO, ZERO))
        by_line[key] = (old_net + net, old_tax + tax)

    parts: list[entries.AccountLine] = []
    for line, net, tax in stated:
        if rate is None:
            booked = exactly(line, net, tax)
            for p in booked:
                add(line, p.net, _line_vat(p, invoice_type=invoice_type, vat_status=vat_status))
        else:
            booked = exactly(line, _convert(net, rate), _convert(tax, rate))
            add(line, net, tax)
        parts.extend(booked)
    net = sum((n for n, _t in by_line.values()), ZERO)
    tax = sum((t for _n, t in by_line.values()), ZERO)
    totals = Totals(net=net, vat=tax, gross=net + tax)
    if totals.gross != invoice_totals.gross and not sales:
        raise KirjuriError("VAT_ROUNDING_DIFFERENCE", 400, "invoiceRows")
    receipt = entries.invoice_receipt(
        invoice_type=invoice_type,
        name=name[:RECEIPT_NAME_LENGTH],
        invoice_date=invoice_date,
        vat_status=vat_status,
        lines=[p for p in parts if p.net],
        counter_account=counter_account,
        partner_id=partner_id,
        total_gross=totals.gross if rate is None else _convert(totals.gross, rate),
    )
    return Plan(draft=receipt.draft, totals=totals, vat_lines=_vat_lines(by_line))


def prepare(session: Session, *, company_id: int, invoice_type: str, plan: Plan) -> ledger.Built:
    """The plan's receipt validated by the ledger and built, before the invoice takes its number
    (so the number's lock is held only while writing); `stage` and `finish` post it."""
    return ledger.prepare_receipt(session, company_id=company_id, draft=plan.draft, allowed_types=(invoice_type,))


def stage(
    session: Session, *, invoice: Invoice, user_id: int | None, plan: Plan, built: ledger.Built | None = None
) -> ledger.Staged:
    """`book` without the numbers: the invoice's new receipt (UNFINISHED) and its postings added to
    the session, linked both ways; `finish` numbers and writes them once the invoice has its number."""
    staged = ledger.stage_receipt(
        session,
        company_id=invoice.company_id,
        draft=plan.draft,
        user_id=user_id,
        status=rules.UNFINISHED,
        allowed_types=(invoice.type,),
        invoice_id=invoice.id,
        built=built,
    )
    invoice.ledger_receipt_id = staged.receipt.id
    return staged


def finish(session: Session, *, invoice: Invoice, staged: ledger.Staged, number: int) -> LedgerReceipt:
    """The staged receipt with its receipt `number` and the invoice's number, flushed and booked."""
    return ledger.finish_receipt(session, staged=staged, number=number, invoice_number=invoice.invoice_number)


def same_year_errors(session: Session, *, invoice: Invoice, new_date: date) -> list[ErrorItem]:
    """A PUT may move the invoice date only within the fiscal year of its receipt (receipt numbers
    are per year and never move): else 400 `RECEIPT_DATE_IN_ANOTHER_FISCAL_YEAR` at `date`. A date
    in no fiscal year is left to the open-period check (`CLOSED_FISCAL_PERIOD`)."""
    if invoice.ledger_receipt_id is None:
        return []
    receipt = repository.get_receipt(session, company_id=invoice.company_id, receipt_id=invoice.ledger_receipt_id)
    year = fiscal.year_of(session, company_id=invoice.company_id, day=new_date)
    if year is not None and year.id != receipt.fiscal_year_id:
        return [ErrorItem(400, "RECEIPT_DATE_IN_ANOTHER_FISCAL_YEAR", "date")]
    return []


def rebook(session: Session, *, invoice: Invoice, plan: Plan) -> LedgerReceipt:
    """The invoice's receipt with its accounting replaced by `plan` (same id and number)."""
    if invoice.ledger_receipt_id is None:
        raise ValueError("the invoice has no receipt")
    receipt = ledger.replace_receipt(
        session,
        company_id=invoice.company_id,
        receipt_id=invoice.ledger_receipt_id,
        draft=plan.draft,
        check_version=lambda _current: None,  # the invoice's version was checked
    )
    receipt.invoice_number = invoice.invoice_number
    return receipt


def booked_in_accounting_currency(
    session: Session, *, company_id: int, invoices: Sequence[Invoice]
) -> dict[int, Totals]:
    """{invoice id: net, VAT and gross its receipt books (company currency, invoice sign)}."""
    by_receipt = {i.ledger_receipt_id: i for i in invoices if i.ledger_receipt_id is not None}
    postings, _splits = repository.postings_of(session, company_id=company_id, receipt_ids=list(by_receipt))
    found: dict[int, Totals] = {}
    for receipt_id, invoice in by_receipt.items():
        found[invoice.id] = _totals_of(invoice.type, postings.get(receipt_id, []))
    return found


def _totals_of(invoice_type: str, postings: Sequence[LedgerTransaction]) -> Totals:
    # Ledger sign → invoice sign: sales book the receivable as a debit, the others a credit.
    sign = 1 if entries.side_of(invoice_type).value == "SALES" else -1
    gross = sign * sum(p.amount_minor for p in postings if p.kind == rules.REVERSING_ENTRY)
    vat = -sign * sum(p.amount_minor for p in postings if p.kind == rules.VAT_ROW)
    return Totals(net=from_minor(gross - vat), vat=from_minor(vat), gross=from_minor(gross))
