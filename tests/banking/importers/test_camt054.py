"""camt.054 notifications (`banking.importers.camt054`): every reference payment of the sample,
what is left out, and each broken variant refused at its element path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kirjuri.banking.importers import parse_file
from kirjuri.banking.records import ReferencePaymentRecord
from tests.banking.importers.samples import CAMT054_V02, FILES, mutate, parse_xml, refusal, text

ACCOUNT = "FI2112345600000785"


def payment(
    archive_id: str, reference: str, amount: str, paid: date, payer: str, *, valued: date = date(2026, 3, 3)
) -> ReferencePaymentRecord:
    return ReferencePaymentRecord(
        archive_id=archive_id,
        account_iban=ACCOUNT,
        reference=reference,
        amount=Decimal(amount),
        currency="EUR",
        payment_date=paid,
        value_date=valued,
        payer_name=payer,
    )


EXPECTED = (
    payment("260303593497A001", "10016", "124.00", date(2026, 3, 2), "Matti Meikäläinen"),
    payment("260303593497A002", "RF4510029", "1250.50", date(2026, 3, 2), "Oy Asiakas Ab"),
    payment("260303593497A003", "20240015", "89.90", date(2026, 3, 1), "Kauppa Virtanen Ky"),
    # No acceptance date: paid on the booking date; valued the next day.
    payment("260303593497A011", "20240028", "75.25", date(2026, 3, 3), "Liisa Laskunmaksaja", valued=date(2026, 3, 4)),
    # Left out: the credit without a reference, the debit with one.
)


def test_every_reference_payment_of_the_sample() -> None:
    parsed = parse_file((FILES / CAMT054_V02).read_bytes())
    assert parsed.format == "CAMT054"
    assert parsed.statements == ()
    for index, expected in enumerate(EXPECTED):
        assert parsed.reference_payments[index] == expected, index
    assert parsed.reference_payments == EXPECTED


def test_version_08_reads_the_same() -> None:
    source = text(CAMT054_V02).replace("camt.054.001.02", "camt.054.001.08")
    source = source.replace("<Sts>BOOK</Sts>", "<Sts><Cd>BOOK</Cd></Sts>")
    source = source.replace("<Dbtr><Nm>", "<Dbtr><Pty><Nm>").replace("</Nm></Dbtr>", "</Nm></Pty></Dbtr>")
    assert parse_xml(source).reference_payments == EXPECTED


def test_a_batch_transaction_without_its_own_archive_id_gets_a_derived_one() -> None:
    source = mutate(text(CAMT054_V02), "<TxDtls>", "<AcctSvcrRef>260303593497A001</AcctSvcrRef>", "")
    assert parse_xml(source).reference_payments[0].archive_id == "260303593497A000-1"


def test_a_pending_notification_entry_is_no_payment() -> None:
    source = mutate(text(CAMT054_V02), "A single reference payment", "<Sts>BOOK", "<Sts>PDNG")
    assert [p.archive_id for p in parse_xml(source).reference_payments] == [e.archive_id for e in EXPECTED[:3]]


TX = "Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls"
BROKEN = [
    ("<Acct>", ACCOUNT, "FI21123456000007851", "INVALID_IBAN: Ntfctn[1]/Acct/Id/IBAN"),
    ("<Acct>", "<Ccy>EUR</Ccy>", "<Ccy>Euro</Ccy>", "INVALID_CURRENCY: Ntfctn[1]/Acct/Ccy"),
    ("<Acct>", "<Ccy>EUR</Ccy>", "<Ccy>SEK</Ccy>", "CURRENCY_MISMATCH: Ntfctn[1]/Ntry[1]/Amt/@Ccy"),
    ("<TxDtls>", ">124.00<", ">124.001<", f"INVALID_AMOUNT: {TX}[1]/AmtDtls/TxAmt/Amt"),
    ("<TxDtls>", ">124.00<", ">124.01<", "BATCH_SUM_MISMATCH: Ntfctn[1]/Ntry[1]"),
    ("<TxDtls>", "260303593497A002", "260303593497A001", f"DUPLICATE_ARCHIVE_ID: {TX}[2]/Refs/AcctSvcrRef"),
    ("<TxDtls>", "2026-03-01T21:05:00", "2026-03-01 21:05", f"INVALID_DATE: {TX}[3]/RltdDts/AccptncDtTm"),
    (
        "A single reference payment",
        "<AcctSvcrRef>260303593497A011</AcctSvcrRef>",
        "",
        "MISSING_ELEMENT: Ntfctn[1]/Ntry[2]/AcctSvcrRef",
    ),
    ("A single reference payment", "2026-03-04", "2026-03-32", "INVALID_DATE: Ntfctn[1]/Ntry[2]/ValDt/Dt"),
    ("A debit carrying", ">DBIT<", ">DR<", "INVALID_CREDIT_DEBIT_INDICATOR: Ntfctn[1]/Ntry[4]/CdtDbtInd"),
]


@pytest.mark.parametrize(("anchor", "old", "new", "message"), BROKEN)
def test_a_broken_notification_is_refused_where_it_is_broken(anchor: str, old: str, new: str, message: str) -> None:
    source = mutate(text(CAMT054_V02), anchor, old, new)
    assert message in refusal(source.encode("utf-8"))


def test_a_message_without_notifications() -> None:
    source = text(CAMT054_V02)
    start, end = source.index("<Ntfctn>"), source.index("</Ntfctn>") + len("</Ntfctn>")
    assert refusal((source[:start] + source[end:]).encode()) == ["MISSING_ELEMENT: Ntfctn"]
