"""Demo invoices of a sandbox company: sales invoices in every status of their life, purchase
invoices in circulation, a travel invoice and an expense claim — all dated in the last weeks, so
they fall in the open current year.

Invariant: every invoice goes through the same service and lifecycle verbs as the API (numbers,
ledger receipts, audit trail, circulation checkers from the company's verifier list), so the demo
books balance and the demo trail reads like a real one. Sales invoices use channel NO_SENDING:
the demo writes no outbox files.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies.models import VerifierListMember
from kirjuri.core import clock
from kirjuri.invoicing import lifecycle, payments, schemas, service, transitions
from kirjuri.invoicing.lifecycle_schemas import MarkInvoiceAsPaid
from kirjuri.invoicing.models import Invoice
from kirjuri.partners.models import BusinessPartner

COMPANY_IBAN = "FI2112345600000785"


class _Company:
    """The demo acts with every right, as the company's own set-up does."""

    def can(self, right: str, *, write: bool = False) -> bool:
        return True


def _row(product: str, quantity: str, unit: str, price: str, vat: str) -> dict[str, Any]:
    return {"product": product, "quantity": quantity, "unit": unit, "unitPrice": price, "discountPercent": "0",
            "vatPercent": vat, "vatStatus": 1}  # fmt: skip


def _body(invoice_type: str, on: date, party: BusinessPartner, rows: list[dict[str, Any]], **extra: Any) -> Any:
    address = dict(party.document.get("address") or party.document.get("deliveryAddress") or {})
    address["name"] = party.name
    body = {
        "type": invoice_type,
        "partnerId": party.id,
        "date": on.isoformat(),
        "counterParty": {"counterPartyAddress": address},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "currencyRate": "1",
                        "bankAccount": {"accountNumber": COMPANY_IBAN},
                        "dueDate": (on + timedelta(days=14)).isoformat()},
        "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
        "discountPercent": "0",
        "invoiceChannel": "NO_SENDING",
        "invoiceRows": rows,
        **extra,
    }  # fmt: skip
    return schemas.Invoice.model_validate(body)


def _pay(session: Session, invoice: Invoice, user_id: int, amount: Decimal, on: date) -> None:
    body = MarkInvoiceAsPaid.model_validate(
        {"paymentDate": on.isoformat(), "amount": str(amount), "currency": "EUR", "description": "Tilisiirto"}
    )
    payments.mark_paid(session, invoice=invoice, user_id=user_id, rights=_Company(), body=body)


def seed_invoices(session: Session, company_id: int, user_id: int) -> None:
    today = clock.now().date()
    start = max(today - timedelta(days=20), date(today.year, 1, 1))
    parties = {
        kind: list(session.scalars(
            select(BusinessPartner).where(BusinessPartner.company_id == company_id, BusinessPartner.type == kind)
            .order_by(BusinessPartner.id)
        ))
        for kind in ("CUSTOMER", "SUPPLIER", "PERSON")
    }  # fmt: skip
    if not all(parties.values()):
        return
    rights = _Company()

    def sales(index: int, rows: list[dict[str, Any]]) -> Invoice:
        customer = parties["CUSTOMER"][index % len(parties["CUSTOMER"])]
        body = _body("SALES_INVOICE", start + timedelta(days=index), customer, rows, vatStatus=1, language="FINNISH")
        body.payment_info.bank_reference_code = ""  # a generated Finnish reference
        return service.create_invoice(session, company_id=company_id, user_id=user_id, body=body)

    consulting = _row("Konsultointi", "12.5", "HOUR", "120.00", "25.5")
    licence = _row("Ohjelmistolisenssi", "3", "PIECE", "49.90", "25.5")
    book = _row("Kirjanpidon käsikirja", "2", "PIECE", "39.00", "13.5")

    sales(0, [consulting])  # UNFINISHED: a draft
    approved = sales(1, [consulting, licence])
    lifecycle.approve(session, invoice=approved, user_id=user_id, rights=rights)  # NOT_SENT
    # 6 and 7 stay SENT here; the banking demo pays them by reference (one in full, one in part).
    sent = ((2, [licence, book]), (3, [consulting]), (4, [consulting, book]), (5, [licence]),
            (6, [consulting, licence]), (7, [book]))  # fmt: skip
    for index, rows in sent:
        invoice = sales(index, rows)
        lifecycle.approve(session, invoice=invoice, user_id=user_id, rights=rights)
        lifecycle.apply(session, invoice=invoice, action=transitions.SEND, user_id=user_id)  # SENT
        total = Decimal(invoice.gross_minor) / 100
        if index == 3:
            _pay(session, invoice, user_id, total, start + timedelta(days=index + 5))  # MARKED_PAID
        elif index == 4:
            _pay(session, invoice, user_id, (total / 2).quantize(Decimal("0.01")), today)  # PARTLY_PAID
        elif index == 5:
            lifecycle.invalidate(session, invoice=invoice, user_id=user_id, rights=rights)  # INVALIDATED

    verifier = session.scalar(
        select(VerifierListMember.user_id).where(
            VerifierListMember.company_id == company_id, VerifierListMember.role == "VERIFIER"
        )
    )
    supplies = _row("Toimistotarvikkeet", "4", "SET", "45.00", "25.5")
    cloud = _row("Pilvipalvelu, kuukausimaksu", "1", "MONTH", "199.00", "25.5")
    for index, rows in enumerate([[supplies], [cloud], [supplies, cloud], [cloud]]):  # 3: paid by the banking demo
        supplier = parties["SUPPLIER"][index % len(parties["SUPPLIER"])]
        body = _body("PURCHASE_INVOICE", start + timedelta(days=index), supplier, rows, vatStatus=1,
                     originalInvoiceNumber=f"T-{4100 + index}")  # fmt: skip
        body.payment_info.bank_reference_code = "1232"
        invoice = service.create_invoice(session, company_id=company_id, user_id=user_id, body=body)
        lifecycle.send_to_circulation(session, invoice=invoice, user_id=user_id, rights=rights)  # RECEIVED
        if index >= 1 and verifier is not None:
            lifecycle.verify(session, invoice=invoice, user_id=verifier, rights=rights)  # VERIFIED
        if index >= 2:
            lifecycle.approve(session, invoice=invoice, user_id=user_id, rights=rights)  # APPROVED

    employee = parties["PERSON"][0]
    allowance = _row("Kotimaan kokopäiväraha", "2", "DAY", "54.00", "0")
    allowance["vatStatus"] = None
    travel = _body("TRAVEL_INVOICE", start + timedelta(days=3), employee, [allowance],
                   travelInformationItems=[{"departure": "Helsinki 7:30", "arrival": "Helsinki 21:10", "places": "Oulu",
                                            "purpose": "Asiakaskäynti, Oulun Sähkötekniikka"}])  # fmt: skip
    claim = service.create_invoice(session, company_id=company_id, user_id=user_id, body=travel)
    lifecycle.send_to_circulation(session, invoice=claim, user_id=user_id, rights=rights)
    taxi = _row("Taksi, asiakastapaaminen", "1", "PIECE", "32.40", "13.5")
    expense = _body("BILL_OF_CHARGES", start + timedelta(days=6), employee, [taxi])
    service.create_invoice(session, company_id=company_id, user_id=user_id, body=expense)
