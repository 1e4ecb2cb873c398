"""The statement layouts: the income statement by nature of expense (KPA 1339/1997 1 §) and the
balance sheet (KPA 6 §), each in the full KPA form and in the PMA 1753/2015 form of small and
micro companies, with Finnish, Swedish and English line names.

Every account of a chart is reported on exactly one *leaf* line of the full KPA forms (its
`line`, e.g. "BS.A.B.IV" Rahat ja pankkisaamiset); a PMA line sums several KPA leaves (its
`leaves`), so one mapping account → KPA leaf serves all four layouts. Micro companies use the same
PMA schemas as small ones and may show only the main items — which is what the PMA layouts show.

Invariants this module guards (checked when it is imported, and by the tests):

* every KPA leaf lands on exactly one BALANCE line of the PMA layout of its statement;
* a ROW_FUNCTION line is computed only from lines of its own layout, without cycles;
* row ids and keys are unique within a layout.

Signs. The ledger sums an account as debit + and credit −. Lines *show* values the way Finnish
statements print them: the income statement shows revenue positive and costs negative, so every
income-statement BALANCE line has `sign = -1` and every ROW_FUNCTION (9 Liikevoitto, 15 Tilikauden
voitto…) is a plain sum of the lines above it. The balance sheet shows both sides positive: assets
(Vastaavaa) have `sign = +1`, equity and liabilities (Vastattavaa) `sign = -1`. A ROW_FUNCTION
line works on the already shown values of other lines; its own `sign` is not used.

The period's result on the balance sheet. Nothing is ever posted automatically on 2370 Tilikauden
voitto (tappio); the balance sheet shows the result under its line VII (`RESULT_LINE`, the line of
the RESULT account of the chart) because the caller adds it there: `evaluate()` of a balance sheet
expects `leaf_totals[RESULT_LINE]` to include the sum of all income-statement ledger totals (debit
+, credit −; a profit is a credit, i.e. negative) — exactly what a closing entry would post.
`balance_sheet_totals()` does that from the totals of all leaves. Then "Vastaavaa yhteensä" equals
"Vastattavaa yhteensä" for every set of totals that balances (sums to zero).

Printing order: a group line comes before its members (as the KPA text lists them) and carries
their total; "Vastaavaa yhteensä" / "Vastattavaa yhteensä" close their side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache


class LineKind(StrEnum):
    """The contract's `AccountingReportRow.type`."""

    BALANCE = "BALANCE"  # sums the ledger totals of the accounts mapped to it
    ROW_FUNCTION = "ROW_FUNCTION"  # computed from other lines by its formula


class Statement(StrEnum):
    """The contract's `AccountingReportRequest.type` values a layout answers."""

    INCOME_STATEMENT = "INCOME_STATEMENT"
    BALANCE_SHEET = "BALANCE_SHEET"


@dataclass(frozen=True, slots=True)
class Line:
    key: str  # stable id: "IS.1", "IS.5.a.1", "BS.A.A.II.1", "BS.L.A.VII"; PMA lines "PMA.IS.5"…
    row_id: int  # stable AccountingReportRow.rowId, unique within a layout
    name_fi: str
    name_sv: str
    name_en: str
    kind: LineKind
    level: int  # indentation depth, 0 = top
    formula: tuple[tuple[int, str], ...] = ()  # ROW_FUNCTION only: (sign, line key) terms
    sign: int = 1  # BALANCE only: shown value = sign × ledger sum (see module docstring)
    leaves: tuple[str, ...] = ()  # BALANCE only: the KPA leaf keys it sums (a KPA leaf: itself)


@dataclass(frozen=True, slots=True)
class Layout:
    key: str  # "KPA_INCOME_STATEMENT", "KPA_BALANCE_SHEET", "PMA_INCOME_STATEMENT", "PMA_BALANCE_SHEET"
    name_fi: str
    name_en: str
    lines: tuple[Line, ...]  # in printing order
    statement: Statement


# The balance-sheet leaf of 2370 Tilikauden voitto (tappio): where the period's result is shown.
RESULT_LINE = "BS.L.A.VII"

_IS = -1  # income statement: credit (revenue) shows positive, debit (cost) negative
_ASSET = 1
_EQUITY_LIABILITY = -1


_Names = tuple[str, str, str]  # Finnish, Swedish, English


def _leaf(key: str, row_id: int, level: int, names: _Names, sign: int) -> Line:
    return Line(key, row_id, *names, LineKind.BALANCE, level, sign=sign, leaves=(key,))


def _sum(key: str, row_id: int, level: int, names: _Names, parts: Iterable[str]) -> Line:
    """A group or total line: the sum of the shown values of `parts`."""
    return Line(key, row_id, *names, LineKind.ROW_FUNCTION, level, formula=tuple((1, p) for p in parts))


def _is_leaf(key: str, row_id: int, level: int, names: _Names) -> Line:
    return _leaf(key, row_id, level, names, _IS)


# --- KPA 1 §: income statement by nature of expense --------------------------------------------

_KPA_INCOME = (
    _is_leaf("IS.1", 100, 0, ("Liikevaihto", "Omsättning", "Turnover")),
    _is_leaf(
        "IS.2",
        200,
        0,
        (
            "Valmiiden ja keskeneräisten tuotteiden varastojen muutos",
            "Förändring av lager av färdiga varor och varor under tillverkning",
            "Change in inventories of finished goods and work in progress",
        ),
    ),
    _is_leaf("IS.3", 300, 0, ("Valmistus omaan käyttöön", "Tillverkning för eget bruk", "Production for own use")),
    _is_leaf("IS.4", 400, 0, ("Liiketoiminnan muut tuotot", "Övriga rörelseintäkter", "Other operating income")),
    _sum(
        "IS.5",
        500,
        0,
        ("Materiaalit ja palvelut", "Material och tjänster", "Materials and services"),
        ("IS.5.a", "IS.5.b"),
    ),
    _sum(
        "IS.5.a",
        510,
        1,
        ("Aineet, tarvikkeet ja tavarat", "Material, förnödenheter och varor", "Raw materials, consumables and goods"),
        ("IS.5.a.1", "IS.5.a.2"),
    ),
    _is_leaf(
        "IS.5.a.1", 511, 2, ("Ostot tilikauden aikana", "Inköp under räkenskapsperioden", "Purchases during the period")
    ),
    _is_leaf("IS.5.a.2", 512, 2, ("Varastojen muutos", "Förändring av lager", "Change in inventories")),
    _is_leaf("IS.5.b", 520, 1, ("Ulkopuoliset palvelut", "Köpta tjänster", "External services")),
    _sum("IS.6", 600, 0, ("Henkilöstökulut", "Personalkostnader", "Personnel expenses"), ("IS.6.a", "IS.6.b")),
    _is_leaf("IS.6.a", 610, 1, ("Palkat ja palkkiot", "Löner och arvoden", "Wages and salaries")),
    _sum(
        "IS.6.b", 620, 1, ("Henkilösivukulut", "Lönebikostnader", "Social security expenses"), ("IS.6.b.1", "IS.6.b.2")
    ),
    _is_leaf("IS.6.b.1", 621, 2, ("Eläkekulut", "Pensionskostnader", "Pension expenses")),
    _is_leaf("IS.6.b.2", 622, 2, ("Muut henkilösivukulut", "Övriga lönebikostnader", "Other social security expenses")),
    _sum(
        "IS.7",
        700,
        0,
        (
            "Poistot ja arvonalentumiset",
            "Avskrivningar och nedskrivningar",
            "Depreciation, amortisation and impairment",
        ),
        ("IS.7.a", "IS.7.b", "IS.7.c"),
    ),
    _is_leaf("IS.7.a", 710, 1, ("Suunnitelman mukaiset poistot", "Avskrivningar enligt plan", "Planned depreciation")),
    _is_leaf(
        "IS.7.b",
        720,
        1,
        (
            "Arvonalentumiset pysyvien vastaavien hyödykkeistä",
            "Nedskrivningar av tillgångar bland bestående aktiva",
            "Impairment of non-current assets",
        ),
    ),
    _is_leaf(
        "IS.7.c",
        730,
        1,
        (
            "Vaihtuvien vastaavien poikkeukselliset arvonalentumiset",
            "Exceptionella nedskrivningar av tillgångar bland rörliga aktiva",
            "Exceptional impairment of current assets",
        ),
    ),
    _is_leaf("IS.8", 800, 0, ("Liiketoiminnan muut kulut", "Övriga rörelsekostnader", "Other operating expenses")),
    _sum(
        "IS.9",
        900,
        0,
        ("Liikevoitto (-tappio)", "Rörelsevinst (-förlust)", "Operating profit (loss)"),
        ("IS.1", "IS.2", "IS.3", "IS.4", "IS.5", "IS.6", "IS.7", "IS.8"),
    ),
    _sum(
        "IS.10",
        1000,
        0,
        ("Rahoitustuotot ja -kulut", "Finansiella intäkter och kostnader", "Financial income and expenses"),
        ("IS.10.a", "IS.10.b", "IS.10.c", "IS.10.d", "IS.10.e", "IS.10.f", "IS.10.g"),
    ),
    _is_leaf(
        "IS.10.a",
        1010,
        1,
        (
            "Tuotot osuuksista saman konsernin yrityksissä",
            "Intäkter från andelar i företag inom samma koncern",
            "Income from holdings in group undertakings",
        ),
    ),
    _is_leaf(
        "IS.10.b",
        1020,
        1,
        (
            "Tuotot osuuksista omistusyhteysyrityksissä",
            "Intäkter från andelar i ägarintresseföretag",
            "Income from participating interests",
        ),
    ),
    _is_leaf(
        "IS.10.c",
        1030,
        1,
        (
            "Tuotot muista pysyvien vastaavien sijoituksista",
            "Intäkter från övriga placeringar bland bestående aktiva",
            "Income from other non-current investments",
        ),
    ),
    _is_leaf(
        "IS.10.d",
        1040,
        1,
        (
            "Muut korko- ja rahoitustuotot",
            "Övriga ränteintäkter och finansiella intäkter",
            "Other interest and financial income",
        ),
    ),
    _is_leaf(
        "IS.10.e",
        1050,
        1,
        (
            "Arvonalentumiset pysyvien vastaavien sijoituksista",
            "Nedskrivningar av placeringar bland bestående aktiva",
            "Impairment of non-current investments",
        ),
    ),
    _is_leaf(
        "IS.10.f",
        1060,
        1,
        (
            "Arvonalentumiset vaihtuvien vastaavien rahoitusarvopapereista",
            "Nedskrivningar av finansiella värdepapper bland rörliga aktiva",
            "Impairment of current investments",
        ),
    ),
    _is_leaf(
        "IS.10.g",
        1070,
        1,
        (
            "Korkokulut ja muut rahoituskulut",
            "Räntekostnader och övriga finansiella kostnader",
            "Interest and other financial expenses",
        ),
    ),
    _sum(
        "IS.11",
        1100,
        0,
        (
            "Voitto (tappio) ennen tilinpäätössiirtoja ja veroja",
            "Vinst (förlust) före bokslutsdispositioner och skatter",
            "Profit (loss) before appropriations and taxes",
        ),
        ("IS.9", "IS.10"),
    ),
    _sum("IS.12", 1200, 0, ("Tilinpäätössiirrot", "Bokslutsdispositioner", "Appropriations"), ("IS.12.a", "IS.12.b")),
    _is_leaf(
        "IS.12.a",
        1210,
        1,
        ("Poistoeron muutos", "Förändring av avskrivningsdifferens", "Change in depreciation difference"),
    ),
    _is_leaf(
        "IS.12.b",
        1220,
        1,
        ("Vapaaehtoisten varausten muutos", "Förändring av frivilliga reserver", "Change in voluntary reserves"),
    ),
    _is_leaf("IS.13", 1300, 0, ("Tuloverot", "Inkomstskatter", "Income taxes")),
    _is_leaf("IS.14", 1400, 0, ("Muut välittömät verot", "Övriga direkta skatter", "Other direct taxes")),
    _sum(
        "IS.15",
        1500,
        0,
        ("Tilikauden voitto (tappio)", "Räkenskapsperiodens vinst (förlust)", "Profit (loss) for the financial year"),
        ("IS.11", "IS.12", "IS.13", "IS.14"),
    ),
)


# --- KPA 6 §: balance sheet --------------------------------------------------------------------


def _a(key: str, row_id: int, level: int, names: _Names) -> Line:
    return _leaf(key, row_id, level, names, _ASSET)


def _l(key: str, row_id: int, level: int, names: _Names) -> Line:
    return _leaf(key, row_id, level, names, _EQUITY_LIABILITY)


def _receivables(prefix: str, base: int, numbers: tuple[int, ...]) -> tuple[Line, ...]:
    """The receivable items of KPA 6 § B II, once for long-term and once for short-term."""
    names = {
        1: ("Myyntisaamiset", "Kundfordringar", "Trade receivables"),
        2: (
            "Saamiset saman konsernin yrityksiltä",
            "Fordringar hos företag inom samma koncern",
            "Receivables from group undertakings",
        ),
        3: (
            "Saamiset omistusyhteysyrityksiltä",
            "Fordringar hos ägarintresseföretag",
            "Receivables from participating interest undertakings",
        ),
        4: ("Lainasaamiset", "Lånefordringar", "Loan receivables"),
        5: ("Muut saamiset", "Övriga fordringar", "Other receivables"),
        6: (
            "Merkitty maksamaton osake-, osuus- tai muu vastaava pääoma",
            "Tecknat ointbetalt aktie-, andels- eller motsvarande kapital",
            "Subscribed capital unpaid",
        ),
        7: ("Siirtosaamiset", "Resultatregleringar", "Prepayments and accrued income"),
    }
    return tuple(_a(f"{prefix}.{n}", base + n, 3, names[n]) for n in numbers)


def _liabilities(prefix: str, base: int) -> tuple[Line, ...]:
    """The liability items of KPA 6 § D, once for long-term and once for short-term."""
    names = (
        ("Joukkovelkakirjalainat", "Obligationslån", "Bonds"),
        ("Vaihtovelkakirjalainat", "Konvertibla lån", "Convertible bonds"),
        ("Lainat rahoituslaitoksilta", "Lån från kreditinstitut", "Loans from credit institutions"),
        ("Eläkelainat", "Pensionslån", "Pension loans"),
        ("Saadut ennakot", "Erhållna förskott", "Advances received"),
        ("Ostovelat", "Leverantörsskulder", "Trade payables"),
        ("Rahoitusvekselit", "Finansväxlar", "Bills of exchange payable"),
        (
            "Velat saman konsernin yrityksille",
            "Skulder till företag inom samma koncern",
            "Amounts owed to group undertakings",
        ),
        (
            "Velat omistusyhteysyrityksille",
            "Skulder till ägarintresseföretag",
            "Amounts owed to participating interest undertakings",
        ),
        ("Muut velat", "Övriga skulder", "Other liabilities"),
        ("Siirtovelat", "Resultatregleringar", "Accruals and deferred income"),
    )
    return tuple(_l(f"{prefix}.{n}", base + n, 2, name) for n, name in enumerate(names, start=1))


_KPA_BALANCE = (
    # Vastaavaa
    _sum(
        "BS.A.A",
        11000,
        0,
        ("Pysyvät vastaavat", "Bestående aktiva", "Non-current assets"),
        ("BS.A.A.I", "BS.A.A.II", "BS.A.A.III"),
    ),
    _sum(
        "BS.A.A.I",
        11100,
        1,
        ("Aineettomat hyödykkeet", "Immateriella tillgångar", "Intangible assets"),
        (f"BS.A.A.I.{n}" for n in range(1, 6)),
    ),
    _a("BS.A.A.I.1", 11101, 2, ("Kehittämismenot", "Utvecklingsutgifter", "Development costs")),
    _a("BS.A.A.I.2", 11102, 2, ("Aineettomat oikeudet", "Immateriella rättigheter", "Intangible rights")),
    _a("BS.A.A.I.3", 11103, 2, ("Liikearvo", "Goodwill", "Goodwill")),
    _a(
        "BS.A.A.I.4",
        11104,
        2,
        (
            "Muut pitkävaikutteiset menot",
            "Övriga utgifter med lång verkningstid",
            "Other capitalised long-term expenditure",
        ),
    ),
    _a("BS.A.A.I.5", 11105, 2, ("Ennakkomaksut", "Förskottsbetalningar", "Advance payments")),
    _sum(
        "BS.A.A.II",
        11200,
        1,
        ("Aineelliset hyödykkeet", "Materiella tillgångar", "Tangible assets"),
        (f"BS.A.A.II.{n}" for n in range(1, 6)),
    ),
    _a("BS.A.A.II.1", 11201, 2, ("Maa- ja vesialueet", "Mark- och vattenområden", "Land and water areas")),
    _a(
        "BS.A.A.II.2",
        11202,
        2,
        ("Rakennukset ja rakennelmat", "Byggnader och konstruktioner", "Buildings and structures"),
    ),
    _a("BS.A.A.II.3", 11203, 2, ("Koneet ja kalusto", "Maskiner och inventarier", "Machinery and equipment")),
    _a(
        "BS.A.A.II.4",
        11204,
        2,
        ("Muut aineelliset hyödykkeet", "Övriga materiella tillgångar", "Other tangible assets"),
    ),
    _a(
        "BS.A.A.II.5",
        11205,
        2,
        (
            "Ennakkomaksut ja keskeneräiset hankinnat",
            "Förskottsbetalningar och pågående nyanläggningar",
            "Advance payments and construction in progress",
        ),
    ),
    _sum(
        "BS.A.A.III", 11300, 1, ("Sijoitukset", "Placeringar", "Investments"), (f"BS.A.A.III.{n}" for n in range(1, 7))
    ),
    _a(
        "BS.A.A.III.1",
        11301,
        2,
        (
            "Osuudet saman konsernin yrityksissä",
            "Andelar i företag inom samma koncern",
            "Holdings in group undertakings",
        ),
    ),
    _a(
        "BS.A.A.III.2",
        11302,
        2,
        (
            "Saamiset saman konsernin yrityksiltä",
            "Fordringar hos företag inom samma koncern",
            "Receivables from group undertakings",
        ),
    ),
    _a(
        "BS.A.A.III.3",
        11303,
        2,
        ("Osuudet omistusyhteysyrityksissä", "Andelar i ägarintresseföretag", "Participating interests"),
    ),
    _a(
        "BS.A.A.III.4",
        11304,
        2,
        (
            "Saamiset omistusyhteysyrityksiltä",
            "Fordringar hos ägarintresseföretag",
            "Receivables from participating interest undertakings",
        ),
    ),
    _a(
        "BS.A.A.III.5", 11305, 2, ("Muut osakkeet ja osuudet", "Övriga aktier och andelar", "Other shares and holdings")
    ),
    _a("BS.A.A.III.6", 11306, 2, ("Muut saamiset", "Övriga fordringar", "Other receivables")),
    _sum(
        "BS.A.B",
        12000,
        0,
        ("Vaihtuvat vastaavat", "Rörliga aktiva", "Current assets"),
        ("BS.A.B.I", "BS.A.B.II", "BS.A.B.III", "BS.A.B.IV"),
    ),
    _sum(
        "BS.A.B.I",
        12100,
        1,
        ("Vaihto-omaisuus", "Omsättningstillgångar", "Inventories"),
        (f"BS.A.B.I.{n}" for n in range(1, 6)),
    ),
    _a("BS.A.B.I.1", 12101, 2, ("Aineet ja tarvikkeet", "Material och förnödenheter", "Raw materials and consumables")),
    _a("BS.A.B.I.2", 12102, 2, ("Keskeneräiset tuotteet", "Varor under tillverkning", "Work in progress")),
    _a("BS.A.B.I.3", 12103, 2, ("Valmiit tuotteet/tavarat", "Färdiga produkter/varor", "Finished products/goods")),
    _a("BS.A.B.I.4", 12104, 2, ("Muu vaihto-omaisuus", "Övriga omsättningstillgångar", "Other inventories")),
    _a("BS.A.B.I.5", 12105, 2, ("Ennakkomaksut", "Förskottsbetalningar", "Advance payments")),
    _sum("BS.A.B.II", 12200, 1, ("Saamiset", "Fordringar", "Receivables"), ("BS.A.B.II.LT", "BS.A.B.II.ST")),
    _sum(
        "BS.A.B.II.LT",
        12210,
        2,
        ("Pitkäaikaiset saamiset", "Långfristiga fordringar", "Non-current receivables"),
        (f"BS.A.B.II.LT.{n}" for n in (1, 2, 3, 4, 5, 7)),
    ),
    *_receivables("BS.A.B.II.LT", 12210, (1, 2, 3, 4, 5, 7)),
    _sum(
        "BS.A.B.II.ST",
        12220,
        2,
        ("Lyhytaikaiset saamiset", "Kortfristiga fordringar", "Current receivables"),
        (f"BS.A.B.II.ST.{n}" for n in range(1, 8)),
    ),
    *_receivables("BS.A.B.II.ST", 12220, (1, 2, 3, 4, 5, 6, 7)),
    _sum(
        "BS.A.B.III",
        12300,
        1,
        ("Rahoitusarvopaperit", "Finansiella värdepapper", "Current investments"),
        ("BS.A.B.III.1", "BS.A.B.III.2", "BS.A.B.III.3"),
    ),
    _a(
        "BS.A.B.III.1",
        12301,
        2,
        (
            "Osuudet saman konsernin yrityksissä",
            "Andelar i företag inom samma koncern",
            "Holdings in group undertakings",
        ),
    ),
    _a(
        "BS.A.B.III.2", 12302, 2, ("Muut osakkeet ja osuudet", "Övriga aktier och andelar", "Other shares and holdings")
    ),
    _a("BS.A.B.III.3", 12303, 2, ("Muut arvopaperit", "Övriga värdepapper", "Other securities")),
    _a("BS.A.B.IV", 12400, 1, ("Rahat ja pankkisaamiset", "Kassa och bank", "Cash in hand and at banks")),
    _sum("BS.A", 19000, 0, ("Vastaavaa yhteensä", "Aktiva sammanlagt", "Total assets"), ("BS.A.A", "BS.A.B")),
    # Vastattavaa
    _sum(
        "BS.L.A",
        21000,
        0,
        ("Oma pääoma", "Eget kapital", "Equity"),
        ("BS.L.A.I", "BS.L.A.II", "BS.L.A.III", "BS.L.A.IV", "BS.L.A.V", "BS.L.A.VI", "BS.L.A.VII"),
    ),
    _l(
        "BS.L.A.I",
        21100,
        1,
        (
            "Osake-, osuus- tai muu vastaava pääoma",
            "Aktie-, andels- eller motsvarande kapital",
            "Share capital or equivalent",
        ),
    ),
    _l("BS.L.A.II", 21200, 1, ("Ylikurssirahasto", "Överkursfond", "Share premium account")),
    _l("BS.L.A.III", 21300, 1, ("Arvonkorotusrahasto", "Uppskrivningsfond", "Revaluation reserve")),
    _l("BS.L.A.IV", 21400, 1, ("Käyvän arvon rahasto", "Fond för verkligt värde", "Fair value reserve")),
    _sum(
        "BS.L.A.V",
        21500,
        1,
        ("Muut rahastot", "Övriga fonder", "Other reserves"),
        ("BS.L.A.V.1", "BS.L.A.V.2", "BS.L.A.V.3"),
    ),
    _l("BS.L.A.V.1", 21501, 2, ("Vararahasto", "Reservfond", "Legal reserve")),
    _l(
        "BS.L.A.V.2",
        21502,
        2,
        (
            "Yhtiöjärjestyksen tai sääntöjen mukaiset rahastot",
            "Fonder enligt bolagsordningen eller stadgarna",
            "Reserves under the articles of association or rules",
        ),
    ),
    _l("BS.L.A.V.3", 21503, 2, ("Muut rahastot", "Övriga fonder", "Other reserves")),
    _l(
        "BS.L.A.VI",
        21600,
        1,
        (
            "Edellisten tilikausien voitto (tappio)",
            "Vinst (förlust) från tidigare räkenskapsperioder",
            "Retained earnings (loss)",
        ),
    ),
    _l(
        RESULT_LINE,
        21700,
        1,
        ("Tilikauden voitto (tappio)", "Räkenskapsperiodens vinst (förlust)", "Profit (loss) for the financial year"),
    ),
    _sum(
        "BS.L.B",
        22000,
        0,
        ("Tilinpäätössiirtojen kertymä", "Ackumulerade bokslutsdispositioner", "Appropriations"),
        ("BS.L.B.1", "BS.L.B.2"),
    ),
    _l("BS.L.B.1", 22001, 1, ("Poistoero", "Avskrivningsdifferens", "Depreciation difference")),
    _l("BS.L.B.2", 22002, 1, ("Vapaaehtoiset varaukset", "Frivilliga reserver", "Voluntary reserves")),
    _sum(
        "BS.L.C",
        23000,
        0,
        ("Pakolliset varaukset", "Obligatoriska reserveringar", "Provisions"),
        ("BS.L.C.1", "BS.L.C.2", "BS.L.C.3"),
    ),
    _l("BS.L.C.1", 23001, 1, ("Eläkevaraukset", "Pensionsreserveringar", "Provisions for pensions")),
    _l("BS.L.C.2", 23002, 1, ("Verovaraukset", "Skattereserveringar", "Provisions for taxation")),
    _l("BS.L.C.3", 23003, 1, ("Muut pakolliset varaukset", "Övriga obligatoriska reserveringar", "Other provisions")),
    _sum("BS.L.D", 24000, 0, ("Vieras pääoma", "Främmande kapital", "Liabilities"), ("BS.L.D.LT", "BS.L.D.ST")),
    _sum(
        "BS.L.D.LT",
        24100,
        1,
        ("Pitkäaikainen vieras pääoma", "Långfristigt främmande kapital", "Non-current liabilities"),
        (f"BS.L.D.LT.{n}" for n in range(1, 12)),
    ),
    *_liabilities("BS.L.D.LT", 24100),
    _sum(
        "BS.L.D.ST",
        24200,
        1,
        ("Lyhytaikainen vieras pääoma", "Kortfristigt främmande kapital", "Current liabilities"),
        (f"BS.L.D.ST.{n}" for n in range(1, 12)),
    ),
    *_liabilities("BS.L.D.ST", 24200),
    _sum(
        "BS.L",
        29000,
        0,
        ("Vastattavaa yhteensä", "Passiva sammanlagt", "Total equity and liabilities"),
        ("BS.L.A", "BS.L.B", "BS.L.C", "BS.L.D"),
    ),
)


# --- PMA 1753/2015: the small (and micro) company forms -----------------------------------------
# The income statement keeps the fifteen main items; the balance sheet keeps the Roman-numeral
# items (receivables and liabilities split long-/short-term) and the equity items I–VII of the
# KPA form, so line VII stays the result line on both forms. A PMA line key is "PMA." + the key
# of the KPA line it stands for.


def _segments_start(key: str, prefix: str) -> bool:
    """`BS.A.B.II.LT.4` starts with `BS.A.B.II` but `BS.L.A.VII` does not start with `BS.L.A.V`."""
    return key == prefix or key.startswith(prefix + ".")


def _pma_of(kpa: Line, kpa_leaves: tuple[str, ...]) -> Line:
    """A PMA line that shows what the KPA line `kpa` shows: a BALANCE line over its KPA leaves."""
    leaves = tuple(k for k in kpa_leaves if _segments_start(k, kpa.key))
    sign = next(line.sign for line in _KPA_INCOME + _KPA_BALANCE if line.key == leaves[0])
    return Line(
        "PMA." + kpa.key,
        kpa.row_id,
        kpa.name_fi,
        kpa.name_sv,
        kpa.name_en,
        LineKind.BALANCE,
        kpa.level,
        sign=sign,
        leaves=leaves,
    )


def _pma_sum(kpa: Line) -> Line:
    """A PMA ROW_FUNCTION line computed like its KPA namesake, over the PMA lines of its terms."""
    formula = tuple((s, "PMA." + k) for s, k in kpa.formula)
    return Line(
        "PMA." + kpa.key,
        kpa.row_id,
        kpa.name_fi,
        kpa.name_sv,
        kpa.name_en,
        LineKind.ROW_FUNCTION,
        kpa.level,
        formula=formula,
    )


def _pma(kpa_lines: tuple[Line, ...], balance: tuple[str, ...], computed: tuple[str, ...]) -> tuple[Line, ...]:
    """The PMA form: the KPA lines named in `balance` become BALANCE lines summing their KPA
    leaves, those in `computed` stay ROW_FUNCTIONs; everything below a BALANCE line is folded into
    it. Printing order and levels follow the KPA form."""
    kpa_leaves = tuple(line.key for line in kpa_lines if line.kind is LineKind.BALANCE)
    lines: list[Line] = []
    for line in kpa_lines:
        if line.key in balance:
            lines.append(_pma_of(line, kpa_leaves))
        elif line.key in computed:
            lines.append(_pma_sum(line))
    return tuple(lines)


_PMA_INCOME = _pma(
    _KPA_INCOME,
    balance=("IS.1", "IS.2", "IS.3", "IS.4", "IS.5", "IS.6", "IS.7", "IS.8", "IS.10", "IS.12", "IS.13", "IS.14"),
    computed=("IS.9", "IS.11", "IS.15"),
)

_PMA_BALANCE = _pma(
    _KPA_BALANCE,
    balance=(
        *("BS.A.A.I", "BS.A.A.II", "BS.A.A.III", "BS.A.B.I", "BS.A.B.II.LT", "BS.A.B.II.ST", "BS.A.B.III"),
        *("BS.A.B.IV", "BS.L.A.I", "BS.L.A.II", "BS.L.A.III", "BS.L.A.IV", "BS.L.A.V", "BS.L.A.VI"),
        *(RESULT_LINE, "BS.L.B", "BS.L.C", "BS.L.D.LT", "BS.L.D.ST"),
    ),
    computed=("BS.A.A", "BS.A.B", "BS.A.B.II", "BS.A", "BS.L.A", "BS.L.D", "BS.L"),
)


LAYOUTS: dict[str, Layout] = {
    layout.key: layout
    for layout in (
        Layout(
            "KPA_INCOME_STATEMENT",
            "Tuloslaskelma (KPA 1 §)",
            "Income statement (KPA 1 §)",
            _KPA_INCOME,
            Statement.INCOME_STATEMENT,
        ),
        Layout("KPA_BALANCE_SHEET", "Tase (KPA 6 §)", "Balance sheet (KPA 6 §)", _KPA_BALANCE, Statement.BALANCE_SHEET),
        Layout(
            "PMA_INCOME_STATEMENT",
            "Tuloslaskelma, pien- ja mikroyritys (PMA)",
            "Income statement, small and micro company (PMA)",
            _PMA_INCOME,
            Statement.INCOME_STATEMENT,
        ),
        Layout(
            "PMA_BALANCE_SHEET",
            "Tase, pien- ja mikroyritys (PMA)",
            "Balance sheet, small and micro company (PMA)",
            _PMA_BALANCE,
            Statement.BALANCE_SHEET,
        ),
    )
}

# The leaf keys accounts may be mapped to, per statement.
INCOME_STATEMENT_LEAVES: frozenset[str] = frozenset(x.key for x in _KPA_INCOME if x.kind is LineKind.BALANCE)
BALANCE_SHEET_LEAVES: frozenset[str] = frozenset(x.key for x in _KPA_BALANCE if x.kind is LineKind.BALANCE)
KPA_LEAVES: frozenset[str] = INCOME_STATEMENT_LEAVES | BALANCE_SHEET_LEAVES


def _leaves_of(statement: Statement) -> frozenset[str]:
    return INCOME_STATEMENT_LEAVES if statement is Statement.INCOME_STATEMENT else BALANCE_SHEET_LEAVES


@cache
def _leaf_index(layout: Layout) -> dict[str, Line]:
    index: dict[str, Line] = {}
    for line in layout.lines:
        for leaf in line.leaves:
            index[leaf] = line
    return index


def layout_line_for(layout: Layout, leaf_line_key: str) -> Line:
    """The BALANCE line of `layout` on which an account of KPA leaf `leaf_line_key` is reported
    (the leaf itself in a KPA layout, the aggregating line in a PMA one). A leaf of the other
    statement, or no leaf at all, is a ValueError: the caller mixed up statements."""
    line = _leaf_index(layout).get(leaf_line_key)
    if line is None:
        raise ValueError(f"{leaf_line_key!r} is not a leaf line of {layout.key}")
    return line


def evaluate(layout: Layout, leaf_totals: Mapping[str, Decimal]) -> list[tuple[Line, Decimal]]:
    """Every line of `layout`, in printing order, with the value it shows.

    `leaf_totals` are ledger sums (debit +, credit −) per KPA leaf key; leaves of the other
    statement are ignored (so one mapping of all accounts can feed both statements), a key that
    is no KPA leaf is a ValueError. For a balance sheet the period's result must already be in
    `leaf_totals[RESULT_LINE]` (see `balance_sheet_totals`). Exact: no rounding happens here.
    """
    unknown = sorted(k for k in leaf_totals if k not in KPA_LEAVES)
    if unknown:
        raise ValueError(f"not KPA leaf lines: {unknown}")
    own = _leaves_of(layout.statement)
    by_key = {line.key: line for line in layout.lines}
    values: dict[str, Decimal] = {}

    def value(line: Line) -> Decimal:
        if line.key not in values:
            if line.kind is LineKind.BALANCE:
                ledger = sum((leaf_totals.get(k, Decimal(0)) for k in line.leaves if k in own), Decimal(0))
                shown = line.sign * ledger
            else:
                shown = sum((s * value(by_key[k]) for s, k in line.formula), Decimal(0))
            # −1 × 0 is Decimal("-0"): a statement never prints "-0,00".
            values[line.key] = abs(shown) if shown.is_zero() else shown
        return values[line.key]

    return [(line, value(line)) for line in layout.lines]


def balance_sheet_totals(leaf_totals: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Balance-sheet leaf totals ready for `evaluate()`: the ledger totals of all KPA leaves with
    the income-statement ones summed into `RESULT_LINE` — as the closing entry would credit a
    profit (a negative ledger sum) to 2370 Tilikauden voitto (tappio)."""
    unknown = sorted(k for k in leaf_totals if k not in KPA_LEAVES)
    if unknown:
        raise ValueError(f"not KPA leaf lines: {unknown}")
    totals = {k: v for k, v in leaf_totals.items() if k in BALANCE_SHEET_LEAVES}
    result = sum((v for k, v in leaf_totals.items() if k in INCOME_STATEMENT_LEAVES), Decimal(0))
    totals[RESULT_LINE] = totals.get(RESULT_LINE, Decimal(0)) + result
    return totals


def _check(layout: Layout) -> None:
    """The structural invariants of the module docstring; a broken table fails at import."""
    keys = [line.key for line in layout.lines]
    row_ids = [line.row_id for line in layout.lines]
    if len(set(keys)) != len(keys) or len(set(row_ids)) != len(row_ids):
        raise RuntimeError(f"{layout.key}: duplicate line key or row id")
    by_key = {line.key: line for line in layout.lines}
    seen: list[str] = [leaf for line in layout.lines for leaf in line.leaves]
    if sorted(seen) != sorted(_leaves_of(layout.statement)):
        raise RuntimeError(f"{layout.key}: KPA leaves not mapped exactly once")
    for line in layout.lines:
        ok = (
            bool(line.leaves) and not line.formula and line.sign in (1, -1)
            if line.kind is LineKind.BALANCE
            else bool(line.formula) and not line.leaves and all(k in by_key for _, k in line.formula)
        )
        if not ok:
            raise RuntimeError(f"{layout.key}: malformed line {line.key}")

    state: dict[str, int] = {}  # 1 = being visited, 2 = done

    def visit(key: str) -> None:
        if state.get(key) == 1:
            raise RuntimeError(f"{layout.key}: formula cycle through {key}")
        if state.get(key) != 2:
            state[key] = 1
            for _, k in by_key[key].formula:
                visit(k)
            state[key] = 2

    for key in keys:
        visit(key)


for _layout in LAYOUTS.values():
    _check(_layout)
