"""Bank files written for end-to-end tests: a camt.054 notification, a KTL reference file and a
camt.053 statement, each for given payments — the shapes of `tests/banking/files/`, small."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Incoming:
    archive_id: str
    reference: str
    amount: Decimal
    day: date
    payer: str = "Oy Asiakas Ab"


def camt054(iban: str, payments: list[Incoming]) -> bytes:
    entries = "".join(
        f"""<Ntry><Amt Ccy="EUR">{p.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{p.day}</Dt></BookgDt><ValDt><Dt>{p.day}</Dt></ValDt><AcctSvcrRef>{p.archive_id}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>{p.archive_id}</AcctSvcrRef></Refs>
<AmtDtls><TxAmt><Amt Ccy="EUR">{p.amount}</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>{p.payer}</Nm></Dbtr></RltdPties>
<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{p.reference}</Ref></CdtrRefInf></Strd></RmtInf>
</TxDtls></NtryDtls></Ntry>"""
        for p in payments
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>E2E-NTFC</MsgId><CreDtTm>2026-01-01T18:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>E2E-1</Id><CreDtTm>2026-01-01T18:00:00</CreDtTm><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""".encode()


def ktl(iban: str, payments: list[Incoming]) -> bytes:
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


@dataclass(frozen=True)
class Debit:
    archive_id: str
    end_to_end_id: str
    amount: Decimal
    day: date
    creditor: str = "Toimittaja Oy"


def _balance(code: str, amount: Decimal, day: date) -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n"
    )


def camt053(iban: str, statement_id: str, opening: Decimal, debits: list[Debit]) -> bytes:
    """A camt.053.001.02 statement of the given debits (each an outgoing payment of the company)."""
    closing = opening - sum((d.amount for d in debits), Decimal(0))
    first = min(d.day for d in debits)
    last = max(d.day for d in debits)
    entries = "".join(
        f"""<Ntry><Amt Ccy="EUR">{d.amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{d.day}</Dt></BookgDt><ValDt><Dt>{d.day}</Dt></ValDt><AcctSvcrRef>{d.archive_id}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>{d.archive_id}</AcctSvcrRef><EndToEndId>{d.end_to_end_id}</EndToEndId></Refs>
<AmtDtls><TxAmt><Amt Ccy="EUR">{d.amount}</Amt></TxAmt></AmtDtls>
<RltdPties><Cdtr><Nm>{d.creditor}</Nm></Cdtr></RltdPties></TxDtls></NtryDtls></Ntry>"""
        for d in debits
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>E2E-STMT</MsgId><CreDtTm>2026-01-01T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{statement_id}</Id><CreDtTm>2026-01-01T18:00:00</CreDtTm>
<FrToDt><FrDtTm>{first}T00:00:00</FrDtTm><ToDtTm>{last}T23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{_balance("OPBD", opening, first)}{_balance("CLBD", closing, last)}
{entries}</Stmt></BkToCstmrStmt></Document>""".encode()
