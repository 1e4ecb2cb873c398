"""Sending queued payments to the bank: pain.001.001.09 files in the outbound folder.

Invariants: every PAYMENT_QUEUED payment of every company goes into exactly one file, one file
per (company, debtor account, execution date) (`rules.group_for_files`) and category purpose
(salary payments apart, `SALA`: `rules.split_by_purpose`); a file is validated
against the XSD (`sepa.build`) and written atomically — to a temporary name in the same folder,
then renamed — so a bank connector polling the folder never sees half a file; only after the
file is in place do its payments move to PAYMENT_SENT_TO_BANK and their invoices to
PAYMENT_SENT_TO_BANK (`payment_sent`), with Kirjuri's `payment.sent_to_bank` event. The caller
commits; if that fails after the files were written, the payments stay queued and go out again
in the next run (the bank's duplicate check on MsgId/EndToEndId is the last line of defence).
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from kirjuri.banking.accounts import repository as accounts_repository
from kirjuri.banking.payments import repository, rules, sepa
from kirjuri.banking.payments.models import Payment
from kirjuri.companies import repository as companies_repository
from kirjuri.config import get_settings
from kirjuri.db.counters import next_value
from kirjuri.invoicing import lifecycle, transitions
from kirjuri.invoicing import repository as invoicing_repository
from kirjuri.webhooks import catalogue, outbox

MESSAGE_ID_PREFIX = "KIRJURI"


def _transfer(payment: Payment) -> sepa.Transfer:
    # A salary payment goes to a person whose address the contract does not carry: none is sent.
    address = (
        {}
        if payment.kind == rules.SALARY
        else rules.creditor_address(payment.document.get("recipientNameAndAddress", {}), prefix="")
    )
    return sepa.Transfer(
        end_to_end_id=str(payment.id),
        amount_minor=payment.amount_minor,
        creditor_name=payment.recipient_name,
        creditor_iban=payment.recipient_iban,
        creditor_address=address,
        creditor_bic=payment.recipient_bic,
        reference=payment.reference,
        message=payment.message,
    )


def _write_atomically(directory: Path, name: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".part-", suffix=".xml", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        target = directory / name
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _mark_sent(session: Session, *, payments: list[Payment], file_name: str, now: datetime) -> None:
    for payment in payments:
        payment.status = rules.SENT_TO_BANK
        payment.file_name = file_name
        payment.sent_at = now
        payment.version = now
        if payment.invoice_id is not None:
            invoice = invoicing_repository.get(
                session, company_id=payment.company_id, invoice_id=payment.invoice_id, lock=True
            )
            lifecycle.apply(
                session,
                invoice=invoice,
                action=transitions.PAYMENT_SENT_EVENT,
                user_id=None,
                period_day=now.date(),
            )
        outbox.emit(
            session,
            company_id=payment.company_id,
            event_type=catalogue.PAYMENT_SENT_TO_BANK,
            payload={**rules.event_payload(payment), "fileName": file_name},
        )
    session.flush()


SANDBOX_FOLDER = "sandbox"


def write_due_files(session: Session, *, now: datetime, directory: Path | None = None) -> list[Path]:
    """Write one pain.001.001.09 file per (company, debtor account, execution date, category
    purpose) of the queued payments into `directory` (default: `Settings.bank_outbound_dir`); the
    files written. A sandbox company's files go to the `sandbox/` folder under it: a testing
    environment never reaches the folder a bank connection reads, even on a production server."""
    target_dir = directory or get_settings().bank_outbound_dir
    written: list[Path] = []
    groups = rules.group_for_files(repository.due_for_files(session), today=now.date())
    for (company_id, account_id, execution_date), group in groups.items():
        company = companies_repository.company(session, company_id)
        account = accounts_repository.get(session, company_id=company_id, account_id=account_id)
        for purpose, payments in rules.split_by_purpose(group):
            number = next_value(session, company_id=company_id, name="payment_file")
            message_id = f"{MESSAGE_ID_PREFIX}-{company_id}-{number}"
            document = sepa.build(
                sepa.Batch(
                    message_id=message_id,
                    created_at=now,
                    debtor_name=company.name if company is not None else str(company_id),
                    debtor_iban=account.iban if account is not None else payments[0].payer_iban,
                    debtor_bic=account.bic if account is not None else payments[0].payer_bic,
                    execution_date=execution_date,
                    transfers=tuple(_transfer(p) for p in payments),
                    category_purpose=purpose,
                )
            )
            name = f"{message_id}-{execution_date.isoformat()}.{sepa.SCHEMA}.xml"
            folder = target_dir / SANDBOX_FOLDER if company is not None and company.is_sandbox else target_dir
            written.append(_write_atomically(folder, name, document))
            _mark_sent(session, payments=payments, file_name=name, now=now)
    return written
