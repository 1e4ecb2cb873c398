"""Bank files in: one camt.053 / camt.054 / KTL file parsed, checked and stored in one transaction.

Invariants:
- every account the file names must be one of the company's bank accounts, checked before anything
  is stored (400 `UNKNOWN_BANK_ACCOUNT` at `file`); any refusal leaves nothing stored (the caller's
  transaction rolls back; this module only flushes);
- statements, events and reference payments already stored (by their bank ids) are skipped, so a
  second import of the same file changes nothing;
- each NEW reference payment is matched once (`matching.match`) and the answer stored; each NEW
  statement debit carrying an end-to-end id is offered to `settlement.settle` (Kirjuri's own
  outgoing payments). Statement CREDITS are never matched: a camt.053 books in aggregate the
  reference payments a camt.054 / KTL file details, and those are matched on their own import —
  matching both would count every payment twice;
- one `bankstatement.imported` event per new statement and one `referencepayment.received` per new
  reference payment, in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from kirjuri.banking import importers
from kirjuri.banking.accounts import repository as accounts
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.payments import settlement
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.referencepayments import repository as payments_repository
from kirjuri.banking.referencepayments import service as payments_service
from kirjuri.banking.statements import rules, service
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.webhooks import catalogue, outbox


@dataclass
class ImportSummary:
    format: str
    statements_new: int = 0
    statements_skipped: int = 0
    events_new: int = 0
    events_skipped: int = 0
    reference_payments_new: int = 0
    reference_payments_skipped: int = 0
    matched: int = 0
    unmatched: int = 0
    settled: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as a person reads it (CLI, portal)."""
        return [
            f"Format: {self.format}",
            f"Statements: {self.statements_new} new, {self.statements_skipped} already imported",
            f"Statement events: {self.events_new} new, {self.events_skipped} already imported",
            f"Reference payments: {self.reference_payments_new} new, "
            f"{self.reference_payments_skipped} already imported",
            f"Matched to invoices: {self.matched}; to suspense (unmatched): {self.unmatched}",
            f"Own payments settled: {self.settled}",
        ]


def _accounts(session: Session, *, company_id: int, parsed: importers.ParsedFile) -> dict[str, BankAccount]:
    """The company's account of every IBAN in the file, or 400 before anything is stored."""
    found: dict[str, BankAccount] = {}
    ibans = [s.account_iban for s in parsed.statements] + [p.account_iban for p in parsed.reference_payments]
    for iban in ibans:
        if iban in found:
            continue
        account = accounts.by_iban(session, company_id=company_id, iban=iban)
        if account is None:
            raise KirjuriError("UNKNOWN_BANK_ACCOUNT", 400, "file")
        found[iban] = account
    return found


def import_file(
    session: Session, *, company_id: int, data: bytes, filename: str | None, user_id: int | None
) -> ImportSummary:
    """Parse `data` and store what is new; flushes, never commits."""
    parsed = importers.parse_file(data, filename=filename)
    by_iban = _accounts(session, company_id=company_id, parsed=parsed)
    summary = ImportSummary(format=parsed.format)
    for record in parsed.statements:
        account = by_iban[record.account_iban]
        stored = service.store_statement(
            session, company_id=company_id, account=account, record=record, user_id=user_id
        )
        summary.events_skipped += stored.skipped_events
        if stored.statement is None:
            summary.statements_skipped += 1
            continue
        summary.statements_new += 1
        summary.events_new += len(stored.new_events)
        for event, entry in stored.new_events:
            if rules.settles(entry):
                paid = settlement.settle(
                    session, company_id=company_id, entry=entry, bank_ledger_account=account.ledger_account
                )
                if paid is not None:
                    event.settled_payment_id = paid
                    # An invoice's payment shows as the event's invoice allocation; a direct transfer
                    # stays unallocated until the user books its other side (metadata rows).
                    settled = session.get(Payment, (company_id, paid))
                    event.invoice_id = settled.invoice_id if settled is not None else None
                    summary.settled += 1
        session.flush()
        statement = stored.statement
        outbox.emit(
            session,
            company_id=company_id,
            event_type=catalogue.BANKSTATEMENT_IMPORTED,
            payload={
                "id": statement.id,
                "accountNumber": statement.account_iban,
                "startDate": statement.start_date.isoformat(),
                "endDate": statement.end_date.isoformat(),
                "currency": statement.currency,
                "events": len(stored.new_events),
            },
        )
    seen: dict[str, set[str]] = {}
    for payment in parsed.reference_payments:
        account = by_iban[payment.account_iban]
        known = seen.get(account.iban)
        if known is None:
            archive_ids = [p.archive_id for p in parsed.reference_payments if by_iban[p.account_iban] is account]
            known = seen[account.iban] = payments_repository.known_archive_ids(
                session, company_id=company_id, iban=account.iban, archive_ids=archive_ids
            )
        if payment.archive_id in known:
            summary.reference_payments_skipped += 1
            continue
        known.add(payment.archive_id)
        row = payments_service.store_and_match(
            session, company_id=company_id, account=account, record=payment, user_id=user_id
        )
        summary.reference_payments_new += 1
        if row.invoice_id is not None and row.applied_minor != 0:
            summary.matched += 1
        else:
            summary.unmatched += 1
        outbox.emit(
            session,
            company_id=company_id,
            event_type=catalogue.REFERENCEPAYMENT_RECEIVED,
            payload={
                "id": row.id,
                "archiveId": row.archive_id,
                "accountNumber": row.account_iban,
                "reference": row.reference,
                "sum": str(from_minor(row.amount_minor)),
                "currency": row.currency,
                "outcome": row.outcome,
                "invoiceId": row.invoice_id,
            },
        )
    return summary
