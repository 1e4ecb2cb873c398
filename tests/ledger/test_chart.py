"""ledger.chart: the default chart of accounts and the range rules for accounts users add."""

from __future__ import annotations

import pytest

from kirjuri.core import vat
from kirjuri.core.errors import KirjuriError
from kirjuri.core.text import is_cp1252
from kirjuri.ledger import chart, statements
from kirjuri.ledger.chart import AccountType, ChartAccount, Role

T = AccountType
ACCOUNTS = chart.DEFAULT_CHART
IDS = [a.code for a in ACCOUNTS]


def test_chart_has_a_realistic_size() -> None:
    assert 120 <= len(ACCOUNTS) <= 180


def test_codes_are_unique_sorted_digits() -> None:
    assert sorted(IDS) == IDS
    assert len(set(IDS)) == len(IDS)
    assert all(c.isascii() and c.isdigit() and 3 <= len(c) <= 8 for c in IDS)


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.RECEIVABLES, "1700"),
        (Role.PAYABLES, "2871"),
        (Role.VAT_RECEIVABLE, "1765"),
        (Role.VAT_PAYABLE, "2930"),
        (Role.VAT_SETTLEMENT, "2939"),
        (Role.BANK, "1910"),
        (Role.SUSPENSE, "1777"),
        (Role.RETAINED_EARNINGS, "2250"),
        (Role.RESULT, "2370"),
        (Role.SALES, "3000"),
        (Role.PURCHASES, "4000"),
        (Role.ROUNDING, "8990"),
    ],
)
def test_by_role(role: Role, code: str) -> None:
    account = chart.by_role(role)
    assert account.code == code
    assert account.role is role


def test_every_role_belongs_to_exactly_one_account() -> None:
    roles = [a.role for a in ACCOUNTS if a.role is not None]
    assert sorted(roles) == sorted(Role)


@pytest.mark.parametrize(
    ("role", "account_type"),
    [
        (Role.RECEIVABLES, T.ASSET),
        (Role.VAT_RECEIVABLE, T.ASSET),
        (Role.SUSPENSE, T.ASSET),
        (Role.BANK, T.ASSET),
        (Role.PAYABLES, T.LIABILITY),
        (Role.VAT_PAYABLE, T.LIABILITY),
        (Role.VAT_SETTLEMENT, T.LIABILITY),
        (Role.RETAINED_EARNINGS, T.EQUITY),
        (Role.RESULT, T.EQUITY),
        (Role.SALES, T.REVENUE),
        (Role.PURCHASES, T.EXPENSE),
        (Role.ROUNDING, T.EXPENSE),
    ],
)
def test_role_accounts_have_their_type(role: Role, account_type: AccountType) -> None:
    assert chart.by_role(role).account_type is account_type


def test_result_account_is_on_the_line_that_receives_the_computed_result() -> None:
    assert chart.by_role(Role.RESULT).line == statements.RESULT_LINE
    assert chart.by_role(Role.RETAINED_EARNINGS).line == "BS.L.A.VI"


@pytest.mark.parametrize("account", ACCOUNTS, ids=IDS)
def test_names_are_present_trimmed_and_windows_1252(account: ChartAccount) -> None:
    for name in (account.name_fi, account.name_sv, account.name_en):
        assert name
        assert name == name.strip()
        assert is_cp1252(name), name


def _side_of_line(line: str) -> set[AccountType]:
    """Which account types may be reported on a KPA leaf line."""
    if line in statements.INCOME_STATEMENT_LEAVES:
        return {T.REVENUE, T.EXPENSE}
    if line.startswith("BS.A."):
        return {T.ASSET}
    if line.startswith("BS.L.A."):
        return {T.EQUITY}
    return {T.LIABILITY}  # BS.L.B appropriations, BS.L.C provisions, BS.L.D liabilities


@pytest.mark.parametrize("account", ACCOUNTS, ids=IDS)
def test_line_is_a_kpa_leaf_of_the_statement_of_its_type(account: ChartAccount) -> None:
    assert account.line in statements.KPA_LEAVES
    assert account.account_type in _side_of_line(account.line)


@pytest.mark.parametrize("account", ACCOUNTS, ids=IDS)
def test_range_rules_agree_with_the_default_chart(account: ChartAccount) -> None:
    assert chart.account_type_for_code(account.code) is account.account_type
    assert chart.line_for_code(account.code) == account.line


@pytest.mark.parametrize(
    ("code", "account_type", "line"),
    [
        ("1000", T.ASSET, "BS.A.A.I.1"),
        ("1050", T.ASSET, "BS.A.A.I.3"),
        ("1159", T.ASSET, "BS.A.A.II.2"),
        ("1499", T.ASSET, "BS.A.A.III.6"),
        ("1530", T.ASSET, "BS.A.B.I.3"),
        ("1650", T.ASSET, "BS.A.B.II.LT.4"),
        ("1765", T.ASSET, "BS.A.B.II.ST.5"),
        ("1849", T.ASSET, "BS.A.B.II.ST.7"),
        ("1870", T.ASSET, "BS.A.B.III.2"),
        ("1910", T.ASSET, "BS.A.B.IV"),
        ("19101", T.ASSET, "BS.A.B.IV"),  # a sub-account belongs where its four-digit parent does
        ("191", T.ASSET, "BS.A.B.IV"),  # a short code is read as 1910
        ("12345678", T.ASSET, "BS.A.A.II.3"),  # 1234
        ("2000", T.EQUITY, "BS.L.A.I"),
        ("2065", T.EQUITY, "BS.L.A.V.3"),
        ("2399", T.EQUITY, "BS.L.A.VII"),
        ("2400", T.LIABILITY, "BS.L.B.1"),
        ("2599", T.LIABILITY, "BS.L.C.3"),
        ("2650", T.LIABILITY, "BS.L.D.LT.3"),
        ("2799", T.LIABILITY, "BS.L.D.LT.11"),
        ("2871", T.LIABILITY, "BS.L.D.ST.6"),
        ("2999", T.LIABILITY, "BS.L.D.ST.11"),
        ("3000", T.REVENUE, "IS.1"),
        ("3520", T.REVENUE, "IS.2"),
        ("3560", T.REVENUE, "IS.3"),
        ("3999", T.REVENUE, "IS.4"),
        ("4000", T.EXPENSE, "IS.5.a.1"),
        ("4450", T.EXPENSE, "IS.5.b"),
        ("4990", T.EXPENSE, "IS.5.a.2"),
        ("5999", T.EXPENSE, "IS.6.a"),
        ("6100", T.EXPENSE, "IS.6.b.1"),
        ("6699", T.EXPENSE, "IS.6.b.2"),
        ("6800", T.EXPENSE, "IS.7.a"),
        ("6999", T.EXPENSE, "IS.7.c"),
        ("7000", T.EXPENSE, "IS.8"),
        ("8999", T.EXPENSE, "IS.8"),
        ("9000", T.REVENUE, "IS.10.a"),
        ("9499", T.REVENUE, "IS.10.d"),
        ("9500", T.EXPENSE, "IS.10.e"),
        ("9799", T.EXPENSE, "IS.10.g"),
        ("9800", T.EXPENSE, "IS.12.a"),
        ("9899", T.EXPENSE, "IS.12.b"),
        ("9900", T.EXPENSE, "IS.13"),
        ("9999", T.EXPENSE, "IS.14"),
    ],
)
def test_range_rules(code: str, account_type: AccountType, line: str) -> None:
    assert chart.account_type_for_code(code) is account_type
    assert chart.line_for_code(code) == line


def test_every_four_digit_code_has_a_leaf_of_the_statement_of_its_type() -> None:
    for number in range(1000, 10000):
        code = str(number)
        line = chart.line_for_code(code)
        assert line in statements.KPA_LEAVES, code
        assert chart.account_type_for_code(code) in _side_of_line(line), code


@pytest.mark.parametrize("code", ["", "12", "123456789", "19a0", "0999", "099", " 1910", "1910 ", "-191", "١٩١٠"])
def test_invalid_codes_are_refused_with_a_field(code: str) -> None:
    for rule in (chart.account_type_for_code, chart.line_for_code):
        with pytest.raises(KirjuriError) as caught:
            rule(code, field="transactions[2].account")
        assert (caught.value.code, caught.value.status, caught.value.field) == (
            "INVALID_ACCOUNT_CODE",
            400,
            "transactions[2].account",
        )


def _expected_vat_allowed(account: ChartAccount) -> bool:
    number = int(account.code)
    if account.role is Role.ROUNDING:
        return False  # a rounding difference is not a supply
    if 1000 <= number < 1600:
        return True  # fixed assets and inventories
    if number < 3000:
        return False  # receivables, cash, equity, liabilities, VAT accounts
    no_vat_ranges = (
        (3500, 3550),  # change in finished goods (closing entry)
        (4900, 5000),  # change in inventories (closing entry)
        (5000, 6700),  # wages and social costs
        (6800, 7000),  # depreciation and impairment
        (9000, 10000),  # financial items, appropriations, taxes
    )
    return not any(start <= number < end for start, end in no_vat_ranges)


@pytest.mark.parametrize("account", ACCOUNTS, ids=IDS)
def test_vat_allowed_by_range(account: ChartAccount) -> None:
    assert account.vat_allowed is _expected_vat_allowed(account)


@pytest.mark.parametrize("account", ACCOUNTS, ids=IDS)
def test_default_vat_fits_the_account(account: ChartAccount) -> None:
    if not account.vat_allowed:
        assert (account.default_vat_status, account.default_vat_class) == (None, None)
        return
    if account.default_vat_status is None:
        assert account.default_vat_class is None
        return
    status = vat.STATUSES[account.default_vat_status]
    # Revenue accounts suggest a sales status; costs and assets a purchase status.
    side = vat.Side.SALES if account.account_type is T.REVENUE else vat.Side.PURCHASE
    treatment = status.treatment(side)
    assert treatment is not None, f"status {status.code} does not exist on the {side} side"
    if treatment is vat.Treatment.ZERO:
        assert account.default_vat_class is None
    else:
        assert account.default_vat_class in {c.value for c in vat.RateClass}


@pytest.mark.parametrize(
    ("code", "status", "vat_class"),
    [
        ("3000", 1, "GENERAL"),
        ("3100", 1, "REDUCED"),
        ("3200", 1, "LOW"),
        ("3300", 2, None),
        ("3350", 3, None),
        ("3355", 4, None),
        ("3360", 6, None),
        ("3380", 7, None),
        ("3390", 8, None),
        ("4000", 1, "GENERAL"),
        ("4110", 3, "GENERAL"),
        ("4130", 5, "GENERAL"),
        ("4420", 4, "GENERAL"),
        ("4460", 6, "GENERAL"),
        ("7950", 9, "GENERAL"),
        ("8530", 8, None),
        ("1910", None, None),
        ("2930", None, None),
        ("5000", None, None),
    ],
)
def test_default_vat_of_key_accounts(code: str, status: int | None, vat_class: str | None) -> None:
    account = next(a for a in ACCOUNTS if a.code == code)
    assert (account.default_vat_status, account.default_vat_class) == (status, vat_class)


@pytest.mark.parametrize(
    "role", [Role.VAT_RECEIVABLE, Role.VAT_PAYABLE, Role.VAT_SETTLEMENT, Role.RECEIVABLES, Role.PAYABLES, Role.BANK]
)
def test_system_balance_accounts_never_carry_vat(role: Role) -> None:
    assert chart.by_role(role).vat_allowed is False


@pytest.mark.parametrize(
    "line",
    ["BS.A.A.I", "BS.A.A.II", "BS.A.A.III", "BS.A.B.I", "BS.A.B.II", "BS.A.B.IV", "BS.L.A", "BS.L.D", "IS.1", "IS.4"],
)
def test_every_main_group_has_default_accounts(line: str) -> None:
    assert any(a.line == line or a.line.startswith(line + ".") for a in ACCOUNTS)
