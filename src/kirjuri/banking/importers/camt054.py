"""camt.054 bank-to-customer debit/credit notifications (`BkToCstmrDbtCdtNtfctn/Ntfctn`,
versions .001.02 and .001.08) into `ReferencePaymentRecord`s — the ISO successor of the Finnish
incoming reference payments file.

Invariants: one record per credited transaction of a BOOK entry that carries a structured
creditor reference (`RmtInf/Strd/CdtrRefInf/Ref`, kept as given); debits, transactions without
a reference and unbooked entries are not reference payments and are left out; each record has
an archive id unique in the file (the transaction's `Refs/AcctSvcrRef`, else derived from the
entry's as in camt.053); the account is a valid IBAN; a batch adds up to its entry.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from kirjuri.banking.importers import common
from kirjuri.banking.importers.camt import Entry, Node, child_archive_id, read_entry
from kirjuri.banking.importers.common import Problem, Problems
from kirjuri.banking.records import ReferencePaymentRecord


def parse(root: Element, namespace: str) -> tuple[ReferencePaymentRecord, ...]:
    """Every reference payment of the message, or a 400 listing the problems found."""
    problems = Problems()
    message = Node(root, "", namespace).first("BkToCstmrDbtCdtNtfctn")
    if message is None:
        raise common.refuse(Problem("MISSING_ELEMENT", "BkToCstmrDbtCdtNtfctn").message)
    notifications = Node(message.element, "", namespace).all("Ntfctn")
    if not notifications:
        problems.add(Problem("MISSING_ELEMENT", "Ntfctn"))
    seen: set[str] = set()
    records: list[ReferencePaymentRecord] = []
    for notification in notifications:
        records.extend(_notification(notification, problems, seen))
    problems.check()
    return tuple(records)


def _notification(ntfctn: Node, problems: Problems, seen: set[str]) -> list[ReferencePaymentRecord]:
    try:
        account = ntfctn.need("Acct")
        account_iban = common.iban(account.text("Id", "IBAN"), account.where("Id", "IBAN"))
        currency = None
        if account.first("Ccy") is not None:
            currency = common.currency(account.text("Ccy"), account.where("Ccy"))
    except Problem as problem:
        problems.add(problem)
        return []
    records: list[ReferencePaymentRecord] = []
    for ntry in ntfctn.all("Ntry"):
        try:
            entry = read_entry(ntry, account_currency=currency, seen=seen)
        except Problem as problem:
            problems.add(problem)
            continue
        if entry is not None:
            records.extend(_payments(entry, account_iban))
    return records


def _payments(entry: Entry, account_iban: str) -> list[ReferencePaymentRecord]:
    batch = len(entry.transactions) > 1
    records = []
    for index, tx in enumerate(entry.transactions):
        # A single transaction is the entry: its booked amount is the entry's.
        amount = tx.amount if batch and tx.amount is not None else entry.amount
        if tx.reference is None or amount <= 0:
            continue
        records.append(
            ReferencePaymentRecord(
                archive_id=child_archive_id(entry, index) if batch else entry.archive_id,
                account_iban=account_iban,
                reference=tx.reference,
                amount=amount,
                currency=entry.currency,
                payment_date=tx.payment_date or entry.booking_date,
                value_date=entry.value_date,
                payer_name=tx.counterparty_name,
            )
        )
    return records
