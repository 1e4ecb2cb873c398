"""Demo bank accounts of a sandbox company: a EUR main account (the default for invoices and
payments, ledger 1910 — the IBAN the demo invoices print) and a EUR savings account (ledger 1940).

Invariant: written through the service only, like any client's accounts, so the demo data obeys
every rule of §D.2.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kirjuri.banking.accounts import schemas as wire
from kirjuri.banking.accounts import service

# Valid Finnish test IBANs (Nordea and OP bank codes, correct national and IBAN check digits).
MAIN_IBAN = "FI2112345600000785"
SAVINGS_IBAN = "FI4250001510000023"

ACCOUNTS: tuple[dict[str, Any], ...] = (
    {
        "iban": MAIN_IBAN,
        "currency": "EUR",
        "ledgerAccount": "1910",
        "status": "ACTIVE",
        "defaultForInvoice": True,
        "defaultForPayment": True,
        "showAccountOnInvoice": True,
        "allowPayments": True,
        "allowForeignPayments": True,
        "allowSalaryPayments": True,
        "allowExpressPayments": False,
    },
    {
        "iban": SAVINGS_IBAN,
        "currency": "EUR",
        "ledgerAccount": "1940",
        "status": "ACTIVE",
        "defaultForInvoice": False,
        "defaultForPayment": False,
        "showAccountOnInvoice": False,
        "allowPayments": False,
        "allowForeignPayments": False,
    },
)


def seed_bank_accounts(session: Session, company_id: int, user_id: int) -> None:
    """The two demo accounts, in this order (orderNo 1 and 2)."""
    for account in ACCOUNTS:
        body = wire.CompanyBankAccount.model_validate(account)
        service.create_account(session, company_id=company_id, document=wire.document_of(body))
