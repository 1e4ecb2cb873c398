"""The default Finnish chart of accounts seeded into every new company, and the range rules that
classify the accounts users add.

The chart follows the 1000–9999 convention taught in Finland (DOMAIN.md §2.4.2): each range lines
up with a line of the KPA statements (`ledger.statements`), so an account's code tells its type and
its statement line. Names are given in Finnish, Swedish and English, all Windows-1252 encodable.

Invariants this module guards (checked when it is imported, and by the tests):

* DEFAULT_CHART is sorted by code, codes are unique and 3–8 digits;
* every system `Role` belongs to exactly one account — the ledger finds VAT, receivables, bank…
  accounts by role, never by a hard-coded code;
* the range tables cover 1000–9999 without gaps or overlaps, so `account_type_for_code` and
  `line_for_code` answer for every valid code (and agree with the default chart).

VAT fields. `vat_allowed` says whether a transaction on the account may carry a VAT percentage
above zero: balance-sheet accounts from 1600 on, the VAT accounts themselves, wages and social
costs, depreciation, financial items, appropriations and taxes never carry VAT; neither do the
inventory-change accounts nor the rounding account (closing entries and differences, not
supplies). `default_vat_status` is the numeric VAT status (`kirjuri.core.vat`) suggested for the
account and `default_vat_class` its rate class ("GENERAL", "REDUCED", "LOW"); the percentage
itself depends on the date, which is why names carry no percentages.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from kirjuri.core.errors import KirjuriError


class AccountType(StrEnum):
    ASSET = "ASSET"
    LIABILITY = "LIABILITY"
    EQUITY = "EQUITY"
    REVENUE = "REVENUE"
    EXPENSE = "EXPENSE"


class Role(StrEnum):
    """System roles: the ledger finds these accounts by role, never by a hard-coded code."""

    RECEIVABLES = "RECEIVABLES"  # 1700 Myyntisaamiset
    PAYABLES = "PAYABLES"  # 2871 Ostovelat
    VAT_RECEIVABLE = "VAT_RECEIVABLE"  # 1765 input VAT (deductible)
    VAT_PAYABLE = "VAT_PAYABLE"  # 2930 output VAT
    VAT_SETTLEMENT = "VAT_SETTLEMENT"  # 2939 VAT to pay for the period (tilitettävä ALV)
    BANK = "BANK"  # 1910 Pankkitili
    SUSPENSE = "SUSPENSE"  # 1777 unmatched payments (selvittelytili)
    RETAINED_EARNINGS = "RETAINED_EARNINGS"  # 2250 Edellisten tilikausien voitto (tappio)
    RESULT = "RESULT"  # 2370 Tilikauden voitto (tappio)
    SALES = "SALES"  # 3000 Myynti (default sales account)
    PURCHASES = "PURCHASES"  # 4000 Ostot (default purchase account)
    ROUNDING = "ROUNDING"  # 8990 Pyöristyserot (never used automatically)


BALANCE_SHEET_TYPES = frozenset({AccountType.ASSET.value, AccountType.LIABILITY.value, AccountType.EQUITY.value})
PROFIT_AND_LOSS_TYPES = frozenset({AccountType.REVENUE.value, AccountType.EXPENSE.value})


@dataclass(frozen=True, slots=True)
class ChartAccount:
    code: str  # "1910"; digits only, 3–8 characters
    name_fi: str
    name_sv: str
    name_en: str
    account_type: AccountType
    line: str  # key of the KPA leaf line in ledger.statements the account is reported on
    vat_allowed: bool  # may transactions on it carry vatPercent > 0?
    default_vat_status: int | None  # numeric VAT status suggested for the account
    default_vat_class: str | None  # "GENERAL" | "REDUCED" | "LOW" | None; the % depends on the date
    role: Role | None = None


# --- range rules ---------------------------------------------------------------------------------

MIN_CODE_LENGTH = 3
MAX_CODE_LENGTH = 8

# (first code of the range, value); a range ends where the next one starts, the last at 9999.
_TYPE_RANGES: tuple[tuple[int, AccountType], ...] = (
    (1000, AccountType.ASSET),
    (2000, AccountType.EQUITY),
    # Appropriations (tilinpäätössiirtojen kertymä) and provisions sit with the liabilities: they
    # are credit balances outside equity on the KPA balance sheet.
    (2400, AccountType.LIABILITY),
    (3000, AccountType.REVENUE),
    (4000, AccountType.EXPENSE),
    (9000, AccountType.REVENUE),  # financial income
    (9500, AccountType.EXPENSE),  # impairment of investments, interest, appropriations, taxes
)

_LINE_RANGES: tuple[tuple[int, str], ...] = (
    # A Pysyvät vastaavat
    (1000, "BS.A.A.I.1"),  # kehittämismenot
    (1030, "BS.A.A.I.2"),  # aineettomat oikeudet
    (1050, "BS.A.A.I.3"),  # liikearvo
    (1070, "BS.A.A.I.4"),  # muut pitkävaikutteiset menot
    (1090, "BS.A.A.I.5"),  # ennakkomaksut
    (1100, "BS.A.A.II.1"),  # maa- ja vesialueet
    (1120, "BS.A.A.II.2"),  # rakennukset
    (1160, "BS.A.A.II.3"),  # koneet ja kalusto
    (1300, "BS.A.A.II.4"),  # muut aineelliset hyödykkeet
    (1380, "BS.A.A.II.5"),  # ennakkomaksut ja keskeneräiset hankinnat
    (1400, "BS.A.A.III.1"),
    (1410, "BS.A.A.III.2"),
    (1420, "BS.A.A.III.3"),
    (1430, "BS.A.A.III.4"),
    (1440, "BS.A.A.III.5"),
    (1470, "BS.A.A.III.6"),
    # B Vaihtuvat vastaavat
    (1500, "BS.A.B.I.1"),
    (1510, "BS.A.B.I.2"),
    (1520, "BS.A.B.I.3"),
    (1540, "BS.A.B.I.4"),
    (1580, "BS.A.B.I.5"),
    (1600, "BS.A.B.II.LT.1"),
    (1620, "BS.A.B.II.LT.2"),
    (1630, "BS.A.B.II.LT.3"),
    (1640, "BS.A.B.II.LT.4"),
    (1660, "BS.A.B.II.LT.5"),
    (1690, "BS.A.B.II.LT.7"),
    (1700, "BS.A.B.II.ST.1"),
    (1720, "BS.A.B.II.ST.2"),
    (1730, "BS.A.B.II.ST.3"),
    (1740, "BS.A.B.II.ST.4"),
    (1750, "BS.A.B.II.ST.5"),  # also VAT receivable 1765 and suspense 1777
    (1790, "BS.A.B.II.ST.6"),
    (1800, "BS.A.B.II.ST.7"),
    (1850, "BS.A.B.III.1"),
    (1860, "BS.A.B.III.2"),
    (1880, "BS.A.B.III.3"),
    (1900, "BS.A.B.IV"),
    # A Oma pääoma
    (2000, "BS.L.A.I"),
    (2050, "BS.L.A.II"),
    (2060, "BS.L.A.V.3"),  # SVOP-rahasto is one of the "other reserves"
    (2070, "BS.L.A.III"),
    (2080, "BS.L.A.IV"),
    (2090, "BS.L.A.V.1"),
    (2100, "BS.L.A.V.2"),
    (2150, "BS.L.A.V.3"),
    (2200, "BS.L.A.VI"),
    (2300, "BS.L.A.VII"),
    # B Tilinpäätössiirtojen kertymä, C Pakolliset varaukset
    (2400, "BS.L.B.1"),
    (2450, "BS.L.B.2"),
    (2500, "BS.L.C.1"),
    (2530, "BS.L.C.2"),
    (2550, "BS.L.C.3"),
    # D Vieras pääoma: 2600–2799 long-term, 2800–2999 short-term
    (2600, "BS.L.D.LT.1"),
    (2620, "BS.L.D.LT.2"),
    (2630, "BS.L.D.LT.3"),
    (2670, "BS.L.D.LT.4"),
    (2690, "BS.L.D.LT.5"),
    (2700, "BS.L.D.LT.6"),
    (2710, "BS.L.D.LT.7"),
    (2720, "BS.L.D.LT.8"),
    (2730, "BS.L.D.LT.9"),
    (2740, "BS.L.D.LT.10"),
    (2780, "BS.L.D.LT.11"),
    (2800, "BS.L.D.ST.1"),
    (2820, "BS.L.D.ST.2"),
    (2830, "BS.L.D.ST.3"),
    (2850, "BS.L.D.ST.4"),
    (2860, "BS.L.D.ST.5"),
    (2870, "BS.L.D.ST.6"),
    (2880, "BS.L.D.ST.7"),
    (2885, "BS.L.D.ST.8"),
    (2890, "BS.L.D.ST.9"),
    (2900, "BS.L.D.ST.10"),  # VAT, withholding and social-security liabilities
    (2960, "BS.L.D.ST.11"),  # accruals
    # Tuloslaskelma
    (3000, "IS.1"),
    (3500, "IS.2"),
    (3550, "IS.3"),
    (3600, "IS.4"),
    (4000, "IS.5.a.1"),
    (4400, "IS.5.b"),
    (4900, "IS.5.a.2"),
    (5000, "IS.6.a"),
    (6000, "IS.6.b.1"),
    (6300, "IS.6.b.2"),
    (6800, "IS.7.a"),
    (6900, "IS.7.b"),
    (6950, "IS.7.c"),
    (7000, "IS.8"),
    (9000, "IS.10.a"),
    (9100, "IS.10.b"),
    (9150, "IS.10.c"),
    (9200, "IS.10.d"),
    (9500, "IS.10.e"),
    (9550, "IS.10.f"),
    (9600, "IS.10.g"),
    (9800, "IS.12.a"),
    (9850, "IS.12.b"),
    (9900, "IS.13"),
    (9950, "IS.14"),
)


def _range_key(code: str, field: str | None) -> int:
    """The four-digit range position of a code: a sub-account `19101` belongs where `1910` does,
    a short code `191` where `1910` does."""
    if not (code.isascii() and code.isdigit() and MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH):
        raise KirjuriError("INVALID_ACCOUNT_CODE", 400, field)
    position = int(code[:4].ljust(4, "0"))
    if position < 1000:
        raise KirjuriError("INVALID_ACCOUNT_CODE", 400, field)
    return position


_T = TypeVar("_T")


def _lookup(table: tuple[tuple[int, _T], ...], position: int) -> _T:
    return table[bisect_right([start for start, _ in table], position) - 1][1]


def account_type_for_code(code: str, *, field: str | None = None) -> AccountType:
    """The account type of any code by its range (for accounts users add). A code that is not
    3–8 digits or falls below 1000 is refused: 400 INVALID_ACCOUNT_CODE at `field`."""
    return _lookup(_TYPE_RANGES, _range_key(code, field))


def line_for_code(code: str, *, field: str | None = None) -> str:
    """The KPA leaf line (ledger.statements) of any code by its range; refuses as above."""
    return _lookup(_LINE_RANGES, _range_key(code, field))


# --- the default chart ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vat:
    allowed: bool
    status: int | None
    vat_class: str | None


_NO_VAT = _Vat(False, None, None)
_OPEN = _Vat(True, None, None)  # VAT allowed, nothing to suggest (outside VAT or case by case)
_GENERAL = _Vat(True, 1, "GENERAL")
_REDUCED = _Vat(True, 1, "REDUCED")
_LOW = _Vat(True, 1, "LOW")
_ZERO_RATED = _Vat(True, 2, None)
_EU_GOODS_SALE = _Vat(True, 3, None)
_EU_SERVICES_SALE = _Vat(True, 4, None)
_REVERSE_CHARGE_SALE = _Vat(True, 6, None)
_EXPORT = _Vat(True, 7, None)
_EXEMPT = _Vat(True, 8, None)
_EU_GOODS_PURCHASE = _Vat(True, 3, "GENERAL")
_EU_SERVICES_PURCHASE = _Vat(True, 4, "GENERAL")
_IMPORT = _Vat(True, 5, "GENERAL")
_REVERSE_CHARGE_PURCHASE = _Vat(True, 6, "GENERAL")
_NON_DEDUCTIBLE = _Vat(True, 9, "GENERAL")


@dataclass(frozen=True, slots=True)
class _Row:
    code: str
    names: tuple[str, str, str]
    vat: _Vat | None
    role: Role | None


def _a(code: str, fi: str, sv: str, en: str, *, vat: _Vat | None = None, role: Role | None = None) -> _Row:
    """One account: code and names; `vat` overrides the block's VAT default."""
    return _Row(code, (fi, sv, en), vat, role)


def _block(line: str, account_type: AccountType, vat: _Vat, *rows: _Row) -> tuple[ChartAccount, ...]:
    """The accounts reported on one KPA leaf line. The line and type are written here, apart from
    the range tables, so the tests can hold the two against each other."""
    return tuple(
        ChartAccount(
            row.code,
            *row.names,
            account_type=account_type,
            line=line,
            vat_allowed=(row.vat or vat).allowed,
            default_vat_status=(row.vat or vat).status,
            default_vat_class=(row.vat or vat).vat_class,
            role=row.role,
        )
        for row in rows
    )


_A, _L, _E = AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY
_R, _X = AccountType.REVENUE, AccountType.EXPENSE

_BLOCKS: tuple[tuple[ChartAccount, ...], ...] = (
    # --- 1000–1099 intangible assets
    _block("BS.A.A.I.1", _A, _GENERAL, _a("1020", "Kehittämismenot", "Utvecklingsutgifter", "Development costs")),
    _block(
        "BS.A.A.I.2",
        _A,
        _GENERAL,
        _a("1030", "Aineettomat oikeudet", "Immateriella rättigheter", "Intangible rights"),
    ),
    # A business transfer is outside VAT (AVL 19 a §): nothing to suggest for goodwill.
    _block("BS.A.A.I.3", _A, _OPEN, _a("1050", "Liikearvo", "Goodwill", "Goodwill")),
    _block(
        "BS.A.A.I.4",
        _A,
        _GENERAL,
        _a(
            "1070",
            "Muut pitkävaikutteiset menot",
            "Övriga utgifter med lång verkningstid",
            "Other capitalised long-term expenditure",
        ),
    ),
    _block(
        "BS.A.A.I.5",
        _A,
        _GENERAL,
        _a(
            "1090",
            "Ennakkomaksut aineettomista hyödykkeistä",
            "Förskottsbetalningar för immateriella tillgångar",
            "Advance payments for intangible assets",
        ),
    ),
    # --- 1100–1399 tangible assets
    _block(
        "BS.A.A.II.1", _A, _EXEMPT, _a("1100", "Maa- ja vesialueet", "Mark- och vattenområden", "Land and water areas")
    ),
    _block(
        "BS.A.A.II.2",
        _A,
        _GENERAL,
        _a("1120", "Rakennukset ja rakennelmat", "Byggnader och konstruktioner", "Buildings and structures"),
    ),
    _block(
        "BS.A.A.II.3",
        _A,
        _GENERAL,
        _a("1160", "Koneet ja laitteet", "Maskiner och anordningar", "Machinery and equipment"),
        _a("1170", "Kuljetusvälineet", "Transportmedel", "Vehicles"),
        _a("1180", "Atk-laitteet", "IT-utrustning", "Computer equipment"),
        _a("1200", "Kalusto", "Inventarier", "Furniture and fittings"),
    ),
    _block(
        "BS.A.A.II.4",
        _A,
        _GENERAL,
        _a("1300", "Muut aineelliset hyödykkeet", "Övriga materiella tillgångar", "Other tangible assets"),
    ),
    _block(
        "BS.A.A.II.5",
        _A,
        _GENERAL,
        _a(
            "1380",
            "Ennakkomaksut ja keskeneräiset hankinnat",
            "Förskottsbetalningar och pågående nyanläggningar",
            "Advance payments and construction in progress",
        ),
    ),
    # --- 1400–1499 investments (shares and receivables: financial, VAT-exempt)
    _block(
        "BS.A.A.III.1",
        _A,
        _EXEMPT,
        _a(
            "1400",
            "Osuudet saman konsernin yrityksissä",
            "Andelar i företag inom samma koncern",
            "Holdings in group undertakings",
        ),
    ),
    _block(
        "BS.A.A.III.5",
        _A,
        _EXEMPT,
        _a("1440", "Muut osakkeet ja osuudet", "Övriga aktier och andelar", "Other shares and holdings"),
    ),
    _block(
        "BS.A.A.III.6",
        _A,
        _EXEMPT,
        _a(
            "1470",
            "Muut pitkäaikaiset sijoitussaamiset",
            "Övriga långfristiga placeringsfordringar",
            "Other long-term investment receivables",
        ),
    ),
    # --- 1500–1599 inventories
    _block(
        "BS.A.B.I.1",
        _A,
        _GENERAL,
        _a("1500", "Aineet ja tarvikkeet", "Material och förnödenheter", "Raw materials and consumables"),
    ),
    _block(
        "BS.A.B.I.2", _A, _GENERAL, _a("1510", "Keskeneräiset tuotteet", "Varor under tillverkning", "Work in progress")
    ),
    _block(
        "BS.A.B.I.3",
        _A,
        _GENERAL,
        _a("1520", "Valmiit tuotteet", "Färdiga produkter", "Finished products"),
        _a("1530", "Tavarat", "Varor", "Goods for resale"),
    ),
    # --- 1600–1699 long-term receivables
    _block(
        "BS.A.B.II.LT.4",
        _A,
        _NO_VAT,
        _a("1640", "Pitkäaikaiset lainasaamiset", "Långfristiga lånefordringar", "Long-term loan receivables"),
    ),
    _block(
        "BS.A.B.II.LT.5",
        _A,
        _NO_VAT,
        _a("1660", "Muut pitkäaikaiset saamiset", "Övriga långfristiga fordringar", "Other long-term receivables"),
    ),
    # --- 1700–1899 short-term receivables, prepayments, securities
    _block(
        "BS.A.B.II.ST.1",
        _A,
        _NO_VAT,
        _a("1700", "Myyntisaamiset", "Kundfordringar", "Trade receivables", role=Role.RECEIVABLES),
    ),
    _block(
        "BS.A.B.II.ST.5",
        _A,
        _NO_VAT,
        _a("1750", "Muut saamiset", "Övriga fordringar", "Other receivables"),
        _a("1755", "Saamiset henkilökunnalta", "Fordringar på personalen", "Receivables from staff"),
        _a("1760", "Verotili", "Skattekonto", "Tax account (OmaVero)"),
        _a(
            "1765",
            "Arvonlisäverosaamiset",
            "Mervärdesskattefordringar",
            "VAT receivable (input VAT)",
            role=Role.VAT_RECEIVABLE,
        ),
        _a("1770", "Tuloverosaamiset", "Inkomstskattefordringar", "Income tax receivables"),
        _a("1777", "Selvittelytili", "Utredningskonto", "Suspense account", role=Role.SUSPENSE),
    ),
    _block(
        "BS.A.B.II.ST.6",
        _A,
        _NO_VAT,
        _a(
            "1790",
            "Merkitty maksamaton osakepääoma",
            "Tecknat ointbetalt aktiekapital",
            "Subscribed share capital unpaid",
        ),
    ),
    _block(
        "BS.A.B.II.ST.7",
        _A,
        _NO_VAT,
        _a("1800", "Siirtosaamiset", "Resultatregleringar", "Prepayments and accrued income"),
        _a("1810", "Ennakkoon maksetut kulut", "Förutbetalda kostnader", "Prepaid expenses"),
    ),
    _block(
        "BS.A.B.III.2",
        _A,
        _NO_VAT,
        _a(
            "1860",
            "Rahoitusarvopaperit: muut osakkeet ja osuudet",
            "Finansiella värdepapper: övriga aktier och andelar",
            "Current investments: other shares and holdings",
        ),
    ),
    # --- 1900–1999 cash and bank
    _block(
        "BS.A.B.IV",
        _A,
        _NO_VAT,
        _a("1900", "Kassa", "Kassa", "Cash in hand"),
        _a("1910", "Pankkitili", "Bankkonto", "Bank account", role=Role.BANK),
        _a("1940", "Talletustili", "Depositionskonto", "Deposit account"),
    ),
    # --- 2000–2399 equity
    _block("BS.L.A.I", _E, _NO_VAT, _a("2000", "Osakepääoma", "Aktiekapital", "Share capital")),
    _block("BS.L.A.II", _E, _NO_VAT, _a("2050", "Ylikurssirahasto", "Överkursfond", "Share premium account")),
    _block(
        "BS.L.A.V.3",
        _E,
        _NO_VAT,
        _a(
            "2060",
            "Sijoitetun vapaan oman pääoman rahasto",
            "Fonden för inbetalt fritt eget kapital",
            "Reserve for invested unrestricted equity",
        ),
        _a("2150", "Muut rahastot", "Övriga fonder", "Other reserves"),
    ),
    _block(
        "BS.L.A.VI",
        _E,
        _NO_VAT,
        _a(
            "2250",
            "Edellisten tilikausien voitto (tappio)",
            "Vinst (förlust) från tidigare räkenskapsperioder",
            "Retained earnings (loss)",
            role=Role.RETAINED_EARNINGS,
        ),
        _a("2260", "Jaetut osingot", "Utdelade dividender", "Dividends paid"),
    ),
    _block(
        "BS.L.A.VII",
        _E,
        _NO_VAT,
        _a(
            "2370",
            "Tilikauden voitto (tappio)",
            "Räkenskapsperiodens vinst (förlust)",
            "Profit (loss) for the financial year",
            role=Role.RESULT,
        ),
    ),
    # --- 2400–2599 appropriations and provisions
    _block("BS.L.B.1", _L, _NO_VAT, _a("2400", "Poistoero", "Avskrivningsdifferens", "Depreciation difference")),
    _block("BS.L.B.2", _L, _NO_VAT, _a("2450", "Vapaaehtoiset varaukset", "Frivilliga reserver", "Voluntary reserves")),
    _block(
        "BS.L.C.3",
        _L,
        _NO_VAT,
        _a("2550", "Muut pakolliset varaukset", "Övriga obligatoriska reserveringar", "Other provisions"),
    ),
    # --- 2600–2799 long-term liabilities
    _block(
        "BS.L.D.LT.3",
        _L,
        _NO_VAT,
        _a("2630", "Lainat rahoituslaitoksilta", "Lån från kreditinstitut", "Loans from credit institutions"),
    ),
    _block(
        "BS.L.D.LT.10",
        _L,
        _NO_VAT,
        _a("2740", "Muut pitkäaikaiset velat", "Övriga långfristiga skulder", "Other long-term liabilities"),
        _a("2750", "Pääomalainat", "Kapitallån", "Capital loans"),
        _a("2760", "Osakaslainat", "Delägarlån", "Shareholder loans"),
    ),
    # --- 2800–2999 short-term liabilities
    _block(
        "BS.L.D.ST.3",
        _L,
        _NO_VAT,
        _a(
            "2830",
            "Lyhytaikaiset lainat rahoituslaitoksilta",
            "Kortfristiga lån från kreditinstitut",
            "Short-term loans from credit institutions",
        ),
        _a("2840", "Pankkitilin luottolimiitti", "Checkräkningskredit", "Bank overdraft"),
    ),
    _block("BS.L.D.ST.5", _L, _NO_VAT, _a("2860", "Saadut ennakot", "Erhållna förskott", "Advances received")),
    _block(
        "BS.L.D.ST.6",
        _L,
        _NO_VAT,
        _a("2871", "Ostovelat", "Leverantörsskulder", "Trade payables", role=Role.PAYABLES),
    ),
    _block(
        "BS.L.D.ST.10",
        _L,
        _NO_VAT,
        _a("2900", "Muut velat", "Övriga skulder", "Other liabilities"),
        _a("2910", "Ennakonpidätysvelka", "Förskottsinnehållningsskuld", "Withholding tax payable"),
        _a(
            "2920",
            "Työnantajan sairausvakuutusmaksuvelka",
            "Arbetsgivarens sjukförsäkringsavgiftsskuld",
            "Employer's health insurance contribution payable",
        ),
        _a("2925", "TyEL-maksuvelka", "ArPL-avgiftsskuld", "TyEL pension contributions payable"),
        _a(
            "2926",
            "Työttömyysvakuutusmaksuvelka",
            "Arbetslöshetsförsäkringspremieskuld",
            "Unemployment insurance contributions payable",
        ),
        _a(
            "2930",
            "Arvonlisäverovelka",
            "Mervärdesskatteskuld",
            "VAT payable (output VAT)",
            role=Role.VAT_PAYABLE,
        ),
        _a(
            "2939",
            "Tilitettävä arvonlisävero",
            "Mervärdesskatt att redovisa",
            "VAT settlement (VAT to pay)",
            role=Role.VAT_SETTLEMENT,
        ),
        _a("2940", "Tuloverovelka", "Inkomstskatteskuld", "Income tax payable"),
        _a("2950", "Palkkavelat", "Löneskulder", "Wages payable"),
    ),
    _block(
        "BS.L.D.ST.11",
        _L,
        _NO_VAT,
        _a("2960", "Siirtovelat", "Resultatregleringar", "Accruals and deferred income"),
        _a("2965", "Lomapalkkavelka", "Semesterlöneskuld", "Accrued holiday pay"),
        _a(
            "2966",
            "Lomapalkkojen henkilösivukulujaksotus",
            "Periodiserade lönebikostnader på semesterlöner",
            "Accrued social costs on holiday pay",
        ),
        _a("2970", "Tuloverojen jaksotus", "Periodiserade inkomstskatter", "Accrued income taxes"),
        _a("2980", "Muut siirtovelat", "Övriga resultatregleringar", "Other accrued liabilities"),
    ),
    # --- 3000–3499 turnover
    _block(
        "IS.1",
        _R,
        _GENERAL,
        _a("3000", "Myynti", "Försäljning", "Sales", role=Role.SALES),
        _a("3010", "Palvelujen myynti", "Försäljning av tjänster", "Sales of services"),
        _a(
            "3100",
            "Myynti, ensimmäinen alennettu verokanta",
            "Försäljning, första nedsatta skattesatsen",
            "Sales, first reduced VAT rate",
            vat=_REDUCED,
        ),
        _a(
            "3200",
            "Myynti, toinen alennettu verokanta",
            "Försäljning, andra nedsatta skattesatsen",
            "Sales, second reduced VAT rate",
            vat=_LOW,
        ),
        _a("3300", "Nollaverokannan myynti", "Försäljning med nollskattesats", "Zero-rated sales", vat=_ZERO_RATED),
        _a(
            "3350",
            "Tavaramyynti muihin EU-maihin",
            "Försäljning av varor till andra EU-länder",
            "Sales of goods to other EU countries",
            vat=_EU_GOODS_SALE,
        ),
        _a(
            "3355",
            "Palvelumyynti muihin EU-maihin",
            "Försäljning av tjänster till andra EU-länder",
            "Sales of services to other EU countries",
            vat=_EU_SERVICES_SALE,
        ),
        _a(
            "3360",
            "Rakentamispalvelujen myynti, käännetty verovelvollisuus",
            "Försäljning av byggtjänster, omvänd skattskyldighet",
            "Construction services sold, reverse charge",
            vat=_REVERSE_CHARGE_SALE,
        ),
        _a(
            "3365",
            "Metalliromun myynti, käännetty verovelvollisuus",
            "Försäljning av metallskrot, omvänd skattskyldighet",
            "Scrap metal sold, reverse charge",
            vat=_REVERSE_CHARGE_SALE,
        ),
        _a("3380", "Vienti EU:n ulkopuolelle", "Export utanför EU", "Exports outside the EU", vat=_EXPORT),
        _a("3390", "Arvonlisäverottomat myynnit", "Mervärdesskattefri försäljning", "VAT-exempt sales", vat=_EXEMPT),
        _a("3400", "Myynnin alennukset", "Försäljningsrabatter", "Sales discounts"),
    ),
    # --- 3500–3599 change in finished goods, own use
    _block(
        "IS.2",
        _R,
        _NO_VAT,
        _a(
            "3500",
            "Valmiiden tuotteiden varastojen muutos",
            "Förändring av lager av färdiga produkter",
            "Change in inventories of finished goods",
        ),
    ),
    _block(
        "IS.3",
        _R,
        _OPEN,
        _a("3550", "Valmistus omaan käyttöön", "Tillverkning för eget bruk", "Production for own use"),
    ),
    # --- 3600–3999 other operating income
    _block(
        "IS.4",
        _R,
        _GENERAL,
        _a("3600", "Vuokratuotot", "Hyresintäkter", "Rental income"),
        _a("3650", "Liiketoiminnan muut tuotot", "Övriga rörelseintäkter", "Other operating income"),
        _a(
            "3660",
            "Käyttöomaisuuden myyntivoitot",
            "Försäljningsvinster på anläggningstillgångar",
            "Gains on disposal of fixed assets",
        ),
        _a("3670", "Saadut avustukset", "Erhållna bidrag", "Grants received", vat=_OPEN),
        _a("3680", "Vakuutuskorvaukset", "Försäkringsersättningar", "Insurance compensation", vat=_OPEN),
    ),
    # --- 4000–4399 purchases
    _block(
        "IS.5.a.1",
        _X,
        _GENERAL,
        _a("4000", "Ostot", "Inköp", "Purchases", role=Role.PURCHASES),
        _a(
            "4010",
            "Ostot, ensimmäinen alennettu verokanta",
            "Inköp, första nedsatta skattesatsen",
            "Purchases, first reduced VAT rate",
            vat=_REDUCED,
        ),
        _a(
            "4020",
            "Ostot, toinen alennettu verokanta",
            "Inköp, andra nedsatta skattesatsen",
            "Purchases, second reduced VAT rate",
            vat=_LOW,
        ),
        _a(
            "4100",
            "Aine- ja tarvikeostot",
            "Inköp av material och förnödenheter",
            "Purchases of materials and supplies",
        ),
        _a(
            "4110",
            "Tavaraostot muista EU-maista",
            "Gemenskapsinterna förvärv av varor",
            "Intra-EU acquisitions of goods",
            vat=_EU_GOODS_PURCHASE,
        ),
        _a(
            "4130",
            "Tavaroiden maahantuonti EU:n ulkopuolelta",
            "Import av varor från länder utanför EU",
            "Imports of goods from outside the EU",
            vat=_IMPORT,
        ),
        _a(
            "4150",
            "Metalliromun ostot, käännetty verovelvollisuus",
            "Inköp av metallskrot, omvänd skattskyldighet",
            "Scrap metal purchased, reverse charge",
            vat=_REVERSE_CHARGE_PURCHASE,
        ),
        _a("4300", "Ostorahdit", "Inköpsfrakter", "Freight on purchases"),
        _a("4350", "Ostojen alennukset", "Inköpsrabatter", "Purchase discounts"),
    ),
    # --- 4400–4899 external services
    _block(
        "IS.5.b",
        _X,
        _GENERAL,
        _a("4400", "Ulkopuoliset palvelut", "Köpta tjänster", "External services"),
        _a(
            "4420",
            "Palveluostot muista EU-maista",
            "Köp av tjänster från andra EU-länder",
            "Services purchased from other EU countries",
            vat=_EU_SERVICES_PURCHASE,
        ),
        _a("4450", "Alihankinnat", "Underleveranser", "Subcontracting"),
        _a(
            "4460",
            "Rakentamispalvelujen ostot, käännetty verovelvollisuus",
            "Köp av byggtjänster, omvänd skattskyldighet",
            "Construction services purchased, reverse charge",
            vat=_REVERSE_CHARGE_PURCHASE,
        ),
    ),
    # --- 4900–4999 change in inventories (closing entries, no VAT)
    _block(
        "IS.5.a.2",
        _X,
        _NO_VAT,
        _a(
            "4900",
            "Aine- ja tarvikevaraston muutos",
            "Förändring av material- och förnödenhetslager",
            "Change in materials inventory",
        ),
        _a("4950", "Tavaravaraston muutos", "Förändring av varulager", "Change in inventory of goods"),
    ),
    # --- 5000–6699 personnel
    _block(
        "IS.6.a",
        _X,
        _NO_VAT,
        _a("5000", "Palkat", "Löner", "Wages and salaries"),
        _a("5100", "Lomapalkat", "Semesterlöner", "Holiday pay"),
        _a("5150", "Lomarahat", "Semesterpenningar", "Holiday bonuses"),
        _a("5450", "Hallituksen palkkiot", "Styrelsearvoden", "Board fees"),
        _a("5500", "Luontoisedut", "Naturaförmåner", "Fringe benefits"),
        _a("5510", "Luontoisetujen vastatili", "Motkonto för naturaförmåner", "Fringe benefits contra account"),
        _a(
            "5800",
            "Lomapalkkavelan muutos",
            "Förändring av semesterlöneskuld",
            "Change in accrued holiday pay",
        ),
        _a("5950", "Kela-korvaukset", "Ersättningar från FPA", "Reimbursements from Kela"),
    ),
    _block(
        "IS.6.b.1",
        _X,
        _NO_VAT,
        _a("6100", "TyEL-vakuutusmaksut", "ArPL-försäkringspremier", "TyEL pension insurance contributions"),
    ),
    _block(
        "IS.6.b.2",
        _X,
        _NO_VAT,
        _a(
            "6300",
            "Työnantajan sairausvakuutusmaksut",
            "Arbetsgivarens sjukförsäkringsavgifter",
            "Employer's health insurance contributions",
        ),
        _a(
            "6400",
            "Työttömyysvakuutusmaksut",
            "Arbetslöshetsförsäkringspremier",
            "Unemployment insurance contributions",
        ),
        _a("6410", "Tapaturmavakuutusmaksut", "Olycksfallsförsäkringspremier", "Accident insurance premiums"),
        _a("6420", "Ryhmähenkivakuutusmaksut", "Grupplivförsäkringspremier", "Group life insurance premiums"),
        _a("6500", "Muut henkilösivukulut", "Övriga lönebikostnader", "Other social security costs"),
    ),
    # --- 6800–6999 depreciation and impairment
    _block(
        "IS.7.a",
        _X,
        _NO_VAT,
        _a("6800", "Suunnitelman mukaiset poistot", "Avskrivningar enligt plan", "Planned depreciation"),
        _a(
            "6830",
            "Poistot koneista ja kalustosta",
            "Avskrivningar på maskiner och inventarier",
            "Depreciation of machinery and equipment",
        ),
    ),
    _block(
        "IS.7.b",
        _X,
        _NO_VAT,
        _a(
            "6900",
            "Arvonalentumiset pysyvien vastaavien hyödykkeistä",
            "Nedskrivningar av tillgångar bland bestående aktiva",
            "Impairment of non-current assets",
        ),
    ),
    _block(
        "IS.7.c",
        _X,
        _NO_VAT,
        _a(
            "6950",
            "Vaihtuvien vastaavien poikkeukselliset arvonalentumiset",
            "Exceptionella nedskrivningar av tillgångar bland rörliga aktiva",
            "Exceptional impairment of current assets",
        ),
    ),
    # --- 7000–8999 other operating expenses
    _block(
        "IS.8",
        _X,
        _GENERAL,
        # other personnel expenses
        _a("7000", "Työterveyshuolto", "Företagshälsovård", "Occupational health care", vat=_EXEMPT),
        _a("7010", "Henkilökunnan koulutus", "Personalutbildning", "Staff training"),
        _a("7020", "Virkistystoiminta", "Rekreationsverksamhet", "Staff recreation"),
        # premises
        _a("7200", "Toimitilavuokrat", "Lokalhyror", "Premises rent"),
        _a("7210", "Sähkö ja lämmitys", "El och uppvärmning", "Electricity and heating"),
        _a("7220", "Vesi ja jätehuolto", "Vatten och avfallshantering", "Water and waste management"),
        _a("7230", "Siivous", "Städning", "Cleaning"),
        _a(
            "7240",
            "Toimitilojen korjaukset ja kunnossapito",
            "Reparation och underhåll av lokaler",
            "Premises repairs and maintenance",
        ),
        _a("7250", "Hoitovastikkeet", "Bolagsvederlag", "Housing company charges", vat=_EXEMPT),
        # machinery and IT
        _a("7300", "Koneiden ja kaluston vuokrat", "Hyror för maskiner och inventarier", "Equipment rent"),
        _a("7320", "Pienhankinnat", "Småanskaffningar", "Low-value acquisitions"),
        _a("7400", "Ohjelmistot ja pilvipalvelut", "Programvara och molntjänster", "Software and cloud services"),
        # vehicles
        _a("7500", "Ajoneuvokulut", "Fordonskostnader", "Vehicle expenses"),
        _a("7510", "Polttoaineet", "Bränsle", "Fuel"),
        _a(
            "7530",
            "Ajoneuvojen vakuutukset ja verot",
            "Fordonsförsäkringar och -skatter",
            "Vehicle insurance and taxes",
            vat=_EXEMPT,
        ),
        # travel and entertainment
        _a("7800", "Matkakulut", "Resekostnader", "Travel expenses"),
        _a("7810", "Matkaliput", "Resebiljetter", "Travel tickets", vat=_REDUCED),
        _a("7820", "Majoitus", "Logi", "Accommodation", vat=_REDUCED),
        _a("7830", "Päivärahat", "Dagtraktamenten", "Per diem allowances", vat=_OPEN),
        _a("7840", "Kilometrikorvaukset", "Kilometerersättningar", "Mileage allowances", vat=_OPEN),
        _a("7950", "Edustuskulut", "Representationskostnader", "Entertainment expenses", vat=_NON_DEDUCTIBLE),
        # selling and marketing
        _a("8000", "Markkinointikulut", "Marknadsföringskostnader", "Marketing expenses"),
        _a("8010", "Mainonta", "Reklam", "Advertising"),
        _a("8100", "Myyntiprovisiot", "Försäljningsprovisioner", "Sales commissions"),
        # administration
        _a("8400", "Puhelin- ja tietoliikennekulut", "Telefon- och datakommunikationskostnader", "Telephone and data"),
        _a("8420", "Posti- ja rahtikulut", "Post- och fraktkostnader", "Postage and delivery"),
        _a("8430", "Toimistotarvikkeet", "Kontorsmaterial", "Office supplies"),
        _a("8440", "Tietotekniikkakulut", "IT-kostnader", "IT expenses"),
        _a("8450", "Hallintokulut", "Förvaltningskostnader", "Administrative expenses"),
        _a("8460", "Kirjanpitopalvelut", "Bokföringstjänster", "Accounting services"),
        _a("8470", "Tilintarkastus", "Revision", "Audit fees"),
        _a("8490", "Konsulttipalkkiot", "Konsultarvoden", "Consulting fees"),
        _a("8500", "Vakuutukset", "Försäkringar", "Insurance", vat=_EXEMPT),
        _a("8510", "Jäsenmaksut", "Medlemsavgifter", "Membership fees", vat=_OPEN),
        _a("8520", "Kirjallisuus ja lehdet", "Litteratur och tidningar", "Books and periodicals", vat=_LOW),
        _a("8530", "Pankkikulut", "Bankkostnader", "Bank charges", vat=_EXEMPT),
        _a(
            "8540",
            "Viranomais- ja rekisteröintimaksut",
            "Myndighets- och registreringsavgifter",
            "Official and registration fees",
            vat=_OPEN,
        ),
        # other
        _a(
            "8600",
            "Myyntisaamisten luottotappiot",
            "Kreditförluster på kundfordringar",
            "Credit losses on trade receivables",
        ),
        _a(
            "8700",
            "Käyttöomaisuuden myyntitappiot",
            "Försäljningsförluster på anläggningstillgångar",
            "Losses on disposal of fixed assets",
            vat=_OPEN,
        ),
        _a("8800", "Muut liiketoiminnan kulut", "Övriga rörelsekostnader", "Other operating expenses"),
        # A rounding difference is not a supply: it never carries VAT.
        _a("8990", "Pyöristyserot", "Avrundningsdifferenser", "Rounding differences", vat=_NO_VAT, role=Role.ROUNDING),
    ),
    # --- 9000–9799 financial income and expenses
    _block(
        "IS.10.a",
        _R,
        _NO_VAT,
        _a(
            "9000",
            "Osinkotuotot saman konsernin yrityksiltä",
            "Utdelningsintäkter från företag inom samma koncern",
            "Dividend income from group undertakings",
        ),
    ),
    _block(
        "IS.10.b",
        _R,
        _NO_VAT,
        _a(
            "9100",
            "Osinkotuotot omistusyhteysyrityksiltä",
            "Utdelningsintäkter från ägarintresseföretag",
            "Dividend income from participating interests",
        ),
    ),
    _block(
        "IS.10.c",
        _R,
        _NO_VAT,
        _a(
            "9150",
            "Tuotot muista pysyvien vastaavien sijoituksista",
            "Intäkter från övriga placeringar bland bestående aktiva",
            "Income from other non-current investments",
        ),
    ),
    _block(
        "IS.10.d",
        _R,
        _NO_VAT,
        _a("9200", "Korkotuotot", "Ränteintäkter", "Interest income"),
        _a("9250", "Muut rahoitustuotot", "Övriga finansiella intäkter", "Other financial income"),
        _a("9260", "Kurssivoitot", "Kursvinster", "Exchange rate gains"),
    ),
    _block(
        "IS.10.e",
        _X,
        _NO_VAT,
        _a(
            "9500",
            "Arvonalentumiset pysyvien vastaavien sijoituksista",
            "Nedskrivningar av placeringar bland bestående aktiva",
            "Impairment of non-current investments",
        ),
    ),
    _block(
        "IS.10.f",
        _X,
        _NO_VAT,
        _a(
            "9550",
            "Arvonalentumiset vaihtuvien vastaavien rahoitusarvopapereista",
            "Nedskrivningar av finansiella värdepapper bland rörliga aktiva",
            "Impairment of current investments",
        ),
    ),
    _block(
        "IS.10.g",
        _X,
        _NO_VAT,
        _a("9600", "Korkokulut", "Räntekostnader", "Interest expenses"),
        _a("9650", "Muut rahoituskulut", "Övriga finansiella kostnader", "Other financial expenses"),
        _a("9660", "Kurssitappiot", "Kursförluster", "Exchange rate losses"),
    ),
    # --- 9800–9899 appropriations, 9900–9999 taxes
    _block(
        "IS.12.a",
        _X,
        _NO_VAT,
        _a("9800", "Poistoeron muutos", "Förändring av avskrivningsdifferens", "Change in depreciation difference"),
    ),
    _block(
        "IS.12.b",
        _X,
        _NO_VAT,
        _a(
            "9850",
            "Vapaaehtoisten varausten muutos",
            "Förändring av frivilliga reserver",
            "Change in voluntary reserves",
        ),
    ),
    _block(
        "IS.13",
        _X,
        _NO_VAT,
        _a("9900", "Tuloverot", "Inkomstskatter", "Income taxes"),
    ),
    _block("IS.14", _X, _NO_VAT, _a("9950", "Muut välittömät verot", "Övriga direkta skatter", "Other direct taxes")),
)

DEFAULT_CHART: tuple[ChartAccount, ...] = tuple(
    sorted((account for block in _BLOCKS for account in block), key=lambda a: a.code)
)

_BY_ROLE: dict[Role, ChartAccount] = {a.role: a for a in DEFAULT_CHART if a.role is not None}


def by_role(role: Role) -> ChartAccount:
    """The default-chart account of a system role."""
    return _BY_ROLE[role]


def _check() -> None:
    """The invariants of the module docstring; a broken table fails at import."""
    codes = [a.code for a in DEFAULT_CHART]
    if len(set(codes)) != len(codes):
        raise RuntimeError("duplicate account code in DEFAULT_CHART")
    for code in codes:
        _range_key(code, None)  # 3–8 digits, 1000 or above
    roles = [a.role for a in DEFAULT_CHART if a.role is not None]
    if sorted(roles) != sorted(Role):
        raise RuntimeError("every role must belong to exactly one default account")
    for table in (_TYPE_RANGES, _LINE_RANGES):
        starts = [start for start, _ in table]
        if starts[0] != 1000 or starts != sorted(set(starts)):
            raise RuntimeError("range tables must start at 1000 and ascend")


_check()
