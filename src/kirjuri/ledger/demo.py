"""Demo books of a sandbox company: two fiscal years, two dimensions, and a year and a bit of
realistic journal receipts of a small Finnish company ("Demo Oy": goods and services, three
employees, rented premises, a machine bought with a bank loan).

What `seed_ledger` leaves behind (about 150 receipts; the current year's depend on today):
- the previous and the current calendar year with monthly periods; the previous year holds a full
  year of receipts, all APPROVED except one invalidated duplicate, and is CLOSED with
  `closing.close_year` (so the current year starts with the opening receipt, number 1);
- the current year's receipts up to today, APPROVED except the latest few, left UNFINISHED;
- dimensions "Kustannuspaikka" (Myynti, Hallinto, Tuotanto) and "Projekti" (three projects and one
  inactive old one), with splits on sales, purchases, rent and wages.

Each month: two sales invoices on receivables (goods at the general rate; services split over
projects, to an EU customer at 0 % every third month), a purchase invoice on payables, the payroll
(withholding, the employees' and the employer's insurance contributions), the month's bank
statement (cash sales at the reduced rate, rent, one occasional cost — EU software under reverse
charge, a customer lunch whose VAT is not deductible, train tickets, accounting services — bank
charges, customer and supplier payments, last month's payroll dues and VAT, the loan each
quarter), quarterly depreciation, and the VAT settlement moving the month's output and input VAT
onto the VAT_SETTLEMENT account. VAT percentages come from `core.vat` by the receipt date (25.5 %
and 14 % in 2025, 25.5 % and 13.5 % from 2026).

Every receipt goes through `service.create_receipt` — so the demo obeys the same rules (balance to
the cent, VAT rows by `ledger.vatrows`, writable periods, balances) as an integrator's data — and
the invalidation through `service.transition`. Receipts are created directly in their final
status (`status=APPROVED`) rather than created and then approved: an approval re-reads and
re-books every posting, which would double the seconds a new sandbox takes.

Why the years are remade. Every new company already has the calendar year of today, and
`fiscal.create_year` only appends a year after the latest one (years stay contiguous) — a year
before it cannot be added. A brand-new sandbox's only year is empty, so the seeder removes that
year and its periods and creates [previous year, this year] in order; it does so only when the
company has no receipt and exactly that one year, and otherwise seeds no ledger data at all —
it never deletes anything that could carry a posting.

Invariant: the seeder only flushes (the sandbox's transaction commits); each receipt balances by
construction — its counter row takes the VAT rows computed by `vatrows.vat_rows`, the server's rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core import vat as vat_rules
from kirjuri.core.money import from_minor
from kirjuri.ledger import chart, closing, dimensions, fiscal, rules, service, vatrows
from kirjuri.ledger.models import FiscalYear, LedgerBalance, LedgerReceipt, TrackingPeriod

# Accounts of the default chart the demo posts on (the tests check each exists and is active).
BANK = chart.by_role(chart.Role.BANK).code  # 1910
RECEIVABLES = chart.by_role(chart.Role.RECEIVABLES).code  # 1700
PAYABLES = chart.by_role(chart.Role.PAYABLES).code  # 2871
VAT_PAYABLE = chart.by_role(chart.Role.VAT_PAYABLE).code  # 2930
VAT_RECEIVABLE = chart.by_role(chart.Role.VAT_RECEIVABLE).code  # 1765
VAT_SETTLEMENT = chart.by_role(chart.Role.VAT_SETTLEMENT).code  # 2939
SALES = chart.by_role(chart.Role.SALES).code  # 3000
PURCHASES = chart.by_role(chart.Role.PURCHASES).code  # 4000
SHARE_CAPITAL = "2000"
INVESTED_EQUITY = "2060"  # sijoitetun vapaan oman pääoman rahasto
BANK_LOAN = "2630"
MACHINERY = "1160"
SERVICE_SALES = "3010"
REDUCED_SALES = "3100"
EU_SERVICE_SALES = "3355"
SUBCONTRACTING = "4450"
WAGES = "5000"
PENSION = "6100"
HEALTH_INSURANCE = "6300"
UNEMPLOYMENT = "6400"
DEPRECIATION = "6800"
RENT = "7200"
SOFTWARE = "7400"
TRAVEL_TICKETS = "7810"
ENTERTAINMENT = "7950"
ACCOUNTING_SERVICES = "8460"
BANK_CHARGES = "8530"
INTEREST = "9600"
WITHHOLDING_DUE = "2910"
HEALTH_INSURANCE_DUE = "2920"
PENSION_DUE = "2925"
UNEMPLOYMENT_DUE = "2926"
ACCOUNTS = (
    BANK, RECEIVABLES, PAYABLES, VAT_PAYABLE, VAT_RECEIVABLE, VAT_SETTLEMENT, SALES, PURCHASES, SHARE_CAPITAL,
    INVESTED_EQUITY, BANK_LOAN, MACHINERY, SERVICE_SALES, REDUCED_SALES, EU_SERVICE_SALES, SUBCONTRACTING, WAGES,
    PENSION, HEALTH_INSURANCE, UNEMPLOYMENT, DEPRECIATION, RENT, SOFTWARE, TRAVEL_TICKETS, ENTERTAINMENT,
    ACCOUNTING_SERVICES, BANK_CHARGES, INTEREST, WITHHOLDING_DUE, HEALTH_INSURANCE_DUE, PENSION_DUE,
    UNEMPLOYMENT_DUE,
)  # fmt: skip

COST_CENTRES = "Kustannuspaikka"
PROJECTS = "Projekti"
COST_CENTRE_ITEMS = (("Myynti", "Myynti ja markkinointi"), ("Hallinto", "Hallinto"), ("Tuotanto", "Tuotanto"))
PROJECT_ITEMS = (("P100", "Verkkokauppauudistus"), ("P200", "Tampereen toimipiste"), ("P300", "Asiakasportaali"))
OLD_PROJECT = ("P050", "Vanha varastoprojekti (päättynyt)")

# Monthly gross wages of the three employees by cost centre (cents), and the payroll percentages.
SALARIES = (("Myynti", 385_000), ("Hallinto", 420_000), ("Tuotanto", 345_000))
WITHHOLDING_PERCENT = Decimal("21.5")
PENSION_EMPLOYEE_PERCENT = Decimal("7.15")
UNEMPLOYMENT_EMPLOYEE_PERCENT = Decimal("0.59")
PENSION_EMPLOYER_PERCENT = Decimal("17.34")
HEALTH_INSURANCE_PERCENT = Decimal("1.16")
UNEMPLOYMENT_EMPLOYER_PERCENT = Decimal("0.20")

SHARE_CAPITAL_PAID = 250_000
INVESTED_EQUITY_PAID = 4_750_000
MACHINE_NET = 2_400_000  # bought in February of the previous year; five years straight line
LOAN = 6_000_000
LOAN_INSTALMENT = 300_000  # per quarter
LOAN_INTEREST_PERCENT = Decimal("4.5")  # a year
RENT_NET = 180_000
UNFINISHED_AT_END = 3  # the current year's latest receipts are left for the user to approve
SEED = 2604  # the demo's amounts are the same every time (its dates follow today)

Part = tuple[str, str, int]  # (dimension name, item code, weight)
Builder = Callable[[], rules.ReceiptDraft | None]


def _percent(cents: int, percent: Decimal) -> int:
    return vatrows.tax_of(cents, percent)  # the same half-up rule as the VAT rows


@dataclass(slots=True)
class _State:
    """What earlier receipts left to be paid later (cents, positive)."""

    receivables: list[tuple[date, int]] = field(default_factory=list)
    payables: list[tuple[date, int]] = field(default_factory=list)
    payroll_dues: dict[date, dict[str, int]] = field(default_factory=dict)  # month → {liability account: cents}
    vat_to_pay: dict[date, int] = field(default_factory=dict)  # month → settled VAT (negative: a refund)
    loan_left: int = LOAN


class _Books:
    """Plans receipts month by month and posts them in date order."""

    def __init__(self, session: Session, *, company_id: int, user_id: int, dims: dict[str, int]) -> None:
        self.session = session
        self.company_id = company_id
        self.user_id = user_id
        self.dims = dims  # "Kustannuspaikka" → dimension id, "Kustannuspaikka/Myynti" → item id
        self.state = _State()
        self.random = random.Random(SEED)  # noqa: S311 - demo amounts, not secrets
        self.invoice_no = 1000
        self.purchase_no = 5000

    # --- building blocks --------------------------------------------------------------------------

    def amount(self, low: int, high: int) -> int:
        """Cents between `low` and `high` euros, in steps of five cents."""
        return self.random.randint(low * 100, high * 100) // 5 * 5

    def split(self, cents: int, parts: list[Part]) -> tuple[rules.DimensionValue, ...]:
        """`cents` over items by weight, exactly per dimension."""
        out: list[rules.DimensionValue] = []
        for dimension in dict.fromkeys(d for d, _code, _w in parts):
            mine = [(code, weight) for d, code, weight in parts if d == dimension]
            shares = rules.allocate(cents, [weight for _code, weight in mine])
            out.extend(
                rules.DimensionValue(self.dims[dimension], self.dims[f"{dimension}/{code}"], from_minor(share))
                for (code, _w), share in zip(mine, shares, strict=True)
            )
        return tuple(out)

    def row(
        self,
        account: str,
        cents: int,
        text: str,
        *,
        parts: list[Part] | None = None,
        vat: tuple[vat_rules.Side, int, Decimal] | None = None,
    ) -> tuple[rules.EntryDraft, int]:
        """One transaction (debit +, credit −), with VAT (side, status, percent) when given;
        returns it and what it adds to the receipt with the server's VAT rows."""
        side, status, percent = vat if vat is not None else (None, None, vat_rules.ZERO)
        entry = rules.EntryDraft(
            account=account,
            accounting_value=from_minor(cents),
            vat_percent=percent,
            vat_status=status,
            vat_type=side.value if side else None,
            description=text,
            dimensions=self.split(cents, parts) if parts else (),
        )
        effect = cents
        if side is not None and status is not None:
            vat_rows = vatrows.vat_rows(
                account=account,
                net_minor=cents,
                side=side,
                status=status,
                percent=percent,
                deduction_percent=None,
                accounts=vatrows.VatAccounts(payable=VAT_PAYABLE, receivable=VAT_RECEIVABLE),
            )
            effect += sum(vat_row.amount_minor for vat_row in vat_rows)
        return entry, effect

    @staticmethod
    def receipt(
        name: str,
        day: date,
        rows: list[tuple[rules.EntryDraft, int]],
        *,
        counter: str | None = None,
        side: vat_rules.Side = vat_rules.Side.PURCHASE,
    ) -> tuple[rules.ReceiptDraft, int]:
        """A journal of `rows` and, when `counter` is given, the row on it that balances them;
        returns the draft and the counter row's cents. VAT sits on the rows, never on the receipt,
        so rows without VAT carry no VAT status into the VAT return."""
        counter_cents = -sum(effect for _entry, effect in rows)
        entries = [entry for entry, _effect in rows]
        if counter is not None and counter_cents:
            entries.append(
                rules.EntryDraft(account=counter, accounting_value=from_minor(counter_cents), description=name)
            )
        draft = rules.ReceiptDraft(
            type=rules.JOURNAL,
            name=name,
            receipt_date=day,
            vat_type=side.value,
            vat_status=None,
            transactions=tuple(entries),
        )
        return draft, counter_cents

    def plain(self, name: str, day: date, rows: list[tuple[str, int]]) -> rules.ReceiptDraft:
        """A receipt without VAT: (account, cents) rows that sum to zero."""
        return self.receipt(name, day, [self.row(account, cents, name) for account, cents in rows if cents])[0]

    # --- the month's receipts ---------------------------------------------------------------------

    def plan_month(self, first: date, last: date, *, first_year: bool) -> list[tuple[date, Builder]]:
        """Builders of one month's receipts dated inside [first, last], in posting order per day."""
        y, m = first.year, first.month
        end = rules.month_end(first)
        plan: list[tuple[date, Builder]] = []

        def at(day: date, builder: Builder) -> None:
            if first <= day <= last:
                plan.append((day, builder))

        if first_year and m == 1:
            capital = [
                (BANK, SHARE_CAPITAL_PAID + INVESTED_EQUITY_PAID),
                (SHARE_CAPITAL, -SHARE_CAPITAL_PAID),
                (INVESTED_EQUITY, -INVESTED_EQUITY_PAID),
            ]
            at(date(y, 1, 2), lambda: self.plain("Osakepääoman ja SVOP-sijoituksen maksu", date(y, 1, 2), capital))
            at(
                date(y, 1, 3),
                lambda: self.plain("Pankkilainan nosto", date(y, 1, 3), [(BANK, LOAN), (BANK_LOAN, -LOAN)]),
            )
        if first_year and m == 2:
            at(date(y, 2, 10), self._machine(date(y, 2, 10)))
        at(date(y, m, 5), self._goods_sale(date(y, m, 5)))
        at(date(y, m, 9), self._purchase(date(y, m, 9)))
        at(date(y, m, 14), self._service_sale(date(y, m, 14)))
        at(date(y, m, 25), self._payroll(date(y, m, 25)))
        at(end, self._bank_statement(end))
        if m % 3 == 0:
            at(end, self._depreciation(end))
        at(end, self._settle_vat(end))
        return plan

    def _machine(self, day: date) -> Builder:
        def build() -> rules.ReceiptDraft:
            percent = vat_rules.rates_on(day)[vat_rules.RateClass.GENERAL]
            machine = self.row(
                MACHINERY, MACHINE_NET, "CNC-jyrsin", vat=(vat_rules.Side.PURCHASE, vat_rules.DOMESTIC, percent)
            )
            return self.receipt("Tuotantokoneen hankinta", day, [machine], counter=BANK)[0]

        return build

    def _sales_invoice(self, day: date, sale: tuple[rules.EntryDraft, int]) -> rules.ReceiptDraft:
        """The invoice receipt of one sales row, on receivables (remembered for the payments)."""
        draft, gross = self.receipt(
            f"Myyntilasku {self.invoice_no}", day, [sale], counter=RECEIVABLES, side=vat_rules.Side.SALES
        )
        self.state.receivables.append((day, gross))
        return draft

    def _goods_sale(self, day: date) -> Builder:
        def build() -> rules.ReceiptDraft:
            self.invoice_no += 1
            percent = vat_rules.rates_on(day)[vat_rules.RateClass.GENERAL]
            sale = self.row(
                SALES,
                -self.amount(9_000, 16_000),
                "Tuotemyynti",
                parts=[(COST_CENTRES, "Myynti", 1)],
                vat=(vat_rules.Side.SALES, vat_rules.DOMESTIC, percent),
            )
            return self._sales_invoice(day, sale)

        return build

    def _service_sale(self, day: date) -> Builder:
        """Consulting split over projects; every third month to an EU customer (0 %, status 4)."""

        def build() -> rules.ReceiptDraft:
            self.invoice_no += 1
            parts = [(COST_CENTRES, "Myynti", 1), (PROJECTS, "P100", 2), (PROJECTS, "P300", 1)]
            net = -self.amount(6_000, 12_000)
            if day.month % 3 == 2:
                sale = self.row(
                    EU_SERVICE_SALES,
                    net,
                    "Konsultointi, Ruotsi",
                    parts=parts,
                    vat=(vat_rules.Side.SALES, vat_rules.EU_SERVICES, vat_rules.ZERO),
                )
            else:
                percent = vat_rules.rates_on(day)[vat_rules.RateClass.GENERAL]
                sale = self.row(
                    SERVICE_SALES,
                    net,
                    "Konsultointipalvelut",
                    parts=parts,
                    vat=(vat_rules.Side.SALES, vat_rules.DOMESTIC, percent),
                )
            return self._sales_invoice(day, sale)

        return build

    def _purchase(self, day: date) -> Builder:
        """Materials and subcontracting by turns, on payables."""

        def build() -> rules.ReceiptDraft:
            self.purchase_no += 1
            percent = vat_rules.rates_on(day)[vat_rules.RateClass.GENERAL]
            vat = (vat_rules.Side.PURCHASE, vat_rules.DOMESTIC, percent)
            if day.month % 2:
                cost = self.row(
                    PURCHASES, self.amount(1_500, 4_500), "Raaka-aineet", parts=[(COST_CENTRES, "Tuotanto", 1)], vat=vat
                )
            else:
                cost = self.row(
                    SUBCONTRACTING,
                    self.amount(2_000, 5_000),
                    "Alihankinta",
                    parts=[(COST_CENTRES, "Tuotanto", 1), (PROJECTS, "P200", 1)],
                    vat=vat,
                )
            draft, credit = self.receipt(f"Ostolasku {self.purchase_no}", day, [cost], counter=PAYABLES)
            self.state.payables.append((day, -credit))
            return draft

        return build

    def _payroll(self, day: date) -> Builder:
        """Wages with withholding and the employees' shares, and the employer's contributions;
        net wages paid from the bank, the rest due next month."""

        def build() -> rules.ReceiptDraft:
            gross = sum(cents for _centre, cents in SALARIES)
            withholding = _percent(gross, WITHHOLDING_PERCENT)
            pension_employee = _percent(gross, PENSION_EMPLOYEE_PERCENT)
            unemployment_employee = _percent(gross, UNEMPLOYMENT_EMPLOYEE_PERCENT)
            pension = _percent(gross, PENSION_EMPLOYER_PERCENT)
            health = _percent(gross, HEALTH_INSURANCE_PERCENT)
            unemployment = _percent(gross, UNEMPLOYMENT_EMPLOYER_PERCENT)
            centres = [(COST_CENTRES, centre, cents) for centre, cents in SALARIES]
            dues = {
                WITHHOLDING_DUE: withholding,
                HEALTH_INSURANCE_DUE: health,
                PENSION_DUE: pension_employee + pension,
                UNEMPLOYMENT_DUE: unemployment_employee + unemployment,
            }
            self.state.payroll_dues[day.replace(day=1)] = dues
            rows = [
                self.row(WAGES, gross, "Bruttopalkat", parts=centres),
                self.row(PENSION, pension, "Työnantajan TyEL-maksu", parts=centres),
                self.row(HEALTH_INSURANCE, health, "Työnantajan sairausvakuutusmaksu", parts=centres),
                self.row(UNEMPLOYMENT, unemployment, "Työnantajan työttömyysvakuutusmaksu", parts=centres),
                self.row(WITHHOLDING_DUE, -withholding, "Ennakonpidätys"),
                self.row(HEALTH_INSURANCE_DUE, -health, "Sairausvakuutusmaksu"),
                self.row(PENSION_DUE, -(pension_employee + pension), "TyEL-maksut"),
                self.row(UNEMPLOYMENT_DUE, -(unemployment_employee + unemployment), "Työttömyysvakuutusmaksut"),
            ]
            return self.receipt(f"Palkat {day:%m/%Y}", day, rows, counter=BANK)[0]

        return build

    def _occasional(self, day: date) -> tuple[rules.EntryDraft, int]:
        """One of a few costs by month: EU software (reverse charge), a customer lunch (VAT not
        deductible), train tickets (reduced rate), accounting services."""
        rates = vat_rules.rates_on(day)
        general = rates[vat_rules.RateClass.GENERAL]
        purchase = vat_rules.Side.PURCHASE
        kind = day.month % 4
        if kind == 0:
            return self.row(
                SOFTWARE,
                self.amount(150, 400),
                "Pilvipalvelut (Irlanti)",
                parts=[(COST_CENTRES, "Hallinto", 1)],
                vat=(purchase, vat_rules.EU_SERVICES, general),
            )
        if kind == 1:
            return self.row(
                ENTERTAINMENT,
                self.amount(80, 260),
                "Asiakaslounas",
                parts=[(COST_CENTRES, "Myynti", 1)],
                vat=(purchase, vat_rules.NON_DEDUCTIBLE, general),
            )
        if kind == 2:
            return self.row(
                TRAVEL_TICKETS,
                self.amount(60, 180),
                "Junaliput Helsinki-Tampere",
                parts=[(COST_CENTRES, "Myynti", 1), (PROJECTS, "P200", 1)],
                vat=(purchase, vat_rules.DOMESTIC, rates[vat_rules.RateClass.REDUCED]),
            )
        return self.row(
            ACCOUNTING_SERVICES,
            45_000,
            "Kirjanpitopalvelut",
            parts=[(COST_CENTRES, "Hallinto", 1)],
            vat=(purchase, vat_rules.DOMESTIC, general),
        )

    def _bank_statement(self, day: date) -> Builder:
        """The month's bank statement as one receipt, the bank account balancing it."""

        def build() -> rules.ReceiptDraft:
            first = day.replace(day=1)
            previous = rules.add_months(first, -1)
            rates = vat_rules.rates_on(day)
            rows = [
                self.row(
                    REDUCED_SALES,
                    -self.amount(800, 2_000),
                    "Kassamyynti, elintarvikkeet",
                    parts=[(COST_CENTRES, "Myynti", 1)],
                    vat=(vat_rules.Side.SALES, vat_rules.DOMESTIC, rates[vat_rules.RateClass.REDUCED]),
                ),
                self.row(
                    RENT,
                    RENT_NET,
                    "Toimitilavuokra",
                    parts=[(COST_CENTRES, "Hallinto", 1), (COST_CENTRES, "Tuotanto", 2)],
                    vat=(vat_rules.Side.PURCHASE, vat_rules.DOMESTIC, rates[vat_rules.RateClass.GENERAL]),
                ),
                self._occasional(day),
                self.row(BANK_CHARGES, self.amount(12, 35), "Pankin palvelumaksut"),
            ]
            received = [gross for when, gross in self.state.receivables if when < first]
            self.state.receivables = [(when, gross) for when, gross in self.state.receivables if when >= first]
            if received:
                rows.append(self.row(RECEIVABLES, -sum(received), f"Asiakassuoritukset ({len(received)} kpl)"))
            paid = [cents for when, cents in self.state.payables if when < first]
            self.state.payables = [(when, cents) for when, cents in self.state.payables if when >= first]
            if paid:
                rows.append(self.row(PAYABLES, sum(paid), f"Toimittajamaksut ({len(paid)} kpl)"))
            for account, cents in self.state.payroll_dues.pop(previous, {}).items():
                rows.append(self.row(account, cents, f"Palkkojen tilitykset {previous:%m/%Y}"))
            vat_due = self.state.vat_to_pay.pop(previous, 0)
            if vat_due:
                rows.append(self.row(VAT_SETTLEMENT, vat_due, f"Arvonlisävero {previous:%m/%Y}"))
            if day.month % 3 == 0:
                interest = _percent(self.state.loan_left, LOAN_INTEREST_PERCENT / 4)
                self.state.loan_left -= LOAN_INSTALMENT
                rows.append(self.row(BANK_LOAN, LOAN_INSTALMENT, "Lainan lyhennys"))
                rows.append(self.row(INTEREST, interest, "Lainan korko"))
            return self.receipt(f"Tiliote {day:%m/%Y}", day, rows, counter=BANK)[0]

        return build

    def _depreciation(self, day: date) -> Builder:
        def build() -> rules.ReceiptDraft:
            quarterly = MACHINE_NET // 20  # five years, straight line
            return self.plain(
                f"Suunnitelman mukaiset poistot Q{(day.month - 1) // 3 + 1}/{day.year}",
                day,
                [(DEPRECIATION, quarterly), (MACHINERY, -quarterly)],
            )

        return build

    def _settle_vat(self, day: date) -> Builder:
        """Month end: the month's output and input VAT moved onto the VAT settlement account."""

        def build() -> rules.ReceiptDraft | None:
            output, input_ = self._vat_of_month(day.replace(day=1))
            if not output and not input_:
                return None
            to_pay = -(output + input_)
            self.state.vat_to_pay[day.replace(day=1)] = to_pay
            return self.plain(
                f"Arvonlisäverolaskelma {day:%m/%Y}",
                day,
                [(VAT_PAYABLE, -output), (VAT_RECEIVABLE, -input_), (VAT_SETTLEMENT, -to_pay)],
            )

        return build

    def _vat_of_month(self, first: date) -> tuple[int, int]:
        """Net cents on the output and input VAT accounts in the month's period (from the balances)."""
        rows = self.session.execute(
            select(LedgerBalance.account, func.sum(LedgerBalance.debit_minor - LedgerBalance.credit_minor))
            .join(
                TrackingPeriod,
                (TrackingPeriod.company_id == LedgerBalance.company_id)
                & (TrackingPeriod.id == LedgerBalance.period_id),
            )
            .where(
                LedgerBalance.company_id == self.company_id,
                TrackingPeriod.start_date == first,
                LedgerBalance.account.in_((VAT_PAYABLE, VAT_RECEIVABLE)),
                LedgerBalance.dimension_id == 0,
            )
            .group_by(LedgerBalance.account)
        )
        found = {account: int(total or 0) for account, total in rows}
        return found.get(VAT_PAYABLE, 0), found.get(VAT_RECEIVABLE, 0)

    # --- posting ----------------------------------------------------------------------------------

    def plan(self, start: date, end: date, *, first_year: bool) -> list[tuple[date, Builder]]:
        plan: list[tuple[date, Builder]] = []
        first = start
        while first <= end:
            plan.extend(self.plan_month(first, min(rules.month_end(first), end), first_year=first_year))
            first = rules.month_end(first) + timedelta(days=1)
        return plan

    def post(self, plan: list[tuple[date, Builder]], *, leave_unfinished: int = 0) -> list[int]:
        """Post the plan in date order (planning order within a day); the last `leave_unfinished`
        receipts stay UNFINISHED, the others are created APPROVED."""
        ordered = [build for _i, (_day, build) in sorted(enumerate(plan), key=lambda pair: (pair[1][0], pair[0]))]
        posted: list[int] = []
        for index, build in enumerate(ordered):
            draft = build()
            if draft is None:
                continue
            status = rules.UNFINISHED if index >= len(ordered) - leave_unfinished else rules.APPROVED
            receipt = service.create_receipt(
                self.session, company_id=self.company_id, draft=draft, user_id=self.user_id, status=status
            )
            posted.append(receipt.id)
        return posted


def _prepare_years(session: Session, *, company_id: int, today: date) -> tuple[FiscalYear, FiscalYear] | None:
    """[previous year, this year] in place of a new company's only (empty) year; None when the
    books are not brand new (see the module docstring)."""
    found = fiscal.years(session, company_id=company_id)
    has_receipts = session.scalars(
        select(LedgerReceipt.id).where(LedgerReceipt.company_id == company_id).limit(1)
    ).first()
    this_year = (date(today.year, 1, 1), date(today.year, 12, 31))
    if has_receipts is not None or len(found) != 1 or (found[0][0].start_date, found[0][0].end_date) != this_year:
        return None
    year, periods = found[0]
    for period in periods:
        session.delete(period)
    session.flush()
    session.delete(year)
    session.flush()
    previous = fiscal.create_year(
        session, company_id=company_id, start=date(today.year - 1, 1, 1), end=date(today.year - 1, 12, 31)
    )
    current = fiscal.create_year(session, company_id=company_id, start=this_year[0], end=this_year[1])
    return previous, current


def _seed_dimensions(session: Session, *, company_id: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, items, inactive in ((COST_CENTRES, COST_CENTRE_ITEMS, ()), (PROJECTS, PROJECT_ITEMS, (OLD_PROJECT,))):
        dimension = dimensions.create_dimension(session, company_id=company_id, name=name)
        ids[name] = dimension.id
        for (code, description), active in [*((i, True) for i in items), *((i, False) for i in inactive)]:
            item = dimensions.create_item(
                session,
                company_id=company_id,
                dimension_id=dimension.id,
                code_name=code,
                description=description,
                active=active,
            )
            ids[f"{name}/{code}"] = item.id
    return ids


def seed_ledger(session: Session, company_id: int, user_id: int) -> None:
    """The demo books of a new sandbox company (see the module docstring)."""
    today = clock.now().date()
    years = _prepare_years(session, company_id=company_id, today=today)
    if years is None:
        return
    previous, current = years
    dims = _seed_dimensions(session, company_id=company_id)
    books = _Books(session, company_id=company_id, user_id=user_id, dims=dims)

    books.post(books.plan(previous.start_date, previous.end_date, first_year=True))
    # A purchase invoice booked twice in March and invalidated: it keeps its number, adds nothing.
    duplicate = service.create_receipt(
        session,
        company_id=company_id,
        draft=books.plain(
            "Ostolasku 5003 (kaksoiskirjaus)",
            date(previous.start_date.year, 3, 10),
            [(PURCHASES, 50_000), (PAYABLES, -50_000)],
        ),
        user_id=user_id,
    )
    service.transition(session, company_id=company_id, receipt_id=duplicate.id, action="invalidate")
    closing.close_year(session, company_id=company_id, year_id=previous.id, user_id=user_id)

    current_end = min(today, current.end_date)
    books.post(books.plan(current.start_date, current_end, first_year=False), leave_unfinished=UNFINISHED_AT_END)
