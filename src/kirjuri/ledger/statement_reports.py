"""Statements built on the report sums of `ledger.reports`: the income statement and the balance
sheet in the KPA/PMA layouts of `ledger.statements`, the indirect cash-flow statement, and the
monthly ledger-account columns of the contract's reports.

Invariant: every number here comes from `ledger.reports` (so from the balances, by its rules);
this module only lays the sums out — the balance sheet's two sides agree because the sums do, and
the cash-flow statement's change in cash is the change of the cash accounts exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kirjuri.ledger import chart, statements
from kirjuri.ledger.reports import (
    LANGUAGES,
    NO_FILTER,
    Books,
    ReportFilter,
    Sums,
    TrialBalanceRow,
    balance_ranges,
    balance_sheet_of,
    calendar_of,
    opening_ranges,
    previous,
    trial_rows,
)


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One printed line of a statement; `value` in cents as the statement shows it."""

    key: str
    row_id: int
    kind: str  # BALANCE or ROW_FUNCTION
    level: int
    name: str
    formula: str | None
    value: int


def _name(line: statements.Line, language: str) -> str:
    return {"SWEDISH": line.name_sv, "ENGLISH": line.name_en}.get(language, line.name_fi)


def _formulas(layout: statements.Layout) -> dict[str, str]:
    """Each ROW_FUNCTION's formula over the row ids of its terms: `100+200-500` (per layout, once)."""
    found = _FORMULAS.get(layout.key)
    if found is None:
        row_ids = {line.key: line.row_id for line in layout.lines}
        found = _FORMULAS[layout.key] = {
            line.key: "".join(f"{'+' if sign > 0 else '-'}{row_ids[key]}" for sign, key in line.formula).removeprefix(
                "+"
            )
            for line in layout.lines
            if line.kind is statements.LineKind.ROW_FUNCTION
        }
    return found


_FORMULAS: dict[str, dict[str, str]] = {}


def _leaf_totals(books: Books, net: Mapping[str, int]) -> dict[str, Decimal]:
    """Ledger cents per KPA leaf line (the `line` of each account), for `statements.evaluate`."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for code, cents in net.items():
        account = books.accounts.get(code)
        line = account.line if account else chart.line_for_code(code)
        out[line] += Decimal(cents)
    return dict(out)


def _evaluate(layout: statements.Layout, leaf_totals: Mapping[str, Decimal], language: str) -> list[ReportLine]:
    formulas = _formulas(layout)
    return [
        ReportLine(
            key=line.key,
            row_id=line.row_id,
            kind=line.kind.value,
            level=line.level,
            name=_name(line, language),
            formula=formulas.get(line.key),
            value=int(value),
        )
        for line, value in statements.evaluate(layout, leaf_totals)
    ]


def layout_for(statement: statements.Statement, form: str) -> statements.Layout:
    """The layout of `statement` in `form` KPA (full) or PMA (small and micro companies)."""
    return statements.LAYOUTS[f"{form}_{statement.value}"]


def income_statements(
    session: Session,
    *,
    company_id: int,
    spans: Sequence[tuple[date, date]],
    form: str = "KPA",
    language: str = "FINNISH",
    filter: ReportFilter = NO_FILTER,
) -> list[list[ReportLine]]:
    """The income statement of each span (start, end), in one read of the balances."""
    books = calendar_of(session, company_id=company_id)
    sums = Sums(session, books, company_id=company_id, ranges=spans, filt=filter)
    layout = layout_for(statements.Statement.INCOME_STATEMENT, form)
    out: list[list[ReportLine]] = []
    for start, end in spans:
        net = {a: v for a, v in sums.net(start, end).items() if books.is_profit_and_loss(a)} if start <= end else {}
        out.append(_evaluate(layout, _leaf_totals(books, net), language))
    return out


def balance_sheets(
    session: Session,
    *,
    company_id: int,
    dates: Sequence[date],
    form: str = "KPA",
    language: str = "FINNISH",
    filter: ReportFilter = NO_FILTER,
) -> list[list[ReportLine]]:
    """The balance sheet at each date (the carry rule; the year's result on line VII)."""
    books = calendar_of(session, company_id=company_id)
    ranges = [r for at in dates for r in balance_ranges(books, at)]
    sums = Sums(session, books, company_id=company_id, ranges=ranges, filt=filter)
    layout = layout_for(statements.Statement.BALANCE_SHEET, form)
    return [_evaluate(layout, _leaf_totals(books, balance_sheet_of(books, sums, at)), language) for at in dates]


# The indirect cash-flow statement: (key, row id, kind, names fi/sv/en, formula over row keys).
CASH_FLOW_LINES: tuple[tuple[str, int, str, tuple[str, str, str], tuple[str, ...]], ...] = (
    ("CF.OPERATING_PROFIT", 100, "BALANCE",
     ("Liikevoitto (-tappio)", "Rörelsevinst (-förlust)", "Operating profit (loss)"), ()),
    ("CF.DEPRECIATION", 200, "BALANCE",
     ("Poistot ja arvonalentumiset", "Avskrivningar och nedskrivningar", "Depreciation and impairment"), ()),
    ("CF.FINANCIAL_ITEMS", 300, "BALANCE",
     ("Rahoituserät, tilinpäätössiirrot ja verot", "Finansiella poster, bokslutsdispositioner och skatter",
      "Financial items, appropriations and taxes"), ()),
    ("CF.PROVISIONS", 400, "BALANCE",
     ("Varausten ja tilinpäätössiirtojen kertymän muutos", "Förändring av reserveringar och bokslutsdispositioner",
      "Change in provisions and accumulated appropriations"), ()),
    ("CF.WORKING_CAPITAL", 500, "BALANCE",
     ("Käyttöpääoman muutos", "Förändring av rörelsekapital", "Change in working capital"), ()),
    ("CF.OPERATING", 600, "ROW_FUNCTION",
     ("Liiketoiminnan rahavirta", "Kassaflöde från den löpande verksamheten", "Cash flow from operating activities"),
     ("CF.OPERATING_PROFIT", "CF.DEPRECIATION", "CF.FINANCIAL_ITEMS", "CF.PROVISIONS", "CF.WORKING_CAPITAL")),
    ("CF.INVESTING", 700, "BALANCE",
     ("Investointien rahavirta", "Kassaflöde från investeringsverksamheten", "Cash flow from investing activities"),
     ()),
    ("CF.FINANCING", 800, "BALANCE",
     ("Rahoituksen rahavirta", "Kassaflöde från finansieringsverksamheten", "Cash flow from financing activities"),
     ()),
    ("CF.CHANGE_IN_CASH", 900, "ROW_FUNCTION",
     ("Rahavarojen muutos", "Förändring av likvida medel", "Change in cash and cash equivalents"),
     ("CF.OPERATING", "CF.INVESTING", "CF.FINANCING")),
    ("CF.CASH_AT_START", 1000, "BALANCE",
     ("Rahavarat kauden alussa", "Likvida medel vid periodens början", "Cash at the beginning of the period"), ()),
    ("CF.CASH_AT_END", 1100, "BALANCE",
     ("Rahavarat kauden lopussa", "Likvida medel vid periodens slut", "Cash at the end of the period"), ()),
)  # fmt: skip


def is_cash(code: str) -> bool:
    """Cash and bank: the 1900–1999 accounts (every code beginning with 19)."""
    return code.startswith("19")


def _under(line: str, *prefixes: str) -> bool:
    return any(line == p or line.startswith(p + ".") for p in prefixes)


def cash_flow_values(
    books: Books, *, profit_and_loss: Mapping[str, int], before: Mapping[str, int], after: Mapping[str, int]
) -> dict[str, int]:
    """The indirect cash-flow statement of a span, in cents, from its income-statement totals and
    the balance sheets (`balance_sheet_totals`) on the day before it starts and on its last day.

    With Δ the change of an account's ledger balance (debit +) and R = −Σ P&L the result:
    operating profit (statement line 9) + depreciation added back (the IS.7 accounts) + the other
    income-statement items (R − operating profit) − Δ provisions and appropriations − Δ working
    capital (current assets but cash, current liabilities) is the operating cash flow; investing
    = −Δ non-current assets − depreciation; financing = −Δ long-term liabilities − (Δ equity + R)
    (equity moves by the result itself, which is no cash). Both balance sheets sum to zero, so
    the three flows add up to Δ cash exactly: the change of the 1900–1999 accounts.
    """
    deltas: dict[str, int] = defaultdict(int)
    for code in {*before, *after}:
        deltas[code] = after.get(code, 0) - before.get(code, 0)
    groups: dict[str, int] = defaultdict(int)
    for code, delta in deltas.items():
        account = books.accounts.get(code)
        line = account.line if account else chart.line_for_code(code)
        if is_cash(code):
            group = "cash"
        elif _under(line, "BS.A.A"):
            group = "fixed"
        elif _under(line, "BS.L.B", "BS.L.C"):
            group = "provisions"
        elif _under(line, "BS.L.A"):
            group = "equity"
        elif _under(line, "BS.L.D.LT"):
            group = "long_term"
        else:
            group = "working_capital"
        groups[group] += delta
    income = _evaluate(statements.LAYOUTS["KPA_INCOME_STATEMENT"], _leaf_totals(books, profit_and_loss), "FINNISH")
    operating_profit = next(line.value for line in income if line.key == "IS.9")
    result = -sum(profit_and_loss.values())
    depreciation = sum(
        cents
        for code, cents in profit_and_loss.items()
        if _under(books.accounts[code].line if code in books.accounts else chart.line_for_code(code), "IS.7")
    )
    values = {
        "CF.OPERATING_PROFIT": operating_profit,
        "CF.DEPRECIATION": depreciation,
        "CF.FINANCIAL_ITEMS": result - operating_profit,
        "CF.PROVISIONS": -groups["provisions"],
        "CF.WORKING_CAPITAL": -groups["working_capital"],
        "CF.INVESTING": -groups["fixed"] - depreciation,
        "CF.FINANCING": -groups["long_term"] - (groups["equity"] + result),
        "CF.CASH_AT_START": sum(v for c, v in before.items() if is_cash(c)),
        "CF.CASH_AT_END": sum(v for c, v in after.items() if is_cash(c)),
    }
    for key, _row_id, kind, _names, terms in CASH_FLOW_LINES:
        if kind == "ROW_FUNCTION":
            values[key] = sum(values[term] for term in terms)
    return values


def cash_flows(
    session: Session,
    *,
    company_id: int,
    spans: Sequence[tuple[date, date]],
    language: str = "FINNISH",
    filter: ReportFilter = NO_FILTER,
) -> list[list[ReportLine]]:
    """The indirect cash-flow statement of each span (`cash_flow_values`)."""
    books = calendar_of(session, company_id=company_id)
    ranges = [*spans]
    for start, end in spans:
        ranges += balance_ranges(books, previous(start)) + balance_ranges(books, end)
    sums = Sums(session, books, company_id=company_id, ranges=ranges, filt=filter)
    row_ids = {key: row_id for key, row_id, *_rest in CASH_FLOW_LINES}
    language_index = LANGUAGES.index(language) if language in LANGUAGES else 0
    out: list[list[ReportLine]] = []
    for start, end in spans:
        pnl = {a: v for a, v in sums.net(start, end).items() if books.is_profit_and_loss(a)}
        values = cash_flow_values(
            books,
            profit_and_loss=pnl,
            before=balance_sheet_of(books, sums, previous(start)) if start > date.min else {},
            after=balance_sheet_of(books, sums, end),
        )
        out.append(
            [
                ReportLine(
                    key=key,
                    row_id=row_id,
                    kind=kind,
                    level=0,
                    name=names[language_index],
                    formula="+".join(str(row_ids[t]) for t in terms) or None,
                    value=values[key],
                )
                for key, row_id, kind, names, terms in CASH_FLOW_LINES
            ]
        )
    return out


def ledger_account_balances(
    session: Session,
    *,
    company_id: int,
    spans: Sequence[tuple[date, date]],
    language: str = "FINNISH",
    filter: ReportFilter = NO_FILTER,
) -> list[list[TrialBalanceRow]]:
    """The trial balance of each span, in one read of the balances."""
    books = calendar_of(session, company_id=company_id)
    ranges: list[tuple[date, date]] = []
    for start, end in spans:
        ranges += [*opening_ranges(books, start), (start, end)]
    sums = Sums(session, books, company_id=company_id, ranges=ranges, filt=filter)
    return [trial_rows(books, sums, start, end, language) for start, end in spans]
