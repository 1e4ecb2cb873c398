"""Bank files written by Kirjuri itself for the sandbox demo and the tests: camt.053 statements,
camt.054 reference-payment notifications and KTL reference files, for given entries — the shapes
of `tests/banking/files/`, small.

Invariant: every file written here is one the importers accept as is — a statement's closing
balance is its opening balance plus its booked entries (a negative balance is written as DBIT),
every entry and batch transaction carries an archive id of its own, a batch entry is the sum of
its transactions. Nothing here reads or writes the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

CREATED = "2026-01-01T18:00:00"


# --- camt.054 and KTL: incoming reference payments ----------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One incoming reference payment."""

    archive_id: str
    reference: str
    amount: Decimal
    day: date
    payer: str = "Oy Asiakas Ab"


def camt054(iban: str, payments: Sequence[Incoming], *, message_id: str = "E2E-NTFC") -> bytes:
    """A camt.054.001.02 notification of the payments, one booked credit entry each."""
    entries = "".join(
        f"""<Ntry><Amt Ccy="EUR">{p.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{p.day}</Dt></BookgDt><ValDt><Dt>{p.day}</Dt></ValDt><AcctSvcrRef>{p.archive_id}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>{p.archive_id}</AcctSvcrRef></Refs>
<AmtDtls><TxAmt><Amt Ccy="EUR">{p.amount}</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>{escape(p.payer)}</Nm></Dbtr></RltdPties>
<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{p.reference}</Ref></CdtrRefInf></Strd></RmtInf>
</TxDtls></NtryDtls></Ntry>"""
        for p in payments
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>{CREATED}</CreDtTm></GrpHdr>
<Ntfctn><Id>{message_id}-1</Id><CreDtTm>{CREATED}</CreDtTm><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""".encode()


def ktl(iban: str, payments: Sequence[Incoming]) -> bytes:
    """A KTL batch for a Finnish IBAN (its 14-digit BBAN is the file's account)."""
    account = iban[4:]
    lines = ["0" + "2601011800" + "01" + "123456789" + "1"]
    for p in payments:
        day = p.day.strftime("%y%m%d")
        cents = int(p.amount * 100)
        lines.append(
            "3" + account + day + day + p.archive_id.ljust(16)[:16] + p.reference.rjust(20, "0")
            + p.payer.upper()[:12].ljust(12) + "1" + "A" + f"{cents:010d}" + "0" + "A" + "0"
        )  # fmt: skip
    total = sum(int(p.amount * 100) for p in payments)
    lines.append("9" + f"{len(payments):06d}" + f"{total:011d}" + "0" * 6 + "0" * 11)
    return "".join(line.ljust(90) + "\r\n" for line in lines).encode("latin-1")


# --- camt.053: account statements ---------------------------------------------------------------


@dataclass(frozen=True)
class Transaction:
    """One `TxDtls`: a positive amount, the counterparty (debtor of a credit, creditor of a debit)
    and what the bank passes on — a structured reference, a free message, an end-to-end id."""

    amount: Decimal
    party: str
    reference: str | None = None
    message: str | None = None
    end_to_end_id: str | None = None
    archive_id: str | None = None


@dataclass(frozen=True)
class Entry:
    """One booked `Ntry`: money in (`credit`) or out, one transaction or a batch of them."""

    archive_id: str
    day: date
    credit: bool
    transactions: tuple[Transaction, ...]

    @property
    def amount(self) -> Decimal:
        """The entry's amount, positive (a batch is the sum of its transactions)."""
        return sum((t.amount for t in self.transactions), Decimal(0))

    @property
    def signed(self) -> Decimal:
        return self.amount if self.credit else -self.amount


def credit(archive_id: str, amount: Decimal, day: date, party: str, *, message: str | None = None,
           reference: str | None = None) -> Entry:  # fmt: skip
    """Money in: a deposit with a message, or a reference payment as the statement books it."""
    tx = Transaction(amount, party, reference=reference, message=message, archive_id=archive_id)
    return Entry(archive_id, day, True, (tx,))


def debit(archive_id: str, amount: Decimal, day: date, party: str, *, message: str | None = None,
          end_to_end_id: str | None = None) -> Entry:  # fmt: skip
    """Money out: a transfer (with Kirjuri's end-to-end id when Kirjuri sent it), a fee."""
    tx = Transaction(amount, party, message=message, end_to_end_id=end_to_end_id, archive_id=archive_id)
    return Entry(archive_id, day, False, (tx,))


def batch(archive_id: str, day: date, *, credit: bool, transactions: Sequence[Transaction]) -> Entry:
    """One entry booking several transactions (salaries paid at once, a card settlement batch);
    each transaction gets an archive id of its own (`<entry id>-<n>`) unless it names one."""
    numbered = tuple(
        t if t.archive_id else replace(t, archive_id=f"{archive_id}-{n}") for n, t in enumerate(transactions, start=1)
    )
    return Entry(archive_id, day, credit, numbered)


@dataclass(frozen=True)
class Statement:
    """One statement: its bank id, opening balance and entries; the period defaults to the
    entries' first and last booking day."""

    statement_id: str
    opening: Decimal
    entries: tuple[Entry, ...]
    start: date | None = None
    end: date | None = None

    @property
    def closing(self) -> Decimal:
        return self.opening + sum((e.signed for e in self.entries), Decimal(0))

    @property
    def period(self) -> tuple[date, date]:
        start = self.start or min(e.day for e in self.entries)
        end = self.end or max(e.day for e in self.entries)
        return start, end


def _balance(code: str, amount: Decimal, day: date) -> str:
    indicator = "CRDT" if amount >= 0 else "DBIT"
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount)}</Amt>'
        f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n"
    )


def _transaction(tx: Transaction, *, credit: bool) -> str:
    party = "Dbtr" if credit else "Cdtr"
    refs = "".join(
        f"<{tag}>{value}</{tag}>"
        for tag, value in (("AcctSvcrRef", tx.archive_id), ("EndToEndId", tx.end_to_end_id))
        if value is not None
    )
    remittance = ""
    if tx.reference is not None:
        remittance += (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
            f"<Ref>{tx.reference}</Ref></CdtrRefInf></Strd>"
        )
    if tx.message is not None:
        remittance += f"<Ustrd>{escape(tx.message)}</Ustrd>"
    return (
        f"<TxDtls>{f'<Refs>{refs}</Refs>' if refs else ''}"
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{tx.amount}</Amt></TxAmt></AmtDtls>'
        f"<RltdPties><{party}><Nm>{escape(tx.party)}</Nm></{party}></RltdPties>"
        f"{f'<RmtInf>{remittance}</RmtInf>' if remittance else ''}</TxDtls>"
    )


def _entry(entry: Entry) -> str:
    details = "".join(_transaction(tx, credit=entry.credit) for tx in entry.transactions)
    return (
        f'<Ntry><Amt Ccy="EUR">{entry.amount}</Amt><CdtDbtInd>{"CRDT" if entry.credit else "DBIT"}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{entry.day}</Dt></BookgDt><ValDt><Dt>{entry.day}</Dt></ValDt>"
        f"<AcctSvcrRef>{entry.archive_id}</AcctSvcrRef><NtryDtls>{details}</NtryDtls></Ntry>\n"
    )


def camt053(iban: str, statements: Sequence[Statement], *, message_id: str = "E2E-STMT") -> bytes:
    """A camt.053.001.02 message of the statements (one `Stmt` each), balances written so that
    opening + entries = closing."""
    body = ""
    for statement in statements:
        first, last = statement.period
        entries = "".join(_entry(e) for e in statement.entries)
        body += f"""<Stmt><Id>{statement.statement_id}</Id><CreDtTm>{CREATED}</CreDtTm>
<FrToDt><FrDtTm>{first}T00:00:00</FrDtTm><ToDtTm>{last}T23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{_balance("OPBD", statement.opening, first)}{_balance("CLBD", statement.closing, last)}
{entries}</Stmt>
"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>{CREATED}</CreDtTm></GrpHdr>
{body}</BkToCstmrStmt></Document>""".encode()


@dataclass
class Running:
    """Running balance while writing consecutive statements: each opens where the last closed."""

    balance: Decimal
    statements: list[Statement] = field(default_factory=list)

    def add(self, statement_id: str, entries: Sequence[Entry], *, start: date, end: date) -> Statement:
        statement = Statement(statement_id, self.balance, tuple(entries), start=start, end=end)
        self.statements.append(statement)
        self.balance = statement.closing
        return statement
