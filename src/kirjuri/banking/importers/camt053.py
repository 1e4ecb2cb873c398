"""camt.053 bank-to-customer account statements (`BkToCstmrStmt/Stmt`, versions .001.02 and
.001.08) into `StatementRecord`s.

Invariants: a statement names a valid IBAN, one currency, its period, its opening (OPBD; PRCD
when the bank gives that instead) and closing (CLBD) booked balances, and opening + booked
entries = closing (`BALANCE_MISMATCH`); only BOOK entries are kept (pending or informational
ones are not yet money); every entry has a bank archive id unique in the file; a batch entry
keeps its transactions as `children` adding up to it. Problems are collected per entry, so one
answer lists what is wrong across the file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from kirjuri.banking.importers import common
from kirjuri.banking.importers.camt import (
    Entry,
    Node,
    Transaction,
    amount_currency,
    child_archive_id,
    credit_debit,
    date_choice,
    iso_date,
    read_entry,
)
from kirjuri.banking.importers.common import Problem, Problems
from kirjuri.banking.records import BankEntry, StatementRecord

OPENING, CLOSING = "OPBD", "CLBD"
# Some banks give the opening balance as "previously closed booked".
OPENING_FALLBACK = "PRCD"


def parse(root: Element, namespace: str) -> tuple[StatementRecord, ...]:
    """Every statement of the message, or a 400 listing the problems found."""
    problems = Problems()
    message = Node(root, "", namespace).first("BkToCstmrStmt")
    if message is None:
        raise common.refuse(Problem("MISSING_ELEMENT", "BkToCstmrStmt").message)
    message = Node(message.element, "", namespace)
    statements = message.all("Stmt")
    if not statements:
        problems.add(Problem("MISSING_ELEMENT", "Stmt"))
    seen: set[str] = set()
    records = []
    for statement in statements:
        record = _statement(statement, problems, seen)
        if record is not None:
            records.append(record)
    problems.check()
    return tuple(records)


def _statement(stmt: Node, problems: Problems, seen: set[str]) -> StatementRecord | None:
    try:
        statement_id = stmt.need_text("Id")
        account = stmt.need("Acct")
        account_iban = common.iban(account.text("Id", "IBAN"), account.where("Id", "IBAN"))
        balances = _balances(stmt)
        opening_type = OPENING if OPENING in balances else OPENING_FALLBACK
        if opening_type not in balances:
            raise Problem("MISSING_ELEMENT", stmt.where(f"Bal[{OPENING}]"))
        if CLOSING not in balances:
            raise Problem("MISSING_ELEMENT", stmt.where(f"Bal[{CLOSING}]"))
        opening, opening_ccy, opening_date, _ = balances[opening_type]
        closing, closing_ccy, closing_date, closing_where = balances[CLOSING]
        currency = opening_ccy
        if account.first("Ccy") is not None:
            currency = common.currency(account.text("Ccy"), account.where("Ccy"))
        for ccy, where in ((opening_ccy, balances[opening_type][3]), (closing_ccy, closing_where)):
            if ccy != currency:
                raise Problem("CURRENCY_MISMATCH", f"{where}/Amt/@Ccy")
        start, end = _period(stmt, opening_date, closing_date)
    except Problem as problem:
        problems.add(problem)
        return None
    entries: list[BankEntry] = []
    total = Decimal(0)
    clean = True
    for ntry in stmt.all("Ntry"):
        try:
            entry = read_entry(ntry, account_currency=currency, seen=seen)
        except Problem as problem:
            problems.add(problem)
            clean = False
            continue
        if entry is not None:
            entries.append(_bank_entry(entry))
            total += entry.amount
    if clean and opening + total != closing:
        problems.add(Problem("BALANCE_MISMATCH", closing_where))
    return StatementRecord(
        bank_statement_id=statement_id,
        account_iban=account_iban,
        currency=currency,
        start_date=start,
        end_date=end,
        opening_balance=opening,
        closing_balance=closing,
        entries=tuple(entries),
    )


def _balances(stmt: Node) -> dict[str, tuple[Decimal, str, date | None, str]]:
    """The statement's balances by type code: signed amount, currency, date, element path."""
    found: dict[str, tuple[Decimal, str, date | None, str]] = {}
    for bal in stmt.all("Bal"):
        kind = bal.text("Tp", "CdOrPrtry", "Cd") or bal.text("Tp", "CdOrPrtry", "Prtry")
        if kind not in (OPENING, OPENING_FALLBACK, CLOSING) or kind in found:
            continue
        amt = bal.need("Amt")
        value = common.amount(amt.element.text, amt.path)
        sign = credit_debit(bal.text("CdtDbtInd"), bal.where("CdtDbtInd"))
        found[kind] = (sign * value, amount_currency(amt), date_choice(bal, "Dt"), bal.path)
    return found


def _period(stmt: Node, opening: date | None, closing: date | None) -> tuple[date, date]:
    """`FrToDt` (date part of its date-times); without it, the balances' dates."""
    period = stmt.first("FrToDt")
    if period is not None:
        start = iso_date(period.text("FrDtTm"), period.where("FrDtTm"))
        end = iso_date(period.text("ToDtTm"), period.where("ToDtTm"))
    elif opening is not None and closing is not None:
        start, end = opening, closing
    else:
        raise Problem("MISSING_ELEMENT", stmt.where("FrToDt"))
    if end < start:
        raise Problem("INVALID_PERIOD", stmt.where("FrToDt"))
    return start, end


def _bank_entry(entry: Entry) -> BankEntry:
    """A booked entry: with one transaction (or none) its details are the entry's; a batch keeps
    each transaction as a child with its own archive id."""
    if len(entry.transactions) <= 1:
        tx = entry.transactions[0] if entry.transactions else None
        return _with_details(entry, entry.archive_id, entry.amount, tx)
    children = tuple(
        _with_details(entry, child_archive_id(entry, index), tx.amount or Decimal(0), tx)
        for index, tx in enumerate(entry.transactions)
    )
    return BankEntry(
        archive_id=entry.archive_id,
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=entry.amount,
        currency=entry.currency,
        explanation_code=entry.explanation_code,
        children=children,
    )


def _with_details(entry: Entry, archive_id: str, amount: Decimal, tx: Transaction | None) -> BankEntry:
    return BankEntry(
        archive_id=archive_id,
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=amount,
        currency=entry.currency,
        counterparty_name=tx.counterparty_name if tx else None,
        counterparty_account=tx.counterparty_account if tx else None,
        reference=tx.reference if tx else None,
        message=tx.message if tx else None,
        end_to_end_id=tx.end_to_end_id if tx else None,
        explanation_code=(tx.explanation_code if tx else None) or entry.explanation_code,
    )
