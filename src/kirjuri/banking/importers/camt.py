"""The part of ISO 20022 bank-to-customer messages that camt.053 and camt.054 share: walking the
tree with element paths, and reading one `Ntry` with its `TxDtls` (versions .001.02 and .001.08).

Invariants: every value read is checked where it is read, and a bad one is a `Problem` at its
element path (`Stmt[1]/Ntry[3]/Amt`); an entry's amount is signed from the account owner's view
(CRDT +, DBIT −) and in the account's currency; a batch's transactions add up to the entry; the
literal `NOTPROVIDED` end-to-end id is no id. Only BOOK entries are final (DOMAIN.md §2.3.4); the others are
skipped unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from kirjuri.banking.importers import common
from kirjuri.banking.importers.common import Problem

CAMT053_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
CAMT054_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.054.001."
# The versions whose layout this module knows (Finance Finland's guides use .02; .08 is current).
VERSIONS = ("02", "08")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})?")
_EXPLANATION_CODE = re.compile(r"7[0-9]{2}")

# The Finnish explanation code (KTO "selitekoodi") when the bank gives only the ISO domain code:
# a credit transfer with agreed commercial information (VCOM) is a reference payment (705), any
# other received credit transfer a deposit/credit (710), an issued one a withdrawal/debit (720).
# Finance Finland's account statement guide maps these; anything else has no code.
_DOMAIN_CODES: dict[tuple[str, str], int] = {
    ("RCDT", "VCOM"): 705,
    ("RCDT", ""): 710,
    ("ICDT", ""): 720,
}

NOT_PROVIDED = "NOTPROVIDED"


@dataclass(frozen=True, slots=True)
class Node:
    """An element with its path from the message's repeating root (`Stmt[1]`, `Ntfctn[2]`)."""

    element: Element
    path: str
    ns: str

    def _tag(self, name: str) -> str:
        return f"{{{self.ns}}}{name}" if self.ns else name

    def _join(self, name: str) -> str:
        return f"{self.path}/{name}" if self.path else name

    def first(self, *names: str) -> Node | None:
        """The first element down the chain of names, or None when one is missing."""
        node: Node | None = self
        for name in names:
            if node is None:
                return None
            found = node.element.find(node._tag(name))
            node = None if found is None else Node(found, node._join(name), self.ns)
        return node

    def all(self, name: str) -> list[Node]:
        """Every child of that name, each with its 1-based index in its path."""
        return [
            Node(found, self._join(f"{name}[{i}]"), self.ns)
            for i, found in enumerate(self.element.findall(self._tag(name)), start=1)
        ]

    def where(self, *names: str) -> str:
        return "/".join([self.path, *names]) if self.path else "/".join(names)

    def text(self, *names: str) -> str | None:
        """The stripped text of the element down the chain; None when missing or empty."""
        node = self.first(*names)
        if node is None or node.element.text is None:
            return None
        value = node.element.text.strip()
        return value or None

    def need(self, *names: str) -> Node:
        node = self.first(*names)
        if node is None:
            raise Problem("MISSING_ELEMENT", self.where(*names))
        return node

    def need_text(self, *names: str) -> str:
        value = self.text(*names)
        if value is None:
            raise Problem("MISSING_ELEMENT", self.where(*names))
        return value


def version(namespace: str, prefix: str) -> str | None:
    """'02' or '08' for a namespace of the message, None for a version this module cannot read."""
    if not namespace.startswith(prefix):
        return None
    found = namespace[len(prefix) :]
    return found if found in VERSIONS else None


def iso_date(text: str | None, where: str) -> date:
    """A date from an ISODate, or the date part of an ISODateTime (as the bank wrote it, in the
    bank's time zone). `INVALID_DATE` for anything else."""
    value = (text or "").strip()
    match = _DATE.fullmatch(value) or _DATE_TIME.fullmatch(value)
    if match is None:
        raise Problem("INVALID_DATE", where)
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise Problem("INVALID_DATE", where) from None


def date_choice(node: Node, name: str) -> date | None:
    """A `DateAndDateTimeChoice` (`BookgDt`, `ValDt`): `Dt` or `DtTm`; None when absent."""
    choice = node.first(name)
    if choice is None:
        return None
    for inner in ("Dt", "DtTm"):
        if choice.first(inner) is not None:
            return iso_date(choice.text(inner), choice.where(inner))
    raise Problem("MISSING_ELEMENT", choice.where("Dt"))


def credit_debit(indicator: str | None, where: str) -> int:
    if indicator is None:
        raise Problem("MISSING_ELEMENT", where)
    if indicator == "CRDT":
        return 1
    if indicator == "DBIT":
        return -1
    raise Problem("INVALID_CREDIT_DEBIT_INDICATOR", where)


def amount_currency(amt: Node) -> str:
    return common.currency(amt.element.get("Ccy"), f"{amt.path}/@Ccy")


def explanation_code(node: Node) -> int | None:
    """The Finnish explanation code of `BkTxCd`: `Prtry/Cd` when it is one (7xx), else the ISO
    domain family mapped per `_DOMAIN_CODES`; None when neither says."""
    proprietary = node.text("BkTxCd", "Prtry", "Cd")
    if proprietary is not None and _EXPLANATION_CODE.fullmatch(proprietary):
        return int(proprietary)
    family = node.text("BkTxCd", "Domn", "Fmly", "Cd")
    sub_family = node.text("BkTxCd", "Domn", "Fmly", "SubFmlyCd") or ""
    if family is None:
        return None
    return _DOMAIN_CODES.get((family, sub_family), _DOMAIN_CODES.get((family, "")))


@dataclass(frozen=True, slots=True)
class Transaction:
    """One `TxDtls`, read."""

    node: Node
    archive_id: str | None
    amount: Decimal | None
    currency: str | None
    counterparty_name: str | None
    counterparty_account: str | None
    reference: str | None
    message: str | None
    end_to_end_id: str | None
    explanation_code: int | None
    payment_date: date | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One `Ntry`, read: `amount` signed, `transactions` its `TxDtls` in order."""

    node: Node
    archive_id: str
    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    explanation_code: int | None
    transactions: tuple[Transaction, ...]


def read_entry(ntry: Node, *, account_currency: str | None, seen: set[str]) -> Entry | None:
    """A booked `Ntry` and its transactions; None for an entry that is not booked (pending or
    informational: not money yet, so not read further). The archive id must be new in the file
    (`seen`), the currency the account's, and a batch's transactions must add up to the entry."""
    status_node = ntry.need("Sts")
    status = status_node.text("Cd") or status_node.text()
    if status is None:
        raise Problem("MISSING_ELEMENT", ntry.where("Sts"))
    if status != "BOOK":
        return None
    amt = ntry.need("Amt")
    ccy = amount_currency(amt)
    if account_currency is not None and ccy != account_currency:
        raise Problem("CURRENCY_MISMATCH", f"{amt.path}/@Ccy")
    sign = credit_debit(ntry.text("CdtDbtInd"), ntry.where("CdtDbtInd"))
    value = common.amount(amt.element.text, amt.path)
    booking = date_choice(ntry, "BookgDt")
    if booking is None:
        raise Problem("MISSING_ELEMENT", ntry.where("BookgDt"))
    valued = date_choice(ntry, "ValDt") or booking
    archive = common.archive_id(ntry.text("AcctSvcrRef"), ntry.where("AcctSvcrRef"), seen)
    transactions = tuple(
        read_transaction(tx, entry_sign=sign, currency=ccy)
        for details in ntry.all("NtryDtls")
        for tx in details.all("TxDtls")
    )
    entry = Entry(
        node=ntry,
        archive_id=archive,
        booking_date=booking,
        value_date=valued,
        amount=sign * value,
        currency=ccy,
        explanation_code=explanation_code(ntry),
        transactions=transactions,
    )
    if len(transactions) > 1:
        _check_batch(entry, seen)
    return entry


def child_archive_id(entry: Entry, index: int) -> str:
    """A batch transaction's archive id: its own `Refs/AcctSvcrRef`, or one derived from the
    entry's archive id and its 1-based place in the batch (stable as long as the bank sends the
    same file)."""
    own = entry.transactions[index].archive_id
    if own is not None and own != entry.archive_id:
        return own
    return f"{entry.archive_id}-{index + 1}"


def _check_batch(entry: Entry, seen: set[str]) -> None:
    total = Decimal(0)
    for index, tx in enumerate(entry.transactions):
        if tx.amount is None:
            raise Problem("MISSING_ELEMENT", tx.node.where("Amt"))
        if tx.currency != entry.currency:
            raise Problem("CURRENCY_MISMATCH", tx.node.where("Amt", "@Ccy"))
        total += tx.amount
        archive = child_archive_id(entry, index)
        where = tx.node.where("Refs", "AcctSvcrRef")
        if archive == tx.archive_id:
            common.archive_id(archive, where, seen)
        elif archive in seen:
            raise Problem("DUPLICATE_ARCHIVE_ID", where)
        else:
            seen.add(archive)
    if total != entry.amount:
        raise Problem("BATCH_SUM_MISMATCH", entry.node.path)


def read_transaction(tx: Node, *, entry_sign: int, currency: str) -> Transaction:
    """One `TxDtls`: its amount (`Amt` in .08, `AmtDtls/TxAmt/Amt` in both; signed by its own
    `CdtDbtInd` or the entry's), the counterparty (the debtor of a credit, the creditor of a
    debit; `Pty` wrapped in .08), the structured reference as given, the free message."""
    indicator = tx.text("CdtDbtInd")
    sign = entry_sign if indicator is None else credit_debit(indicator, tx.where("CdtDbtInd"))
    amt = tx.first("Amt") or tx.first("AmtDtls", "TxAmt", "Amt")
    value: Decimal | None = None
    ccy: str | None = None
    if amt is not None:
        value = sign * common.amount(amt.element.text, amt.path)
        ccy = amount_currency(amt)
    party, account = ("Dbtr", "DbtrAcct") if sign > 0 else ("Cdtr", "CdtrAcct")
    name = tx.text("RltdPties", party, "Pty", "Nm") or tx.text("RltdPties", party, "Nm")
    iban_node = tx.first("RltdPties", account, "Id", "IBAN")
    counterparty_account = None
    if iban_node is not None:
        counterparty_account = common.iban(iban_node.element.text, iban_node.path)
    reference = None
    for remittance in tx.all("RmtInf"):
        for structured in remittance.all("Strd"):
            reference = reference or structured.text("CdtrRefInf", "Ref")
    messages = [
        line for remittance in tx.all("RmtInf") for node in remittance.all("Ustrd") if (line := node.text()) is not None
    ]
    end_to_end = tx.text("Refs", "EndToEndId")
    if end_to_end == NOT_PROVIDED:
        end_to_end = None
    accepted = tx.text("RltdDts", "AccptncDtTm")
    payment_date = None
    if accepted is not None:
        payment_date = iso_date(accepted, tx.where("RltdDts", "AccptncDtTm"))
    return Transaction(
        node=tx,
        archive_id=tx.text("Refs", "AcctSvcrRef"),
        amount=value,
        currency=ccy,
        counterparty_name=name,
        counterparty_account=counterparty_account,
        reference=reference,
        message=" ".join(messages) or None,
        end_to_end_id=end_to_end,
        explanation_code=explanation_code(tx),
        payment_date=payment_date,
    )
