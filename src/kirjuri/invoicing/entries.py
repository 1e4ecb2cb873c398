"""An invoice's ledger entries: the receipt every invoice owns, its payments and its reversal.

Owns the translation of an invoice (already summed by `invoicing.sums`) into a
`ledger.rules.ReceiptDraft`, and guards one invariant: **every draft made here balances to exactly
zero cents together with the VAT rows the ledger adds itself** (`ledger.vatrows`), so
`ledger.service` never refuses it with `RECEIPT_NOT_BALANCED` and never needs a reconciliation row.

Sides and signs (ledger: debit +, credit −; every amount given here is in the invoice's sign, a
credit note's amounts are negative and every posting flips with them):

- SALES_INVOICE: `vat_type` SALES; the lines are credits (−net), the counter entry debits
  receivables with the gross;
- PURCHASE_INVOICE, TRAVEL_INVOICE, BILL_OF_CHARGES: `vat_type` PURCHASE; the lines (costs) are
  debits (+net), the counter entry credits payables with the gross.

The invoice lines are ENTRY rows carrying `vatPercent`/`vatStatus`: the ledger adds their VAT rows
(sales: output VAT, credit; purchases: deductible input VAT, debit, or the tax to cost). The
counter entry is the one REVERSING_ENTRY (the balance-sheet row of the contract, first, without
VAT) and carries exactly −(sum of the entries + the VAT rows the ledger will add), which is what
makes the receipt balance.

Grouping (`group_lines`). The invoice computes VAT per rate on the sum of its rows
(`invoicing.sums`); the ledger computes it per ENTRY row. So the invoice's rows are summed into
one line per account × rate × VAT status × dimension split: with one account per rate (always
the case without accountingByRow, where every row goes to the invoice's default account) each
rate is one entry and the two VAT computations are the same computation.

When they still differ (accountingByRow with several product accounts at one rate, or rows of one
rate with different statuses or splits), nothing is fudged: the ledger's VAT is computed with
the ledger's own function (`ledger.vatrows.vat_rows`, imported — the very code `ledger.service`
calls, so the two cannot drift), the counter entry follows the ledger, and `Booked` reports
`ledger_vat` next to `invoice_vat` (= total gross − the booked nets). Recommended handling in the
service, when `Booked.difference` is not zero:

- sales invoices (our own document): set the invoice's VAT from the ledger —
  `ledger_vat_by_percent` gives the VAT per rate for the VAT lines, total = nets + ledger VAT —
  so the invoice, the receivable and the VAT return agree to the cent (the tax stated is the tax
  reported). It is a rounding choice — per account group instead of per rate, cents apart — not
  a tax error; refusing instead would reject invoices the contract accepts. The Finvoice/EN 16931
  VAT breakdown then states these amounts (check BR-CO-17 there: validators differ on tolerance);
- purchase, travel and expense invoices (a supplier's or a claimant's document: its gross is the
  amount to pay and cannot move): refuse with 400 (e.g. `VAT_ROUNDING_DIFFERENCE` at
  `invoiceRows`) and let the user book that rate on one account, or edit the receipt through
  `PUT /ledgerreceipts` with `createReconciliation=true`, where a visible row takes the cents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from kirjuri.core import vat as vat_rules
from kirjuri.core.money import decimal_places, from_minor, to_minor
from kirjuri.ledger import rules, vatrows
from kirjuri.ledger.rules import DimensionValue, EntryDraft, ReceiptDraft

SALES_TYPES = frozenset({"SALES_INVOICE"})
PURCHASE_TYPES = frozenset({"PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES"})
# Mark-paid also settles these (§D.13.3); they are payables, never booked from rows here.
PAYABLE_ONLY_TYPES = frozenset({"SALARY", "PERIODIC_TAX_RETURN"})

HUNDRED = Decimal(100)
PERCENT_SCALE = 10_000  # split percentages carry at most four decimals (`ledger.default_splits`)
# Only the sum of the VAT rows matters here; the accounts they would go to do not.
_ANY_VAT_ACCOUNTS = vatrows.VatAccounts(payable="VAT_PAYABLE", receivable="VAT_RECEIVABLE")


# --- values -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SplitShare:
    """One item of a row's dimension split, as a percentage (a product's or partner's default)."""

    dimension_id: int
    item_id: int
    percent: Decimal


@dataclass(frozen=True, slots=True)
class RowAmount:
    """What the ledger needs of one invoice row: its net (`invoicing.sums`, invoice sign), its VAT
    rate and status (None: the invoice's) and its dimension split."""

    net: Decimal
    vat_percent: Decimal
    vat_status: int | None = None
    split: tuple[SplitShare, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class AccountLine:
    """The net of the invoice (invoice sign) that goes to one account, VAT rate, VAT status and
    dimension split; `dimensions` are absolute values in the sign of `net`, summing to it per
    dimension."""

    account: str
    net: Decimal
    vat_percent: Decimal
    vat_status: int | None
    dimensions: tuple[DimensionValue, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Booked:
    """An invoice's receipt and the two VATs: what the ledger will add (`ledger_vat`) and what the
    invoice states (`invoice_vat`), both in the invoice's sign."""

    draft: ReceiptDraft
    ledger_vat: Decimal
    invoice_vat: Decimal

    @property
    def difference(self) -> Decimal:
        """Ledger VAT − invoice VAT: zero unless one rate was split over several entries."""
        return self.ledger_vat - self.invoice_vat


# --- sides ------------------------------------------------------------------------------------------


def side_of(invoice_type: str, *, payments: bool = False) -> vat_rules.Side:
    """SALES or PURCHASE for a type that is booked here (with `payments`, also the payable-only
    types of mark-paid); any other type is a programming error."""
    if invoice_type in SALES_TYPES:
        return vat_rules.Side.SALES
    if invoice_type in PURCHASE_TYPES or (payments and invoice_type in PAYABLE_ONLY_TYPES):
        return vat_rules.Side.PURCHASE
    raise ValueError(f"invoices of type {invoice_type} are not booked")


def _ledger_sign(side: vat_rules.Side) -> int:
    """Invoice amount → ledger amount of the invoice lines: sales are credits, costs debits."""
    return -1 if side is vat_rules.Side.SALES else 1


def effective_status(row_status: int | None, invoice_status: int | None, percent: Decimal) -> int | None:
    """A row's VAT status: its own, else the invoice's. Travel and expense claims need no status
    (§D.13.1); a taxed row of one is domestic (status 1), the VAT of a receipt from a Finnish
    hotel or shop — without a status the ledger could not place its VAT."""
    if row_status is not None:
        return row_status
    if invoice_status is not None:
        return invoice_status
    return vat_rules.DOMESTIC if percent else None


# --- grouping ---------------------------------------------------------------------------------------


_SplitKey = tuple[tuple[int, int, Decimal], ...]
_GroupKey = tuple[str, Decimal, int | None, _SplitKey]


def _split_key(split: Iterable[SplitShare]) -> _SplitKey:
    """A split's identity, whatever the order it came in; refuses a split that is not whole."""
    key = tuple(sorted((s.dimension_id, s.item_id, s.percent) for s in split))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for dimension_id, _item, percent in key:
        if percent <= 0 or decimal_places(percent) > 4:
            raise ValueError("split percentages are above 0 with at most four decimals")
        totals[dimension_id] += percent
    if len({(d, i) for d, i, _p in key}) != len(key) or any(t != HUNDRED for t in totals.values()):
        raise ValueError("a split names each item once and adds up to 100 per dimension")
    return key


def _dimension_values(key: _SplitKey, net: Decimal) -> tuple[DimensionValue, ...]:
    """The split applied to `net`: per dimension the items' cents add up to the net exactly
    (largest remainder, `ledger.rules.allocate`); zero shares are left out."""
    by_dimension: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for dimension_id, item_id, percent in key:
        by_dimension[dimension_id].append((item_id, percent))
    values: list[DimensionValue] = []
    for dimension_id, items in by_dimension.items():
        weights = [int(percent * PERCENT_SCALE) for _item, percent in items]
        shares = rules.allocate(to_minor(net), weights)
        values.extend(
            DimensionValue(dimension_id, item_id, from_minor(cents))
            for (item_id, _p), cents in zip(items, shares, strict=True)
            if cents
        )
    return tuple(values)


def group_lines(
    rows: Sequence[RowAmount],
    *,
    default_account: str,
    accounting_by_row: bool,
    row_accounts: Mapping[int, str],
    default_vat_status: int | None = None,
) -> tuple[AccountLine, ...]:
    """The invoice's rows summed per account × rate × VAT status × dimension split, in the order
    each group first appears.

    Without accountingByRow every row goes to `default_account` (the contract: product-register
    accounts need accountingByRow); with it, row `i` goes to `row_accounts[i]` (the product's
    account or the client's), else to the default. Rows of one group are summed even with
    accountingByRow: the ledger taxes each entry, so one entry per account and rate keeps its VAT
    equal to the invoice's. A group whose nets cancel out is left out (a zero posting says
    nothing). A group keeps its rows' description when they share one."""
    groups: dict[_GroupKey, list[RowAmount]] = {}
    for index, row in enumerate(rows):
        account = row_accounts.get(index, default_account) if accounting_by_row else default_account
        status = effective_status(row.vat_status, default_vat_status, row.vat_percent)
        groups.setdefault((account, row.vat_percent, status, _split_key(row.split)), []).append(row)
    lines: list[AccountLine] = []
    for (account, percent, status, split), members in groups.items():
        net = sum((to_minor(r.net) for r in members), 0)
        if not net:
            continue
        amount = from_minor(net)
        descriptions = {r.description for r in members}
        lines.append(
            AccountLine(
                account=account,
                net=amount,
                vat_percent=percent,
                vat_status=status,
                dimensions=_dimension_values(split, amount),
                description=descriptions.pop() if len(descriptions) == 1 else None,
            )
        )
    return tuple(lines)


# --- the invoice's receipt --------------------------------------------------------------------------


def _ledger_vat_minor(
    account: str, amount_minor: int, *, side: vat_rules.Side, status: int | None, percent: Decimal
) -> int:
    """The sum of the VAT rows the ledger adds to one ENTRY (ledger sign): the ledger's own rule."""
    if status is None or not percent:
        return 0
    rows = vatrows.vat_rows(
        account=account,
        net_minor=amount_minor,
        side=side,
        status=status,
        percent=percent,
        deduction_percent=None,
        accounts=_ANY_VAT_ACCOUNTS,
    )
    return sum(row.amount_minor for row in rows)


def ledger_vat_by_percent(
    lines: Sequence[AccountLine], *, invoice_type: str, vat_status: int | None
) -> dict[Decimal, Decimal]:
    """The VAT the ledger will add, per rate, in the invoice's sign (for VAT lines set from the
    ledger). Self-assessed VAT adds output and input tax that cancel out: zero here, as on the
    invoice, which states no VAT for it."""
    side = side_of(invoice_type)
    sign = _ledger_sign(side)
    found: dict[Decimal, int] = defaultdict(int)
    for line in lines:
        status = effective_status(line.vat_status, vat_status, line.vat_percent)
        amount = sign * to_minor(line.net)
        found[line.vat_percent] += sign * _ledger_vat_minor(
            line.account, amount, side=side, status=status, percent=line.vat_percent
        )
    return {percent: from_minor(cents) for percent, cents in found.items()}


def _entry(line: AccountLine, *, sign: int, status: int | None, partner_id: int | None) -> EntryDraft:
    return EntryDraft(
        account=line.account,
        accounting_value=from_minor(sign * to_minor(line.net)),
        vat_percent=line.vat_percent,
        vat_status=status,
        description=line.description,
        partner_id=partner_id,
        dimensions=tuple(replace(v, value=from_minor(sign * to_minor(v.value))) for v in line.dimensions),
    )


def invoice_receipt(
    *,
    invoice_type: str,
    name: str,
    invoice_date: date,
    vat_status: int | None,
    lines: Sequence[AccountLine],
    counter_account: str,
    partner_id: int | None,
    total_gross: Decimal,
) -> Booked:
    """The receipt of an invoice: the counter entry (receivables or payables, REVERSING_ENTRY,
    first) and one ENTRY per line, balanced with the ledger's VAT rows; with the ledger's and the
    invoice's VAT (see the module docstring for what to do when they differ).

    `total_gross` is the invoice's total (invoiceSumInfo.invoiceSumTotal, invoice sign);
    `invoice_vat` is taken as total gross − the lines' nets, which is the invoice's VAT when the
    lines carry all of its nets (`group_lines` of its rows). Amounts with more than two decimals
    are a programming error (`invoicing.sums` rounds them): ValueError."""
    side = side_of(invoice_type)
    sign = _ledger_sign(side)
    entries: list[EntryDraft] = []
    ledger_vat = 0
    for line in lines:
        status = effective_status(line.vat_status, vat_status, line.vat_percent)
        entry = _entry(line, sign=sign, status=status, partner_id=partner_id)
        entries.append(entry)
        ledger_vat += _ledger_vat_minor(
            line.account, to_minor(entry.accounting_value), side=side, status=status, percent=line.vat_percent
        )
    booked_minor = sum(to_minor(e.accounting_value) for e in entries)
    counter = EntryDraft(
        account=counter_account,
        accounting_value=from_minor(-(booked_minor + ledger_vat)),
        kind=rules.REVERSING_ENTRY,
        partner_id=partner_id,
    )
    draft = ReceiptDraft(
        type=invoice_type,
        name=name,
        receipt_date=invoice_date,
        vat_type=side.value,
        vat_status=vat_status,
        transactions=(counter, *entries),
        partner_id=partner_id,
    )
    nets = sum((to_minor(line.net) for line in lines), 0)
    return Booked(
        draft=draft,
        ledger_vat=from_minor(sign * ledger_vat),
        invoice_vat=from_minor(to_minor(total_gross) - nets),
    )


# --- payments and reversals -------------------------------------------------------------------------


def payment_receipt(
    *,
    invoice_type: str,
    name: str,
    payment_date: date,
    amount: Decimal,
    bank_account: str,
    counter_account: str,
    partner_id: int | None,
    receipt_type: str = rules.JOURNAL,
) -> ReceiptDraft:
    """The posting of a payment of an invoice (mark-paid, bank matching), without VAT: a sales
    invoice's payment debits the bank and credits receivables, a payable's debits payables and
    credits the bank. `amount` is in the invoice's sign and the accounting currency (a refund of a
    credit note is negative); the bank row is the REVERSING_ENTRY. Bank matching passes its own
    `receipt_type` (REFERENCE_PAYMENT, BANK_STATEMENT_AS_RECEIPT). A zero amount or one with more
    than two decimals is a programming error (the service refuses them first): ValueError."""
    side = side_of(invoice_type, payments=True)
    cents = to_minor(amount)
    if not cents:
        raise ValueError("a payment of zero is not booked")
    # Bank side: money in for sales (debit), money out for payables (credit).
    bank_cents = cents if side is vat_rules.Side.SALES else -cents
    bank = EntryDraft(
        account=bank_account,
        accounting_value=from_minor(bank_cents),
        kind=rules.REVERSING_ENTRY,
        partner_id=partner_id,
    )
    settled = EntryDraft(account=counter_account, accounting_value=from_minor(-bank_cents), partner_id=partner_id)
    return ReceiptDraft(
        type=receipt_type,
        name=name,
        receipt_date=payment_date,
        vat_type=side.value,
        vat_status=None,
        transactions=(bank, settled),
        partner_id=partner_id,
    )


def _opposite(entry: EntryDraft) -> EntryDraft:
    """The same row with every amount negated; the ledger's VAT of it is then exactly the
    negation too (`vatrows` rounds half away from zero, symmetric in the sign)."""
    return replace(
        entry,
        accounting_value=-entry.accounting_value,
        dimensions=tuple(replace(v, value=-v.value) for v in entry.dimensions),
    )


def reversal(draft: ReceiptDraft, *, name: str, reversal_date: date) -> ReceiptDraft:
    """The opposite of a receipt (an invalidation booked on `reversal_date`): the same rows, VAT
    rates and statuses with every amount negated, so it and the original sum, VAT rows included,
    to zero on every account. Its VAT belongs to the reversal date (no `vat_date` of its own);
    type, partner and notes stay the original's."""
    return replace(
        draft,
        name=name,
        receipt_date=reversal_date,
        vat_date=None,
        transactions=tuple(_opposite(entry) for entry in draft.transactions),
    )
