"""The import service against a real database: new records stored, known ones skipped, an unknown
account refused with nothing stored, matching and settlement called exactly for what is new, and
the whole import one transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.importers import ParsedFile
from kirjuri.banking.payments import settlement
from kirjuri.banking.records import BankEntry, ReferencePaymentRecord
from kirjuri.banking.referencepayments import matching
from kirjuri.banking.referencepayments.matching import MatchResult
from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.banking.statements import importing
from kirjuri.banking.statements.models import BankStatement, BankStatementEvent
from kirjuri.core.errors import KirjuriError
from kirjuri.webhooks import catalogue, outbox
from tests.banking.statements.helpers import (
    OTHER_IBAN,
    add_bank_account,
    counts,
    payment,
    sample_statement,
    statement,
    use_file,
)
from tests.factories import Tenant


@pytest.fixture()
def company(session_factory: sessionmaker[Session], tenant: Tenant) -> int:
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()
    return tenant.company_id


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Record what the matcher, the settlement and the outbox are asked."""
    seen: dict[str, list[Any]] = {"match": [], "settle": [], "emit": []}

    def match(session: Session, *, company_id: int, payment: ReferencePaymentRecord, bank_ledger_account: str,
              user_id: int | None) -> MatchResult:  # fmt: skip
        seen["match"].append((payment.archive_id, bank_ledger_account))
        if payment.archive_id == "RF-1":
            return MatchResult("MATCHED", 7, payment.amount, Decimal(0), None, 70)
        return MatchResult("UNMATCHED", None, Decimal(0), payment.amount, 99, None)

    def settle(session: Session, *, company_id: int, entry: BankEntry, bank_ledger_account: str) -> int | None:
        seen["settle"].append(entry.archive_id)
        return 17

    def emit(session: Session, *, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
        seen["emit"].append((event_type, payload["id"]))

    monkeypatch.setattr(matching, "match", match)
    monkeypatch.setattr(settlement, "settle", settle)
    monkeypatch.setattr(outbox, "emit", emit)
    return seen


def run(session_factory: sessionmaker[Session], company_id: int) -> importing.ImportSummary:
    with session_factory() as session:
        summary = importing.import_file(session, company_id=company_id, data=b"x", filename="f.xml", user_id=None)
        session.commit()
        return summary


def test_a_statement_file_is_stored_with_its_batch_and_own_payments_settled(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    summary = run(session_factory, company)
    assert (summary.statements_new, summary.events_new, summary.events_skipped) == (1, 5, 0)
    assert summary.settled == 1
    # Only the debit with an end-to-end id is offered to settlement; no credit is ever matched.
    assert calls["settle"] == ["ARCH-2"]
    assert calls["match"] == []
    assert [t for t, _ in calls["emit"]] == [catalogue.BANKSTATEMENT_IMPORTED]
    with session_factory() as session:
        row = session.scalars(select(BankStatement).where(BankStatement.company_id == company)).one()
        assert (row.deposit_count, row.deposit_minor, row.withdrawal_count, row.withdrawal_minor) == (2, 42400, 1, 5000)
        events = session.scalars(
            select(BankStatementEvent).where(BankStatementEvent.company_id == company).order_by(BankStatementEvent.id)
        ).all()
        parent = next(e for e in events if e.archive_code == "ARCH-3")
        assert sorted(e.archive_code for e in events if e.parent_id == parent.id) == ["ARCH-3A", "ARCH-3B"]
        assert next(e for e in events if e.archive_code == "ARCH-2").settled_payment_id == 17


def test_a_second_import_of_the_same_file_changes_nothing(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = ParsedFile("CAMT053", statements=(sample_statement(),), reference_payments=(payment("RF-1"),))
    use_file(monkeypatch, parsed)
    run(session_factory, company)
    with session_factory() as session:
        before = counts(session, company)
    calls["match"].clear()
    calls["settle"].clear()
    again = run(session_factory, company)
    assert (again.statements_new, again.statements_skipped, again.events_new, again.events_skipped) == (0, 1, 0, 5)
    assert (again.reference_payments_new, again.reference_payments_skipped) == (0, 1)
    assert calls["match"] == [] and calls["settle"] == []
    with session_factory() as session:
        assert counts(session, company) == before == (1, 5, 1)


def test_an_overlapping_statement_skips_the_entries_already_stored(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    run(session_factory, company)
    later = statement("STMT-2", entries=(sample_statement().entries[0], sample_statement().entries[0].__class__(
        archive_id="ARCH-9", booking_date=sample_statement().start_date, value_date=sample_statement().start_date,
        amount=Decimal("5.00"), currency="EUR")))  # fmt: skip
    use_file(monkeypatch, ParsedFile("CAMT053", statements=(later,)))
    summary = run(session_factory, company)
    assert (summary.statements_new, summary.events_new, summary.events_skipped) == (1, 1, 1)


def test_reference_payments_are_matched_once_and_the_answer_stored(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("CAMT054", reference_payments=(payment("RF-1"), payment("RF-2", "10.50"))))
    summary = run(session_factory, company)
    assert (summary.reference_payments_new, summary.matched, summary.unmatched) == (2, 1, 1)
    assert calls["match"] == [("RF-1", "1910"), ("RF-2", "1910")]
    assert [t for t, _ in calls["emit"]] == [catalogue.REFERENCEPAYMENT_RECEIVED] * 2
    with session_factory() as session:
        rows = {
            r.archive_id: r
            for r in session.scalars(select(ReferencePayment).where(ReferencePayment.company_id == company))
        }
        first = rows["RF-1"]
        assert (first.outcome, first.invoice_id, first.applied_minor, first.payment_event_id) == (
            "MATCHED",
            7,
            12400,
            70,
        )
        assert (rows["RF-2"].unmatched_minor, rows["RF-2"].suspense_receipt_id) == (1050, 99)


def test_an_unknown_account_is_refused_and_nothing_is_stored(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = ParsedFile(
        "CAMT054",
        statements=(sample_statement(),),
        reference_payments=(payment("RF-1"), payment("RF-X", iban=OTHER_IBAN)),
    )
    use_file(monkeypatch, parsed)
    with session_factory() as session:
        with pytest.raises(KirjuriError) as refused:
            importing.import_file(session, company_id=company, data=b"x", filename=None, user_id=None)
        assert (refused.value.code, refused.value.status, refused.value.field) == ("UNKNOWN_BANK_ACCOUNT", 400, "file")
        assert counts(session, company) == (0, 0, 0)
    assert calls["match"] == []


def test_another_companys_account_is_unknown(
    session_factory: sessionmaker[Session], company: int, other_tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    with session_factory() as session, pytest.raises(KirjuriError, match="UNKNOWN_BANK_ACCOUNT"):
        importing.import_file(session, company_id=other_tenant.company_id, data=b"x", filename=None, user_id=None)


def test_a_failure_late_in_the_import_leaves_nothing_once_rolled_back(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: Session, **_: Any) -> MatchResult:
        raise KirjuriError("MATCH_FAILED", 400, "file")

    monkeypatch.setattr(matching, "match", broken)
    use_file(
        monkeypatch, ParsedFile("CAMT054", statements=(sample_statement(),), reference_payments=(payment("RF-1"),))
    )
    with session_factory() as session:
        with pytest.raises(KirjuriError, match="MATCH_FAILED"):
            importing.import_file(session, company_id=company, data=b"x", filename=None, user_id=None)
        session.rollback()
    with session_factory() as session:
        assert counts(session, company) == (0, 0, 0)


def test_an_amount_with_more_than_two_decimals_is_refused(
    session_factory: sessionmaker[Session], company: int, calls: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("CAMT054", reference_payments=(payment("RF-1", "1.005"),)))
    with session_factory() as session, pytest.raises(KirjuriError, match="INVALID_AMOUNT"):
        importing.import_file(session, company_id=company, data=b"x", filename=None, user_id=None)
