"""An invoice's ledger entries, checked in little ledgers: each draft is posted the way
`ledger.service` posts it — amounts rounded, the row's VAT status or the receipt's, the VAT rows
of `ledger.vatrows` added per ENTRY — and written out Beancount-style (account, amount), one
posting a line, the client's rows first, then the VAT rows. Every receipt must sum to zero."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kirjuri.core.money import from_minor, round_money, to_minor
from kirjuri.core.vat import STATUSES, Side, Treatment
from kirjuri.invoicing.entries import (
    AccountLine,
    Booked,
    RowAmount,
    SplitShare,
    group_lines,
    invoice_receipt,
    ledger_vat_by_percent,
    payment_receipt,
    reversal,
)
from kirjuri.ledger import rules
from kirjuri.ledger.rules import DimensionValue, ReceiptDraft
from kirjuri.ledger.vatrows import VatAccounts, vat_rows

D = Decimal
VAT_ACCOUNTS = VatAccounts(payable="2930", receivable="1765")
RECEIVABLES, PAYABLES, SALES, PURCHASES, BANK = "1700", "2871", "3000", "4000", "1910"
MAY_2026, JUNE_2025 = date(2026, 5, 4), date(2025, 6, 10)


# --- the little ledger --------------------------------------------------------------------------------


def postings(draft: ReceiptDraft) -> list[tuple[str, int]]:
    """(account, cents) of every posting the ledger would write for the draft."""
    draft = rules.rounded(draft)
    client: list[tuple[str, int]] = []
    vat: list[tuple[str, int]] = []
    for entry in draft.transactions:
        cents = to_minor(entry.accounting_value)
        client.append((entry.account, cents))
        status = entry.vat_status if entry.vat_status is not None else draft.vat_status
        if entry.kind == rules.ENTRY and entry.vat_percent and status is not None:
            rows = vat_rows(
                account=entry.account,
                net_minor=cents,
                side=Side(entry.vat_type or draft.vat_type),
                status=status,
                percent=entry.vat_percent,
                deduction_percent=entry.vat_deduction_percent,
                accounts=VAT_ACCOUNTS,
            )
            vat.extend((row.account, row.amount_minor) for row in rows)
    return client + vat


def ledger(draft: ReceiptDraft) -> str:
    return "\n".join(f"{account}  {from_minor(cents):>9}" for account, cents in postings(draft))


def total(draft: ReceiptDraft) -> int:
    return sum(cents for _account, cents in postings(draft))


def expected(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def row(net: str, percent: str, status: int | None = None, **more: object) -> RowAmount:
    return RowAmount(net=D(net), vat_percent=D(percent), vat_status=status, **more)  # type: ignore[arg-type]


def book(
    rows: Sequence[RowAmount],
    *,
    invoice_type: str = "SALES_INVOICE",
    gross: str,
    vat_status: int | None = 1,
    accounts: dict[int, str] | None = None,
    day: date = MAY_2026,
) -> Booked:
    sales = invoice_type == "SALES_INVOICE"
    lines = group_lines(
        rows,
        default_account=SALES if sales else PURCHASES,
        accounting_by_row=accounts is not None,
        row_accounts=accounts or {},
        default_vat_status=vat_status,
    )
    return invoice_receipt(
        invoice_type=invoice_type,
        name="Invoice 1001",
        invoice_date=day,
        vat_status=vat_status,
        lines=lines,
        counter_account=RECEIVABLES if sales else PAYABLES,
        partner_id=7,
        total_gross=D(gross),
    )


# --- invoices, one little ledger each -----------------------------------------------------------------

# (case, rows, invoice type, invoice VAT status, product accounts (accountingByRow), total gross,
#  the ledger, ledger VAT, invoice VAT)
INVOICES = [
    (
        # 1187.50 + 12.34 at 25.5 % is one entry: VAT round(1199.84 × 0.255 = 305.9592) = 305.96,
        # the invoice's per-rate VAT; 40.00 at 13.5 % → 5.40. Gross 1551.20.
        "sales, two rates",
        [row("1187.50", "25.5"), row("12.34", "25.5"), row("40.00", "13.5")],
        "SALES_INVOICE", 1, None, "1551.20",
        """
        1700    1551.20
        3000   -1199.84
        3000     -40.00
        2930    -305.96
        2930      -5.40
        """,
        "311.36", "311.36",
    ),
    (
        # A supplier's invoice of 2025 (the reduced rate was 14 %): costs debit, input VAT debit.
        "purchase, two rates",
        [row("500.00", "25.5"), row("80.00", "14")],
        "PURCHASE_INVOICE", 1, None, "718.70",
        """
        2871    -718.70
        4000     500.00
        4000      80.00
        1765     127.50
        1765      11.20
        """,
        "138.70", "138.70",
    ),
    (
        # A credit note: every sign flips; the half cent rounds away from zero
        # (−1188.50 × 0.255 = −303.0675 → −303.07).
        "credit note",
        [row("-1187.50", "25.5"), row("-1.00", "25.5")],
        "SALES_INVOICE", 1, None, "-1491.57",
        """
        1700   -1491.57
        3000    1188.50
        2930     303.07
        """,
        "-303.07", "-303.07",
    ),
    (
        # accountingByRow, three products on three accounts at one rate: the ledger taxes each
        # 10.02 × 0.255 = 2.5551 → 2.56, together 7.68; the invoice taxes 30.06 × 0.255 = 7.6653
        # → 7.67. The receivable follows the ledger (37.74, not 37.73) and the cent is reported.
        "accounting by row, the ledger rounds up",
        [row("10.02", "25.5"), row("10.02", "25.5"), row("10.02", "25.5")],
        "SALES_INVOICE", 1, {0: "3000", 1: "3010", 2: "3020"}, "37.73",
        """
        1700      37.74
        3000     -10.02
        3010     -10.02
        3020     -10.02
        2930      -2.56
        2930      -2.56
        2930      -2.56
        """,
        "7.68", "7.67",
    ),
    (
        # The same rows on one product account are one entry: no difference.
        "accounting by row, one account per rate",
        [row("10.02", "25.5"), row("10.02", "25.5"), row("10.02", "25.5")],
        "SALES_INVOICE", 1, {0: "3010", 1: "3010", 2: "3010"}, "37.73",
        """
        1700      37.73
        3010     -30.06
        2930      -7.67
        """,
        "7.67", "7.67",
    ),
    (
        # Purchase by row, rounding down: 10.01 × 0.255 = 2.55255 → 2.55 each, 7.65; the supplier's
        # 30.03 × 0.255 = 7.65765 → 7.66. The payable follows the ledger and −1 cent is reported.
        "accounting by row, the ledger rounds down",
        [row("10.01", "25.5"), row("10.01", "25.5"), row("10.01", "25.5")],
        "PURCHASE_INVOICE", 1, {0: "4000", 1: "4010", 2: "4020"}, "37.69",
        """
        2871     -37.68
        4000      10.01
        4010      10.01
        4020      10.01
        1765       2.55
        1765       2.55
        1765       2.55
        """,
        "7.65", "7.66",
    ),
    (
        # Intra-EU services bought: the supplier charges no VAT; the buyer self-assesses output and
        # input tax, which cancel out.
        "purchase, reverse charge",
        [row("1000.00", "25.5", status=4)],
        "PURCHASE_INVOICE", 4, None, "1000.00",
        """
        2871   -1000.00
        4000    1000.00
        2930    -255.00
        1765     255.00
        """,
        "0.00", "0.00",
    ),
    (
        # Non-deductible purchase: the tax is a cost on the row's own account.
        "purchase, non-deductible",
        [row("100.00", "25.5", status=9)],
        "PURCHASE_INVOICE", 9, None, "125.50",
        """
        2871    -125.50
        4000     100.00
        4000      25.50
        """,
        "25.50", "25.50",
    ),
    (
        # A travel claim has no VAT status: the hotel's taxed row is domestic, the per diem has none.
        "travel claim without a VAT status",
        [row("100.00", "14"), row("51.00", "0")],
        "TRAVEL_INVOICE", None, None, "165.00",
        """
        2871    -165.00
        4000     100.00
        4000      51.00
        1765      14.00
        """,
        "14.00", "14.00",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "invoice_type", "status", "accounts", "gross", "posted", "ledger_vat", "invoice_vat"),
    [pytest.param(*case[1:], id=case[0]) for case in INVOICES],
)
def test_invoice_receipt(  # noqa: PLR0917 - one parameter per table column
    rows: list[RowAmount],
    invoice_type: str,
    status: int | None,
    accounts: dict[int, str] | None,
    gross: str,
    posted: str,
    ledger_vat: str,
    invoice_vat: str,
) -> None:
    booked = book(rows, invoice_type=invoice_type, gross=gross, vat_status=status, accounts=accounts,
                  day=JUNE_2025 if "14" in {str(r.vat_percent) for r in rows} else MAY_2026)  # fmt: skip
    assert ledger(booked.draft) == expected(posted)
    assert total(booked.draft) == 0
    assert (booked.ledger_vat, booked.invoice_vat) == (D(ledger_vat), D(invoice_vat))
    assert booked.difference == D(ledger_vat) - D(invoice_vat)
    assert rules.check_receipt_shape(booked.draft) == []


def test_receipt_header_and_counter_entry() -> None:
    draft = book([row("1187.50", "25.5"), row("40.00", "13.5")], gross="1535.71").draft
    assert (draft.type, draft.name, draft.receipt_date, draft.vat_type, draft.vat_status, draft.partner_id) == (
        "SALES_INVOICE", "Invoice 1001", MAY_2026, "SALES", 1, 7,
    )  # fmt: skip
    counter, *entries = draft.transactions
    # The counter entry is the one balance-sheet row: first, REVERSING_ENTRY, no VAT.
    assert (counter.kind, counter.account, counter.accounting_value) == (rules.REVERSING_ENTRY, "1700", D("1535.71"))
    assert (counter.vat_percent, counter.vat_status) == (D(0), None)
    assert [(e.kind, e.vat_percent, e.vat_status, e.partner_id) for e in entries] == [
        (rules.ENTRY, D("25.5"), 1, 7),
        (rules.ENTRY, D("13.5"), 1, 7),
    ]
    purchase = book([row("500.00", "25.5")], invoice_type="PURCHASE_INVOICE", gross="627.50").draft
    assert (purchase.type, purchase.vat_type) == ("PURCHASE_INVOICE", "PURCHASE")


def test_travel_rows_get_the_domestic_status_only_when_taxed() -> None:
    draft = book([row("100.00", "14"), row("51.00", "0")], invoice_type="TRAVEL_INVOICE", gross="165.00",
                 vat_status=None, day=JUNE_2025).draft  # fmt: skip
    assert draft.vat_status is None
    assert [e.vat_status for e in draft.transactions] == [None, 1, None]


def test_ledger_vat_by_percent() -> None:
    lines = group_lines(
        [row("10.02", "25.5"), row("10.02", "25.5"), row("10.02", "25.5"), row("40.00", "13.5")],
        default_account=SALES,
        accounting_by_row=True,
        row_accounts={0: "3000", 1: "3010", 2: "3020"},
    )
    by_percent = ledger_vat_by_percent(lines, invoice_type="SALES_INVOICE", vat_status=1)
    assert by_percent == {D("25.5"): D("7.68"), D("13.5"): D("5.40")}
    # The invoice's sign on both sides, and self-assessed VAT is zero.
    credit = [AccountLine("4000", D("-100.00"), D("25.5"), 1), AccountLine("4000", D("100.00"), D("13.5"), 4)]
    assert ledger_vat_by_percent(credit, invoice_type="PURCHASE_INVOICE", vat_status=1) == {
        D("25.5"): D("-25.50"),
        D("13.5"): D("0.00"),
    }


def test_dimension_split_carried_with_the_sign() -> None:
    split = (SplitShare(1, 10, D(60)), SplitShare(1, 11, D(40)), SplitShare(2, 20, D(100)))
    draft = book([row("100.01", "25.5", split=split)], gross="125.51").draft
    entry = draft.transactions[1]
    # 100.01 × 60 % = 60.006: the largest remainder takes the odd cent, each dimension sums exactly.
    assert entry.dimensions == (
        DimensionValue(1, 10, D("-60.01")),
        DimensionValue(1, 11, D("-40.00")),
        DimensionValue(2, 20, D("-100.01")),
    )
    errors, _split = rules.check_dimensions(
        "transactions[1]", to_minor(entry.accounting_value), entry.dimensions, {1: {10, 11}, 2: {20}}
    )
    assert errors == []
    assert total(draft) == 0


def test_unknown_types_and_sub_cent_amounts_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="not booked"):
        book([row("1.00", "0")], invoice_type="SALES_ORDER", gross="1.00")
    with pytest.raises(ValueError, match="decimals"):
        book([row("1.005", "0")], gross="1.01")
    with pytest.raises(ValueError, match="decimals"):
        book([row("1.00", "0")], gross="1.001")


# --- grouping -----------------------------------------------------------------------------------------

SPLIT_A = (SplitShare(1, 10, D(50)), SplitShare(1, 11, D(50)))
SPLIT_A_REORDERED = (SplitShare(1, 11, D("50.00")), SplitShare(1, 10, D(50)))
SPLIT_B = (SplitShare(1, 10, D(100)),)

# (case, rows, accountingByRow, row accounts, expected (account, net, percent, status, description))
GROUPS = [
    ("without accountingByRow the product accounts are not used",
     [row("10.00", "25.5"), row("5.00", "25.5"), row("3.00", "13.5")], False, {0: "3010", 1: "3020"},
     [("3000", "15.00", "25.5", 1, None), ("3000", "3.00", "13.5", 1, None)]),
    ("by row: one line per account and rate, in the order they first appear",
     [row("10.00", "25.5"), row("5.00", "13.5"), row("2.00", "25.5"), row("1.00", "25.5")], True,
     {0: "3010", 1: "3010", 2: "3020"},
     [("3010", "10.00", "25.5", 1, None), ("3010", "5.00", "13.5", 1, None),
      ("3020", "2.00", "25.5", 1, None), ("3000", "1.00", "25.5", 1, None)]),
    ("a row's own VAT status is a group of its own",
     [row("10.00", "0", status=8), row("5.00", "0"), row("1.00", "0", status=1)], False, {},
     [("3000", "10.00", "0", 8, None), ("3000", "6.00", "0", 1, None)]),
    ("rows that cancel out are left out",
     [row("10.00", "25.5"), row("-10.00", "25.5"), row("4.00", "13.5")], False, {},
     [("3000", "4.00", "13.5", 1, None)]),
    ("a shared description stays",
     [row("10.00", "25.5", description="Consulting"), row("5.00", "25.5", description="Consulting"),
      row("1.00", "13.5", description="Book"), row("2.00", "13.5", description="Pen")], False, {},
     [("3000", "15.00", "25.5", 1, "Consulting"), ("3000", "3.00", "13.5", 1, None)]),
    ("a 25.50 is a 25.5",
     [row("10.00", "25.5"), row("5.00", "25.50")], False, {}, [("3000", "15.00", "25.5", 1, None)]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "by_row", "accounts", "lines"), [pytest.param(*case[1:], id=case[0]) for case in GROUPS]
)
def test_group_lines(
    rows: list[RowAmount],
    by_row: bool,
    accounts: dict[int, str],
    lines: list[tuple[str, str, str, int, str | None]],
) -> None:
    grouped = group_lines(
        rows, default_account=SALES, accounting_by_row=by_row, row_accounts=accounts, default_vat_status=1
    )
    assert [(g.account, g.net, g.vat_percent, g.vat_status, g.description) for g in grouped] == [
        (account, D(net), D(percent), status, description) for account, net, percent, status, description in lines
    ]


def test_group_lines_by_split() -> None:
    rows = [row("10.00", "25.5", split=SPLIT_A), row("5.01", "25.5", split=SPLIT_A_REORDERED),
            row("2.00", "25.5", split=SPLIT_B), row("1.00", "25.5")]  # fmt: skip
    grouped = group_lines(rows, default_account=SALES, accounting_by_row=False, row_accounts={})
    assert [(g.net, g.dimensions) for g in grouped] == [
        (D("15.01"), (DimensionValue(1, 10, D("7.51")), DimensionValue(1, 11, D("7.50")))),
        (D("2.00"), (DimensionValue(1, 10, D("2.00")),)),
        (D("1.00"), ()),
    ]
    # No default status given: the rows' own, or none for untaxed rows, domestic for taxed ones.
    assert [g.vat_status for g in grouped] == [1, 1, 1]


@pytest.mark.parametrize(
    "split",
    [
        (SplitShare(1, 10, D(60)),),  # not whole
        (SplitShare(1, 10, D(50)), SplitShare(1, 10, D(50))),  # the same item twice
        (SplitShare(1, 10, D(0)), SplitShare(1, 11, D(100))),  # a zero share
        (SplitShare(1, 10, D("33.33333")), SplitShare(1, 11, D("66.66667"))),  # five decimals
    ],
)
def test_group_lines_refuses_broken_splits(split: tuple[SplitShare, ...]) -> None:
    with pytest.raises(ValueError, match="split"):
        group_lines([row("1.00", "0", split=split)], default_account=SALES, accounting_by_row=False, row_accounts={})


# --- payments -----------------------------------------------------------------------------------------

# (case, invoice type, amount, ledger)
PAYMENTS = [
    ("sales invoice paid", "SALES_INVOICE", "1551.20", """
        1910    1551.20
        1700   -1551.20
        """),
    ("purchase invoice paid", "PURCHASE_INVOICE", "718.70", """
        1910    -718.70
        2871     718.70
        """),
    ("credit note refunded", "SALES_INVOICE", "-1491.57", """
        1910   -1491.57
        1700    1491.57
        """),
    ("partial payment of a travel claim", "TRAVEL_INVOICE", "0.01", """
        1910      -0.01
        2871       0.01
        """),
    ("salary marked paid", "SALARY", "2500.00", """
        1910   -2500.00
        2871    2500.00
        """),
]  # fmt: skip


@pytest.mark.parametrize(("invoice_type", "amount", "posted"), [pytest.param(*c[1:], id=c[0]) for c in PAYMENTS])
def test_payment_receipt(invoice_type: str, amount: str, posted: str) -> None:
    counter = RECEIVABLES if invoice_type == "SALES_INVOICE" else PAYABLES
    draft = payment_receipt(invoice_type=invoice_type, name="Payment", payment_date=date(2026, 5, 20),
                            amount=D(amount), bank_account=BANK, counter_account=counter, partner_id=7)  # fmt: skip
    assert ledger(draft) == expected(posted)
    assert total(draft) == 0
    assert rules.check_receipt_shape(draft) == []
    assert (draft.type, draft.vat_status, draft.partner_id) == (rules.JOURNAL, None, 7)
    assert all(e.vat_percent == 0 and e.vat_status is None for e in draft.transactions)
    assert [e.kind for e in draft.transactions] == [rules.REVERSING_ENTRY, rules.ENTRY]


def test_payment_receipt_type_and_refusals() -> None:
    common = {"name": "Payment", "payment_date": date(2026, 5, 20), "bank_account": BANK,
              "counter_account": RECEIVABLES, "partner_id": None}  # fmt: skip
    draft = payment_receipt(invoice_type="SALES_INVOICE", amount=D(1), receipt_type="REFERENCE_PAYMENT", **common)  # type: ignore[arg-type]
    assert (draft.type, draft.vat_type) == ("REFERENCE_PAYMENT", "SALES")
    for invoice_type, amount in (("SALES_INVOICE", "0"), ("SALES_INVOICE", "0.001"), ("SALES_ORDER", "1")):
        with pytest.raises(ValueError):
            payment_receipt(invoice_type=invoice_type, amount=D(amount), **common)  # type: ignore[arg-type]


# --- reversals ----------------------------------------------------------------------------------------


def _drafts() -> list[ReceiptDraft]:
    invoices = [
        book(case[1], invoice_type=case[2], gross=case[5], vat_status=case[3], accounts=case[4]).draft  # type: ignore[arg-type]
        for case in INVOICES
    ]
    payment = payment_receipt(invoice_type="SALES_INVOICE", name="P", payment_date=MAY_2026, amount=D("10.00"),
                              bank_account=BANK, counter_account=RECEIVABLES, partner_id=None)  # fmt: skip
    journal = ReceiptDraft(
        type=rules.JOURNAL, name="J", receipt_date=MAY_2026, vat_type="PURCHASE", vat_status=1, vat_date=MAY_2026,
        transactions=(
            rules.EntryDraft("1910", D("-12.345"), kind=rules.REVERSING_ENTRY),
            rules.EntryDraft("4000", D("9.835"), vat_percent=D("25.5"), vat_deduction_percent=D(50),
                             dimensions=(DimensionValue(1, 10, D("9.835")),)),
            rules.EntryDraft("8990", D("0.01"), kind=rules.RECONCILIATION_ENTRY),
        ),
    )  # fmt: skip
    return [*invoices, payment, journal]


@pytest.mark.parametrize("draft", _drafts(), ids=lambda d: f"{d.type}:{d.transactions[0].accounting_value}")
def test_reversal_is_the_negation(draft: ReceiptDraft) -> None:
    reversed_ = reversal(draft, name="Invalidated", reversal_date=date(2026, 6, 1))
    assert postings(reversed_) == [(account, -cents) for account, cents in postings(draft)]
    assert total(reversed_) == -total(draft)
    assert (reversed_.name, reversed_.receipt_date, reversed_.vat_date) == ("Invalidated", date(2026, 6, 1), None)
    assert (reversed_.type, reversed_.vat_type, reversed_.vat_status) == (draft.type, draft.vat_type, draft.vat_status)
    assert [(e.kind, e.vat_percent, e.vat_status) for e in reversed_.transactions] == [
        (e.kind, e.vat_percent, e.vat_status) for e in draft.transactions
    ]
    assert [v.value for e in reversed_.transactions for v in e.dimensions] == [
        -v.value for e in draft.transactions for v in e.dimensions
    ]


# --- the property -------------------------------------------------------------------------------------

RATES = [D("25.5"), D(14), D("13.5"), D(10), D(0)]
STATUSES_BY_SIDE = {"SALES_INVOICE": [1], "PURCHASE_INVOICE": [1, 4, 9], "BILL_OF_CHARGES": [1, 9]}
SPLITS = [(), SPLIT_A, SPLIT_B, (SplitShare(1, 10, D("33.3333")), SplitShare(1, 11, D("66.6667")))]

invoice_rows = st.lists(
    st.tuples(
        st.decimals(min_value=-100, max_value=100, places=3),  # quantity
        st.decimals(min_value=-5000, max_value=5000, places=4),  # unit price
        st.sampled_from(RATES),
        st.sampled_from(["3000", "3010", "3020"]),  # the product's account
        st.integers(min_value=0, max_value=2),  # which of the type's statuses
        st.sampled_from(SPLITS),
    ),
    min_size=1,
    max_size=12,
)


def _invoice_vat(rows: Sequence[RowAmount], invoice_type: str) -> Decimal:
    """The invoice's VAT as `invoicing.sums` states it: per rate on the sum of the nets, none for
    self-assessed rows (the supplier charges none)."""
    side = Side.SALES if invoice_type == "SALES_INVOICE" else Side.PURCHASE
    nets: dict[Decimal, Decimal] = {}
    for r in rows:
        assert r.vat_status is not None
        if STATUSES[r.vat_status].treatment(side) is not Treatment.SELF_ASSESSED:
            nets[r.vat_percent] = nets.get(r.vat_percent, D(0)) + r.net
    return sum((round_money(net * rate / 100) for rate, net in nets.items()), D(0))


@settings(max_examples=300, deadline=None)
@given(
    invoice_rows,
    st.sampled_from(sorted(STATUSES_BY_SIDE)),
    st.booleans(),
)
def test_any_invoice_balances_with_the_ledgers_vat(
    raw: list[tuple[Decimal, Decimal, Decimal, str, int, tuple[SplitShare, ...]]], invoice_type: str, by_row: bool
) -> None:
    statuses = STATUSES_BY_SIDE[invoice_type]
    rows = [
        row(str(round_money(quantity * price)), str(rate), status=statuses[pick % len(statuses)], split=split)
        for quantity, price, rate, _account, pick, split in raw
    ]
    invoice_vat = _invoice_vat(rows, invoice_type)
    gross = sum((r.net for r in rows), D(0)) + invoice_vat
    accounts = {i: account for i, (*_r, account, _pick, _split) in enumerate(raw)} if by_row else None
    booked = book(rows, invoice_type=invoice_type, gross=str(gross), vat_status=None, accounts=accounts)
    draft = booked.draft

    assert total(draft) == 0
    assert rules.check_receipt_shape(draft) == []
    assert booked.invoice_vat == invoice_vat
    counter = draft.transactions[0].accounting_value
    sign = 1 if invoice_type == "SALES_INVOICE" else -1
    # The counter entry is the invoice's gross plus the reported difference, never anything else.
    assert counter == sign * (gross + booked.difference)
    side = Side(draft.vat_type)
    taxed = [
        e.vat_percent
        for e in draft.transactions[1:]
        if e.vat_status is not None and STATUSES[e.vat_status].treatment(side) is not Treatment.SELF_ASSESSED
    ]
    if len(set(taxed)) == len(taxed):
        # One entry per rate (always so with one account and no statuses or splits apart): the
        # ledger's VAT and the invoice's are one computation.
        assert booked.difference == 0
    for i, entry in enumerate(draft.transactions):
        errors, _split = rules.check_dimensions(
            rules.entry_path(i), to_minor(entry.accounting_value), entry.dimensions, {1: {10, 11}}
        )
        assert errors == []
    assert total(reversal(draft, name="R", reversal_date=MAY_2026)) == 0
