"""ledger.statements: the KPA and PMA layouts, the leaf mapping and the evaluation of a statement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kirjuri.core.text import is_cp1252
from kirjuri.ledger import chart, statements
from kirjuri.ledger.statements import LAYOUTS, Layout, Line, LineKind, Statement

KPA_IS = LAYOUTS["KPA_INCOME_STATEMENT"]
KPA_BS = LAYOUTS["KPA_BALANCE_SHEET"]
PMA_IS = LAYOUTS["PMA_INCOME_STATEMENT"]
PMA_BS = LAYOUTS["PMA_BALANCE_SHEET"]
IS_LEAVES = sorted(statements.INCOME_STATEMENT_LEAVES)
BS_LEAVES = sorted(statements.BALANCE_SHEET_LEAVES)
D = Decimal


def _line(layout: Layout, key: str) -> Line:
    return next(line for line in layout.lines if line.key == key)


def _values(layout: Layout, totals: dict[str, Decimal]) -> dict[str, Decimal]:
    return {line.key: value for line, value in statements.evaluate(layout, totals)}


# --- structure --------------------------------------------------------------------------------


def test_the_four_layouts() -> None:
    assert set(LAYOUTS) == {"KPA_INCOME_STATEMENT", "KPA_BALANCE_SHEET", "PMA_INCOME_STATEMENT", "PMA_BALANCE_SHEET"}
    assert all(key == layout.key for key, layout in LAYOUTS.items())
    assert KPA_IS.statement is PMA_IS.statement is Statement.INCOME_STATEMENT
    assert KPA_BS.statement is PMA_BS.statement is Statement.BALANCE_SHEET
    # The PMA forms aggregate: fewer lines than the full forms.
    assert len(PMA_IS.lines) < len(KPA_IS.lines)
    assert len(PMA_BS.lines) < len(KPA_BS.lines)


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_keys_and_row_ids_are_unique_and_fit_the_wire(layout: Layout) -> None:
    keys = [line.key for line in layout.lines]
    row_ids = [line.row_id for line in layout.lines]
    assert len(set(keys)) == len(keys)
    assert len(set(row_ids)) == len(row_ids)
    assert all(0 < r < 2**31 for r in row_ids)  # AccountingReportRow.rowId is int32
    assert all(len(k) <= 40 for k in keys)  # LedgerAccount.line is String(40)


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_lines_are_well_formed(layout: Layout) -> None:
    keys = {line.key for line in layout.lines}
    for line in layout.lines:
        if line.kind is LineKind.BALANCE:
            assert line.leaves and not line.formula, line.key
            assert line.sign in (1, -1)
        else:
            assert line.formula and not line.leaves, line.key
            assert all(sign in (1, -1) and key in keys for sign, key in line.formula), line.key
        assert line.level >= 0


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_names_are_present_and_windows_1252(layout: Layout) -> None:
    for text in (layout.name_fi, layout.name_en):
        assert text
        assert is_cp1252(text)
    for line in layout.lines:
        for name in (line.name_fi, line.name_sv, line.name_en):
            assert name, line.key
            assert name == name.strip()
            assert is_cp1252(name), name


@pytest.mark.parametrize(
    ("key", "name_fi", "kind"),
    [
        ("IS.1", "Liikevaihto", LineKind.BALANCE),
        ("IS.2", "Valmiiden ja keskeneräisten tuotteiden varastojen muutos", LineKind.BALANCE),
        ("IS.3", "Valmistus omaan käyttöön", LineKind.BALANCE),
        ("IS.4", "Liiketoiminnan muut tuotot", LineKind.BALANCE),
        ("IS.5", "Materiaalit ja palvelut", LineKind.ROW_FUNCTION),
        ("IS.6", "Henkilöstökulut", LineKind.ROW_FUNCTION),
        ("IS.7", "Poistot ja arvonalentumiset", LineKind.ROW_FUNCTION),
        ("IS.8", "Liiketoiminnan muut kulut", LineKind.BALANCE),
        ("IS.9", "Liikevoitto (-tappio)", LineKind.ROW_FUNCTION),
        ("IS.10", "Rahoitustuotot ja -kulut", LineKind.ROW_FUNCTION),
        ("IS.11", "Voitto (tappio) ennen tilinpäätössiirtoja ja veroja", LineKind.ROW_FUNCTION),
        ("IS.12", "Tilinpäätössiirrot", LineKind.ROW_FUNCTION),
        ("IS.13", "Tuloverot", LineKind.BALANCE),
        ("IS.14", "Muut välittömät verot", LineKind.BALANCE),
        ("IS.15", "Tilikauden voitto (tappio)", LineKind.ROW_FUNCTION),
    ],
)
def test_kpa_income_statement_main_lines(key: str, name_fi: str, kind: LineKind) -> None:
    line = _line(KPA_IS, key)
    assert (line.name_fi, line.kind, line.level) == (name_fi, kind, 0)
    # The PMA form keeps every main line, aggregated.
    pma = _line(PMA_IS, "PMA." + key)
    assert pma.name_fi == name_fi
    assert pma.kind is (LineKind.ROW_FUNCTION if key in ("IS.9", "IS.11", "IS.15") else LineKind.BALANCE)


def test_main_lines_print_in_kpa_order() -> None:
    main = [line.key for line in KPA_IS.lines if line.level == 0]
    assert main == [f"IS.{n}" for n in range(1, 16)]
    assert [line.key for line in PMA_IS.lines] == [f"PMA.IS.{n}" for n in range(1, 16)]


@pytest.mark.parametrize(
    ("key", "terms"),
    [
        ("IS.9", ["IS.1", "IS.2", "IS.3", "IS.4", "IS.5", "IS.6", "IS.7", "IS.8"]),
        ("IS.11", ["IS.9", "IS.10"]),
        ("IS.15", ["IS.11", "IS.12", "IS.13", "IS.14"]),
    ],
)
def test_result_formulas(key: str, terms: list[str]) -> None:
    # Costs are shown negative, so every result line is a plain sum of the lines above it.
    assert _line(KPA_IS, key).formula == tuple((1, t) for t in terms)
    assert _line(PMA_IS, "PMA." + key).formula == tuple((1, "PMA." + t) for t in terms)


_NOT_GROUPS = {"IS.9", "IS.11", "IS.15"}


@pytest.mark.parametrize("layout", [KPA_IS, KPA_BS], ids=["IS", "BS"])
def test_group_lines_sum_exactly_their_members_which_follow_them(layout: Layout) -> None:
    keys = [line.key for line in layout.lines]
    for position, line in enumerate(layout.lines):
        if line.kind is not LineKind.ROW_FUNCTION or line.key in _NOT_GROUPS:
            continue
        members = [k for k in keys if k.startswith(line.key + ".") and "." not in k[len(line.key) + 1 :]]
        assert [k for _, k in line.formula] == members, line.key
        if line.key not in ("BS.A", "BS.L"):  # the side totals close their side
            assert all(keys.index(m) > position for m in members), line.key
            assert all(_line(layout, m).level == line.level + 1 for m in members), line.key


def test_signs_show_revenue_positive_and_both_balance_sheet_sides_positive() -> None:
    for layout in (KPA_IS, PMA_IS):
        assert {line.sign for line in layout.lines if line.kind is LineKind.BALANCE} == {-1}
    for layout in (KPA_BS, PMA_BS):
        for line in layout.lines:
            if line.kind is LineKind.BALANCE:
                side = line.key.removeprefix("PMA.").split(".")[1]
                assert line.sign == (1 if side == "A" else -1), line.key


def test_balance_sheet_lines_named_by_kpa() -> None:
    expected = {
        "BS.A.A": "Pysyvät vastaavat",
        "BS.A.B": "Vaihtuvat vastaavat",
        "BS.A.B.IV": "Rahat ja pankkisaamiset",
        "BS.A": "Vastaavaa yhteensä",
        "BS.L.A": "Oma pääoma",
        "BS.L.A.VI": "Edellisten tilikausien voitto (tappio)",
        "BS.L.A.VII": "Tilikauden voitto (tappio)",
        "BS.L.B": "Tilinpäätössiirtojen kertymä",
        "BS.L.C": "Pakolliset varaukset",
        "BS.L.D": "Vieras pääoma",
        "BS.L": "Vastattavaa yhteensä",
    }
    for key, name in expected.items():
        assert _line(KPA_BS, key).name_fi == name
        assert _line(PMA_BS, "PMA." + key).name_fi == name


# --- leaf mapping -------------------------------------------------------------------------------


def test_leaves_are_the_balance_lines_of_the_kpa_forms() -> None:
    assert set(IS_LEAVES) == {line.key for line in KPA_IS.lines if line.kind is LineKind.BALANCE}
    assert set(BS_LEAVES) == {line.key for line in KPA_BS.lines if line.kind is LineKind.BALANCE}
    assert set(IS_LEAVES) | set(BS_LEAVES) == statements.KPA_LEAVES
    assert not set(IS_LEAVES) & set(BS_LEAVES)
    assert statements.RESULT_LINE in BS_LEAVES


@pytest.mark.parametrize("leaf", IS_LEAVES + BS_LEAVES)
def test_every_leaf_lands_on_one_line_of_each_layout_of_its_statement(leaf: str) -> None:
    kpa, pma = (KPA_IS, PMA_IS) if leaf in statements.INCOME_STATEMENT_LEAVES else (KPA_BS, PMA_BS)
    assert statements.layout_line_for(kpa, leaf).key == leaf
    line = statements.layout_line_for(pma, leaf)
    assert line.kind is LineKind.BALANCE
    assert leaf in line.leaves
    # The PMA line is one of the leaf's KPA ancestors (or the leaf itself).
    ancestor = line.key.removeprefix("PMA.")
    assert leaf == ancestor or leaf.startswith(ancestor + ".")
    assert sum(leaf in other.leaves for other in pma.lines) == 1


@pytest.mark.parametrize(
    ("leaf", "pma_key"),
    [
        ("IS.1", "PMA.IS.1"),
        ("IS.5.a.1", "PMA.IS.5"),
        ("IS.6.b.2", "PMA.IS.6"),
        ("IS.10.g", "PMA.IS.10"),
        ("IS.12.a", "PMA.IS.12"),
        ("BS.A.A.II.3", "PMA.BS.A.A.II"),
        ("BS.A.B.II.LT.4", "PMA.BS.A.B.II.LT"),
        ("BS.A.B.II.ST.1", "PMA.BS.A.B.II.ST"),
        ("BS.A.B.IV", "PMA.BS.A.B.IV"),
        ("BS.L.A.V.3", "PMA.BS.L.A.V"),
        ("BS.L.A.VII", "PMA.BS.L.A.VII"),  # not swallowed by "V"
        ("BS.L.B.1", "PMA.BS.L.B"),
        ("BS.L.D.ST.6", "PMA.BS.L.D.ST"),
    ],
)
def test_pma_aggregation(leaf: str, pma_key: str) -> None:
    assert statements.layout_line_for(PMA_IS if leaf.startswith("IS.") else PMA_BS, leaf).key == pma_key


@pytest.mark.parametrize("account", chart.DEFAULT_CHART, ids=[a.code for a in chart.DEFAULT_CHART])
def test_every_default_account_is_reported_in_every_layout_of_its_statement(account: chart.ChartAccount) -> None:
    statement = (
        Statement.INCOME_STATEMENT
        if account.account_type in (chart.AccountType.REVENUE, chart.AccountType.EXPENSE)
        else Statement.BALANCE_SHEET
    )
    for layout in LAYOUTS.values():
        if layout.statement is statement:
            assert account.line in statements.layout_line_for(layout, account.line).leaves
        else:
            with pytest.raises(ValueError, match="not a leaf line"):
                statements.layout_line_for(layout, account.line)


@pytest.mark.parametrize("key", ["IS.5", "IS.9", "BS.A", "BS.L.A.V", "PMA.IS.1", "nope", ""])
def test_layout_line_for_refuses_what_is_no_leaf(key: str) -> None:
    for layout in LAYOUTS.values():
        with pytest.raises(ValueError, match="not a leaf line"):
            statements.layout_line_for(layout, key)


# --- evaluation ---------------------------------------------------------------------------------

# A small year in ledger terms (debit +, credit −).
YEAR = {
    "IS.1": D("-10000.00"),  # sales
    "IS.4": D("-500.00"),  # other operating income
    "IS.5.a.1": D("3000.00"),  # purchases
    "IS.5.a.2": D("-200.00"),  # inventories grew
    "IS.5.b": D("800.00"),  # subcontracting
    "IS.6.a": D("2500.00"),  # wages
    "IS.6.b.1": D("425.50"),  # TyEL
    "IS.6.b.2": D("40.25"),  # other social costs
    "IS.7.a": D("600.00"),  # depreciation
    "IS.8": D("1200.00"),  # other operating expenses
    "IS.10.d": D("-15.00"),  # interest income
    "IS.10.g": D("120.00"),  # interest expense
    "IS.12.a": D("100.00"),  # depreciation difference grew
    "IS.13": D("350.00"),  # income taxes
}


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("IS.1", D("10000.00")),
        ("IS.4", D("500.00")),
        ("IS.5.a.1", D("-3000.00")),
        ("IS.5.a.2", D("200.00")),
        ("IS.5.a", D("-2800.00")),
        ("IS.5", D("-3600.00")),
        ("IS.6.b", D("-465.75")),
        ("IS.6", D("-2965.75")),
        ("IS.7", D("-600.00")),
        ("IS.8", D("-1200.00")),
        ("IS.9", D("2134.25")),
        ("IS.10", D("-105.00")),
        ("IS.11", D("2029.25")),
        ("IS.12", D("-100.00")),
        ("IS.13", D("-350.00")),
        ("IS.14", D("0")),
        ("IS.15", D("1579.25")),
    ],
)
def test_evaluate_kpa_income_statement(key: str, shown: Decimal) -> None:
    assert _values(KPA_IS, YEAR)[key] == shown


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("PMA.IS.1", D("10000.00")),
        ("PMA.IS.5", D("-3600.00")),
        ("PMA.IS.6", D("-2965.75")),
        ("PMA.IS.9", D("2134.25")),
        ("PMA.IS.10", D("-105.00")),
        ("PMA.IS.11", D("2029.25")),
        ("PMA.IS.15", D("1579.25")),
    ],
)
def test_evaluate_pma_income_statement(key: str, shown: Decimal) -> None:
    assert _values(PMA_IS, YEAR)[key] == shown


def test_evaluate_returns_every_line_in_printing_order() -> None:
    for layout in LAYOUTS.values():
        assert [line for line, _ in statements.evaluate(layout, {})] == list(layout.lines)
        assert all(value == 0 for _, value in statements.evaluate(layout, {}))
        # Costs of zero are shown as 0, never as "-0" (sign × 0 would give Decimal("-0")).
        assert not any(value.is_signed() for _, value in statements.evaluate(layout, {"IS.8": D("0.00")}))


def test_evaluate_is_exact() -> None:
    values = _values(KPA_IS, {"IS.1": D("-0.10"), "IS.4": D("-0.20"), "IS.8": D("0.000001")})
    assert values["IS.9"] == D("0.299999")


# Sales 1000 + 25.5 % VAT on credit, purchases 400 + 25.5 % VAT on credit, share capital paid in.
SMALL_COMPANY = {
    "BS.A.B.IV": D("2500.00"),
    "BS.L.A.I": D("-2500.00"),
    "BS.A.B.II.ST.1": D("1255.00"),
    "IS.1": D("-1000.00"),
    "BS.L.D.ST.10": D("-255.00"),
    "IS.5.a.1": D("400.00"),
    "BS.A.B.II.ST.5": D("102.00"),
    "BS.L.D.ST.6": D("-502.00"),
}


def test_balance_sheet_totals_puts_the_result_on_its_line() -> None:
    totals = statements.balance_sheet_totals(SMALL_COMPANY)
    assert set(totals) <= statements.BALANCE_SHEET_LEAVES
    assert totals[statements.RESULT_LINE] == D("-600.00")  # a profit is a credit


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("BS.A.B.II.ST", D("1357.00")),
        ("BS.A.B", D("3857.00")),
        ("BS.A", D("3857.00")),
        ("BS.L.A.I", D("2500.00")),
        ("BS.L.A.VII", D("600.00")),
        ("BS.L.A", D("3100.00")),
        ("BS.L.D.ST", D("757.00")),
        ("BS.L", D("3857.00")),
    ],
)
def test_evaluate_kpa_balance_sheet(key: str, shown: Decimal) -> None:
    assert _values(KPA_BS, statements.balance_sheet_totals(SMALL_COMPANY))[key] == shown


def test_the_balance_sheet_balances_only_with_the_result() -> None:
    without = _values(KPA_BS, {k: v for k, v in SMALL_COMPANY.items() if k in statements.BALANCE_SHEET_LEAVES})
    assert without["BS.A"] - without["BS.L"] == D("600.00")
    with_result = _values(PMA_BS, statements.balance_sheet_totals(SMALL_COMPANY))
    assert with_result["PMA.BS.A"] == with_result["PMA.BS.L"] == D("3857.00")
    assert with_result["PMA.BS.L.A.VII"] == _values(PMA_IS, SMALL_COMPANY)["PMA.IS.15"] == D("600.00")


def test_evaluate_ignores_the_other_statement_and_refuses_unknown_keys() -> None:
    assert _values(KPA_IS, SMALL_COMPANY)["IS.15"] == D("600.00")
    for layout in LAYOUTS.values():
        with pytest.raises(ValueError, match="not KPA leaf lines"):
            statements.evaluate(layout, {"IS.9": D(1)})
    with pytest.raises(ValueError, match="not KPA leaf lines"):
        statements.balance_sheet_totals({"1910": D(1)})


_cents = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def balanced_books(draw: st.DrawFn) -> dict[str, Decimal]:
    """Ledger totals of any books: every leaf may carry a total, and they sum to zero."""
    leaves = sorted(statements.KPA_LEAVES)
    totals = draw(st.dictionaries(st.sampled_from(leaves), _cents, max_size=40))
    plug = draw(st.sampled_from(leaves))
    totals[plug] = totals.get(plug, Decimal(0)) - sum(totals.values(), Decimal(0))
    return totals


@settings(max_examples=200, deadline=None)
@given(balanced_books())
def test_any_balanced_books_balance_on_both_forms(books: dict[str, Decimal]) -> None:
    assert sum(books.values(), Decimal(0)) == 0
    bs_totals = statements.balance_sheet_totals(books)
    pnl = sum((v for k, v in books.items() if k in statements.INCOME_STATEMENT_LEAVES), Decimal(0))
    kpa = _values(KPA_BS, bs_totals)
    pma = _values(PMA_BS, bs_totals)
    assert kpa["BS.A"] == kpa["BS.L"]
    assert pma["PMA.BS.A"] == pma["PMA.BS.L"] == kpa["BS.A"]
    # The result shown by the income statement is what the balance sheet added to line VII.
    result = _values(KPA_IS, books)["IS.15"]
    assert result == -pnl
    assert kpa["BS.L.A.VII"] == result - books.get(statements.RESULT_LINE, Decimal(0))


@settings(max_examples=200, deadline=None)
@given(balanced_books())
def test_pma_lines_show_what_their_kpa_namesakes_show(books: dict[str, Decimal]) -> None:
    for kpa_layout, pma_layout, totals in (
        (KPA_IS, PMA_IS, books),
        (KPA_BS, PMA_BS, statements.balance_sheet_totals(books)),
    ):
        kpa = _values(kpa_layout, totals)
        for key, value in _values(pma_layout, totals).items():
            assert value == kpa[key.removeprefix("PMA.")], key


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(IS_LEAVES), _cents, max_size=20))
def test_operating_profit_is_minus_the_ledger_sum_of_lines_1_to_8(totals: dict[str, Decimal]) -> None:
    values = _values(KPA_IS, totals)
    operating = [k for k in totals if k.split(".")[1] in {"1", "2", "3", "4", "5", "6", "7", "8"}]
    assert values["IS.9"] == -sum((totals[k] for k in operating), Decimal(0))
    assert values["IS.15"] == -sum(totals.values(), Decimal(0))
