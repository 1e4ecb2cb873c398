"""The one seeding module: demo data of a sandbox company, area by area.

Invariant: seeders run in dependency order inside the sandbox's transaction and only flush;
each area appends its seeder to `SEEDERS` here (ledger first, then vat, partners, products,
invoicing, banking) so a new sandbox always carries every area's demo data.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kirjuri.attachments.demo import seed_attachments
from kirjuri.attachments.storage import FileStore
from kirjuri.banking.accounts.demo import seed_bank_accounts
from kirjuri.banking.demo import seed_banking
from kirjuri.companies import rules as rights
from kirjuri.companies import service as companies_service
from kirjuri.companies.models import Company, CompanySetting, VerifierList, VerifierListMember
from kirjuri.invoicing.demo import seed_invoices
from kirjuri.ledger.demo import seed_ledger
from kirjuri.partners.demo import seed_partners
from kirjuri.products.demo import seed_products

Seeder = Callable[[Session, int, int], None]


def seed_company_profile(session: Session, company_id: int, user_id: int) -> None:
    """Address, e-invoicing address, a colleague and an invoice-circulation verifier list."""
    company = session.get(Company, company_id)
    assert company is not None
    company.address = {"street": "Mannerheimintie 12 B", "zip": "00100", "city": "Helsinki", "country": "FINLAND"}
    company.billing_address = dict(company.address)
    company.in_trade_register = True
    einvoice = session.get(CompanySetting, (company_id, "einvoice"))
    assert einvoice is not None
    einvoice.value = {
        "operator": "Apix Messaging Oy",
        "operatorId": 3,
        "sendingAddress": "003712345671",
        "receivingAddress": "003712345671",
        "receivingAddressPublicInTieke": True,
        "edi": "003712345671",
    }
    colleague = companies_service.create_user(
        session,
        username=f"matti.meikalainen.{company_id}",
        first_name="Matti",
        last_name="Meikäläinen",
        email=f"matti.{company_id}@example.invalid",
        mobile_phone="+358501112223",
    )
    companies_service.add_member(session, company_id=company_id, user_id=colleague.id, rights=rights.READ_ONLY)
    session.add(VerifierList(company_id=company_id, id=1, name="Ostolaskut"))
    session.flush()
    session.add_all(
        [
            VerifierListMember(company_id=company_id, list_id=1, role="VERIFIER", order_no=1, user_id=colleague.id),
            VerifierListMember(company_id=company_id, list_id=1, role="ACCEPTOR", order_no=1, user_id=user_id),
        ]
    )
    session.flush()


SEEDERS: list[Seeder] = [
    seed_company_profile,
    seed_ledger,
    seed_partners,
    seed_products,
    seed_invoices,
    seed_bank_accounts,
    seed_banking,
]


def seed_company(session: Session, *, company_id: int, user_id: int, file_store: FileStore | None = None) -> None:
    """Every area's demo data; files only when the caller names the server's file store."""
    for seeder in SEEDERS:
        seeder(session, company_id, user_id)
    if file_store is not None:
        seed_attachments(session, company_id, user_id, file_store)
