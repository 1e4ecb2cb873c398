"""camt.053 statements (`banking.importers.camt053`): every field of the .001.02 and .001.08
samples, and each broken variant refused with its code at its element path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kirjuri.banking.importers import parse_file
from kirjuri.banking.records import BankEntry, StatementRecord
from tests.banking.importers.samples import (
    CAMT053_V02,
    CAMT053_V08,
    FILES,
    mutate,
    parse_xml,
    refusal,
    text,
)

D = date(2026, 3, 3)
ACCOUNT = "FI2112345600000785"


def entry(archive_id: str, amount: str, **fields: object) -> BankEntry:
    values: dict[str, object] = {"booking_date": D, "value_date": D, "currency": "EUR"}
    values.update(fields)
    return BankEntry(archive_id=archive_id, amount=Decimal(amount), **values)  # type: ignore[arg-type]


BATCH_CHILDREN = (
    entry(
        "260303593497A001",
        "124.00",
        counterparty_name="Matti Meikäläinen",
        counterparty_account="FI3224746099337149",
        reference="10016",
        explanation_code=705,
    ),
    entry(
        "260303593497A002",
        "1250.50",
        counterparty_name="Oy Asiakas Ab",
        counterparty_account="FI1843023849614517",
        reference="RF4510029",
        explanation_code=705,
    ),
    # No Refs/AcctSvcrRef of its own: the entry's archive id and its place in the batch.
    entry(
        "260303593497A000-3",
        "89.90",
        counterparty_name="Kauppa Virtanen Ky",
        counterparty_account="FI2355676915010947",
        reference="20240015",
        explanation_code=705,
    ),
)

EXPECTED_ENTRIES = (
    entry("260303593497A000", "1464.40", explanation_code=705, children=BATCH_CHILDREN),
    # Only the ISO domain code PMNT/RCDT/VCOM: 705. The value date given as a date-time.
    entry(
        "260303593497A010",
        "500.00",
        counterparty_name="Yritys Oy",
        counterparty_account="FI2083803531928809",  # printed with spaces in the file
        reference="RF6110032",
        explanation_code=705,
    ),
    entry(
        "260303593497A011",
        "75.25",
        value_date=date(2026, 3, 4),
        counterparty_name="Liisa Laskunmaksaja",
        counterparty_account="FI5757283188044584",
        reference="20240028",
        explanation_code=705,
    ),
    # A debit: the creditor is the counterparty (not the debtor, which is us).
    entry(
        "260303593497B001",
        "-300.00",
        counterparty_name="Lieferant GmbH",
        counterparty_account="DE89370400440532013000",
        message="Invoice 4711",
        end_to_end_id="KIRJURI-PAY-42",
        explanation_code=720,
    ),
    entry("260303593497C001", "-4.50", explanation_code=730),
    entry(
        "260303593497A012",
        "42.00",
        counterparty_name="Pekka Puupää",
        message="Lasku 1234 kiitos",
        explanation_code=710,
    ),
    # The PDNG entry is not in the statement.
)

EXPECTED = StatementRecord(
    bank_statement_id="20260303-0062",
    account_iban=ACCOUNT,
    currency="EUR",
    start_date=D,
    end_date=D,
    opening_balance=Decimal("10000.00"),
    closing_balance=Decimal("11777.15"),
    entries=EXPECTED_ENTRIES,
)


@pytest.mark.parametrize("name", [CAMT053_V02, CAMT053_V08])
def test_every_field_of_the_sample(name: str) -> None:
    parsed = parse_file((FILES / name).read_bytes(), filename=name)
    assert parsed.format == "CAMT053"
    assert parsed.reference_payments == ()
    assert len(parsed.statements) == 1
    statement = parsed.statements[0]
    for index, expected in enumerate(EXPECTED_ENTRIES):
        assert statement.entries[index] == expected, index
    assert statement == EXPECTED


@pytest.mark.parametrize("name", [CAMT053_V02, CAMT053_V08])
def test_entries_add_up_to_the_closing_balance(name: str) -> None:
    statement = parse_file((FILES / name).read_bytes()).statements[0]
    assert statement.opening_balance + sum(e.amount for e in statement.entries) == (statement.closing_balance)
    batch = statement.entries[0]
    assert sum(child.amount for child in batch.children) == batch.amount


def test_the_file_name_is_only_a_hint() -> None:
    assert parse_file((FILES / CAMT053_V02).read_bytes(), filename="x.txt").format == "CAMT053"


def test_a_debit_opening_balance_is_negative() -> None:
    source = text(CAMT053_V02)
    source = mutate(source, "<Cd>OPBD</Cd>", "<CdtDbtInd>CRDT", "<CdtDbtInd>DBIT")
    source = mutate(
        source, "<Cd>CLBD</Cd>", "11777.15</Amt>\n        <CdtDbtInd>CRDT", "8222.85</Amt>\n        <CdtDbtInd>DBIT"
    )
    statement = parse_xml(source).statements[0]
    assert statement.opening_balance == Decimal("-10000.00")
    assert statement.closing_balance == Decimal("-8222.85")


def test_without_a_period_the_balance_dates_are_the_period() -> None:
    source = text(CAMT053_V02)
    start, end = source.index("<FrToDt>"), source.index("</FrToDt>") + len("</FrToDt>")
    statement = parse_xml(source[:start] + source[end:]).statements[0]
    assert (statement.start_date, statement.end_date) == (date(2026, 3, 2), D)


def test_previously_closed_balance_opens_when_there_is_no_opbd() -> None:
    source = mutate(text(CAMT053_V02), "<Bal>", "<Cd>OPBD</Cd>", "<Cd>PRCD</Cd>")
    assert parse_xml(source).statements[0].opening_balance == Decimal("10000.00")


def test_an_account_without_ccy_takes_the_balance_currency() -> None:
    source = mutate(text(CAMT053_V02), "<Acct>", "<Ccy>EUR</Ccy>", "")
    assert parse_xml(source).statements[0].currency == "EUR"


def test_an_iso_8859_1_file_is_read_as_declared() -> None:
    source = text(CAMT053_V02).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    parsed = parse_file(source.encode("latin-1"))
    assert parsed.statements[0].entries[5].counterparty_name == "Pekka Puupää"


def test_two_statements_in_one_message() -> None:
    source = text(CAMT053_V02)
    start, end = source.index("<Stmt>"), source.index("</Stmt>") + len("</Stmt>")
    second = source[start:end].replace("<Id>20260303-0062</Id>", "<Id>20260303-0063</Id>", 1)
    # The archive ids must stay unique in the file.
    second = second.replace("260303593497", "260303593498")
    parsed = parse_xml(source[:end] + second + source[end:])
    assert [s.bank_statement_id for s in parsed.statements] == ["20260303-0062", "20260303-0063"]
    assert parsed.statements[1].entries[0].archive_id == "260303593498A000"


BATCH = "Reference payments booked"
RF_ENTRY = "A credit transfer with an RF"
FI_ENTRY = "A credit transfer with a Finnish"
DEBIT = "Our own SEPA payment"
FEE = "The bank's service fee"
MESSAGE = "A credit transfer with a free"
PENDING = "Pending:"
TX = "Stmt[1]/Ntry[1]/NtryDtls[1]/TxDtls"

# (anchor, old, new, the message expected among the refusal's items)
BROKEN = [
    (BATCH, "1464.40", "1464.405", "INVALID_AMOUNT: Stmt[1]/Ntry[1]/Amt"),
    (RF_ENTRY, ">500.00<", ">-500.00<", "INVALID_AMOUNT: Stmt[1]/Ntry[2]/Amt"),
    (RF_ENTRY, ">500.00<", ">5E2<", "INVALID_AMOUNT: Stmt[1]/Ntry[2]/Amt"),
    (RF_ENTRY, ">500.00<", "><", "INVALID_AMOUNT: Stmt[1]/Ntry[2]/Amt"),
    (RF_ENTRY, ">500.00<", ">500,00<", "INVALID_AMOUNT: Stmt[1]/Ntry[2]/Amt"),
    (FI_ENTRY, 'Ccy="EUR"', 'Ccy="USD"', "CURRENCY_MISMATCH: Stmt[1]/Ntry[3]/Amt/@Ccy"),
    (FI_ENTRY, 'Ccy="EUR"', 'Ccy="euro"', "INVALID_CURRENCY: Stmt[1]/Ntry[3]/Amt/@Ccy"),
    (FI_ENTRY, ' Ccy="EUR"', "", "INVALID_CURRENCY: Stmt[1]/Ntry[3]/Amt/@Ccy"),
    (FI_ENTRY, '<Amt Ccy="EUR">75.25</Amt>', "", "MISSING_ELEMENT: Stmt[1]/Ntry[3]/Amt"),
    (DEBIT, "2026-03-03", "2026-02-30", "INVALID_DATE: Stmt[1]/Ntry[4]/BookgDt/Dt"),
    (DEBIT, "<BookgDt><Dt>2026-03-03</Dt></BookgDt>", "", "MISSING_ELEMENT: Stmt[1]/Ntry[4]/BookgDt"),
    (
        DEBIT,
        "<BookgDt><Dt>2026-03-03</Dt>",
        "<BookgDt><Date>2026-03-03</Date>",
        "MISSING_ELEMENT: Stmt[1]/Ntry[4]/BookgDt/Dt",
    ),
    (DEBIT, "<ValDt><Dt>2026-03-03", "<ValDt><Dt>03.03.2026", "INVALID_DATE: Stmt[1]/Ntry[4]/ValDt/Dt"),
    (DEBIT, ">DBIT<", ">DEBIT<", "INVALID_CREDIT_DEBIT_INDICATOR: Stmt[1]/Ntry[4]/CdtDbtInd"),
    (DEBIT, "<CdtDbtInd>DBIT</CdtDbtInd>", "", "MISSING_ELEMENT: Stmt[1]/Ntry[4]/CdtDbtInd"),
    (
        DEBIT,
        "DE89370400440532013000",
        "DE89370400440532013001",
        "INVALID_IBAN: Stmt[1]/Ntry[4]/NtryDtls[1]/TxDtls[1]/RltdPties/CdtrAcct/Id/IBAN",
    ),
    (FEE, "<AcctSvcrRef>260303593497C001</AcctSvcrRef>", "", "MISSING_ELEMENT: Stmt[1]/Ntry[5]/AcctSvcrRef"),
    (FEE, "260303593497C001", "X" * 36, "INVALID_ARCHIVE_ID: Stmt[1]/Ntry[5]/AcctSvcrRef"),
    (MESSAGE, "260303593497A012", "260303593497A011", "DUPLICATE_ARCHIVE_ID: Stmt[1]/Ntry[6]/AcctSvcrRef"),
    (MESSAGE, "260303593497A012", "260303593497A001", "DUPLICATE_ARCHIVE_ID: Stmt[1]/Ntry[6]/AcctSvcrRef"),
    (MESSAGE, "<Sts>BOOK</Sts>", "", "MISSING_ELEMENT: Stmt[1]/Ntry[6]/Sts"),
    (PENDING, "PDNG", "BOOK", "MISSING_ELEMENT: Stmt[1]/Ntry[7]/AcctSvcrRef"),
    (BATCH, "1250.50", "1250.00", "BATCH_SUM_MISMATCH: Stmt[1]/Ntry[1]"),
    (BATCH, '<AmtDtls><TxAmt><Amt Ccy="EUR">89.90</Amt></TxAmt></AmtDtls>', "", f"MISSING_ELEMENT: {TX}[3]/Amt"),
    (BATCH, '<Amt Ccy="EUR">89.90', '<Amt Ccy="SEK">89.90', f"CURRENCY_MISMATCH: {TX}[3]/Amt/@Ccy"),
    (BATCH, "FI3224746099337149", "FI3224746099337148", f"INVALID_IBAN: {TX}[1]/RltdPties/DbtrAcct/Id/IBAN"),
    (BATCH, "<AccptncDtTm>2026-03-02T10:15:00", "<AccptncDtTm>yesterday", f"INVALID_DATE: {TX}[1]/RltdDts/AccptncDtTm"),
    (BATCH, "260303593497A002", "260303593497A001", f"DUPLICATE_ARCHIVE_ID: {TX}[2]/Refs/AcctSvcrRef"),
    ("<Acct>", ACCOUNT, "FI2112345600000786", "INVALID_IBAN: Stmt[1]/Acct/Id/IBAN"),
    ("<Acct>", f"<IBAN>{ACCOUNT}</IBAN>", "<Othr><Id>12345</Id></Othr>", "MISSING_ELEMENT: Stmt[1]/Acct/Id/IBAN"),
    ("<Acct>", "<Ccy>EUR</Ccy>", "<Ccy>SEK</Ccy>", "CURRENCY_MISMATCH: Stmt[1]/Bal[1]/Amt/@Ccy"),
    ("<Stmt>", "<Id>20260303-0062</Id>", "", "MISSING_ELEMENT: Stmt[1]/Id"),
    ("<FrToDt>", "2026-03-03T00", "2026-13-03T00", "INVALID_DATE: Stmt[1]/FrToDt/FrDtTm"),
    ("<FrToDt>", "2026-03-03T23", "2026-03-01T23", "INVALID_PERIOD: Stmt[1]/FrToDt"),
    ("<Bal>", "<Cd>OPBD</Cd>", "<Cd>ITBD</Cd>", "MISSING_ELEMENT: Stmt[1]/Bal[OPBD]"),
    ("<Bal>", "<Cd>CLBD</Cd>", "<Cd>ITBD</Cd>", "MISSING_ELEMENT: Stmt[1]/Bal[CLBD]"),
    ("<Bal>", "10000.00", "10000.001", "INVALID_AMOUNT: Stmt[1]/Bal[1]/Amt"),
    ("<Cd>CLBD</Cd>", "11777.15", "11777.16", "BALANCE_MISMATCH: Stmt[1]/Bal[2]"),
    ("<Cd>CLBD</Cd>", "CRDT", "DBIT", "BALANCE_MISMATCH: Stmt[1]/Bal[2]"),
    ("<Cd>CLBD</Cd>", "CRDT", "", "MISSING_ELEMENT: Stmt[1]/Bal[2]/CdtDbtInd"),
]


@pytest.mark.parametrize(("anchor", "old", "new", "message"), BROKEN)
@pytest.mark.parametrize("name", [CAMT053_V02])
def test_a_broken_statement_is_refused_where_it_is_broken(
    name: str, anchor: str, old: str, new: str, message: str
) -> None:
    source = mutate(text(name), anchor, old, new)
    assert message in refusal(source.encode("utf-8"))


BROKEN_V08 = [
    (RF_ENTRY, "<Sts><Cd>BOOK</Cd></Sts>", "<Sts><Prtry>X</Prtry></Sts>", "MISSING_ELEMENT: Stmt[1]/Ntry[2]/Sts"),
    ("<TxDtls>", ">CRDT<", ">CR<", f"INVALID_CREDIT_DEBIT_INDICATOR: {TX}[1]/CdtDbtInd"),
    ("<TxDtls>", "FI3224746099337149", "NOT-AN-IBAN", f"INVALID_IBAN: {TX}[1]/RltdPties/DbtrAcct/Id/IBAN"),
    # A batch transaction's own indicator counts: one debit no longer adds up to the entry.
    ("<TxDtls>", ">CRDT<", ">DBIT<", "BATCH_SUM_MISMATCH: Stmt[1]/Ntry[1]"),
    # The entry's indicator turned: the credited transactions no longer add up to it.
    (BATCH, ">CRDT<", ">DBIT<", "BATCH_SUM_MISMATCH: Stmt[1]/Ntry[1]"),
    (BATCH, ">124.00<", ">124.0000001<", f"INVALID_AMOUNT: {TX}[1]/Amt"),
]


@pytest.mark.parametrize(("anchor", "old", "new", "message"), BROKEN_V08)
def test_a_broken_v08_statement(anchor: str, old: str, new: str, message: str) -> None:
    source = mutate(text(CAMT053_V08), anchor, old, new)
    assert message in refusal(source.encode("utf-8"))


def test_every_problem_of_the_file_is_listed() -> None:
    source = mutate(text(CAMT053_V02), RF_ENTRY, ">500.00<", ">x<")
    source = mutate(source, DEBIT, ">DBIT<", ">?<")
    assert refusal(source.encode("utf-8")) == [
        "INVALID_AMOUNT: Stmt[1]/Ntry[2]/Amt",
        "INVALID_CREDIT_DEBIT_INDICATOR: Stmt[1]/Ntry[4]/CdtDbtInd",
    ]


def test_a_pending_entry_is_left_out_however_incomplete() -> None:
    source = mutate(text(CAMT053_V02), PENDING, "<BookgDt>", "<Other>")
    source = source.replace("<Other><Dt>2026-03-04</Dt></BookgDt>", "")
    assert len(parse_xml(source).statements[0].entries) == len(EXPECTED_ENTRIES)
