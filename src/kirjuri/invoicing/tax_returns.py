"""The periodic tax return (kausiveroilmoitus) as an invoice: a PERIODIC_TAX_RETURN made from the
VAT return of one calendar month (`kirjuri.vat.service.vat_report`, box 308), listed among the
invoices and payable like a purchase invoice (§D.13.1: GET-only, no rows, its total in `sum`).

Invariants:
- only this module writes invoices of type PERIODIC_TAX_RETURN (`POST /invoices` refuses the type);
  one per company and month: the month is the invoice's `originalInvoiceNumber` (`ALV-YYYY-MM`),
  which is how a regeneration finds it;
- the amount is box 308 of the month's VAT return, nothing re-derived here; the columns
  (`net_minor` = `gross_minor` = the amount, `vat_minor` 0) equal the stored `document`, whose
  `sum` is the same amount, so `sum` and `invoiceSumInfo` always agree;
- a number is taken from the series TAX_RETURN (`invoicing.numbers`) only when an invoice is
  created; a regeneration keeps the id and number and appends an UPDATED event.

Decisions (and why):
- Status APPROVED from the start (`transitions`: a periodic tax return is payable as it stands);
  its only actions are the payment ones and `markpaid`; it is never editable (PUT → 403).
- Dates: the Finnish due date of a monthly VAT return and its payment, the 12th of the second
  month after the period (e.g. October 2026 → 12 December 2026), is both the invoice `date` and
  `paymentInfo.dueDate` (the day the debt falls due; the period itself is named by
  `originalInvoiceNumber` and `additionalInformation`).
- Counterparty "Verohallinto", PL 325, 00052 VERO, FINLAND; payment method BANK_TRANSFER, channel
  NO_SENDING, currency the company's accounting currency (the ledger's amounts), rate 1.
- Reference: none. The Tax Administration's reference for self-assessed taxes is per taxpayer
  (OmaVero), which Kirjuri does not know; the payer adds it when paying.
- No ledger receipt: the VAT settlement (output and input tax to the VAT settlement account) is the
  ledger's business, not this invoice's; `ledgerReceiptId` stays empty.
- Nothing payable (box 308 zero or negative: a refund) → 400 `NOTHING_PAYABLE` at `month`, and no
  invoice is made; an unpaid invoice an earlier generation made for the month is left as it is.
- An invoice for the month exists but is no longer unpaid (any status but APPROVED, or a payment
  recorded) → 409 `TAX_RETURN_ALREADY_PAID` at `month`: money moved against it, it is not replaced.
- Audit actions: CREATED on creation, UPDATED on a replacement (as `invoicing.service`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.db.counters import next_value
from kirjuri.invoicing import events, numbers, schemas
from kirjuri.invoicing.models import Invoice
from kirjuri.invoicing.transitions import APPROVED, PERIODIC_TAX_RETURN
from kirjuri.vat import rules as vat_rules
from kirjuri.vat import service as vat_service

CREATED = "CREATED"
UPDATED = "UPDATED"
TAX_OFFICE: dict[str, str] = {
    "name": "Verohallinto",
    "street": "PL 325",
    "zip": "00052",
    "city": "VERO",
    "country": "FINLAND",
}
DUE_DAY = 12
PAYMENT_METHOD = "BANK_TRANSFER"
CHANNEL = "NO_SENDING"


def period_key(year: int, month: int) -> str:
    """The month an invoice is for, as its `originalInvoiceNumber`."""
    return f"ALV-{year:04d}-{month:02d}"


def due_date(year: int, month: int) -> date:
    """The 12th of the second month after the period."""
    index = year * 12 + (month - 1) + 2
    return date(index // 12, index % 12 + 1, DUE_DAY)


def find(session: Session, *, company_id: int, year: int, month: int, lock: bool = False) -> Invoice | None:
    """The company's tax return invoice for the month, if one was made."""
    query = select(Invoice).where(
        Invoice.company_id == company_id,
        Invoice.type == PERIODIC_TAX_RETURN,
        Invoice.original_invoice_number == period_key(year, month),
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def _document(*, year: int, month: int, due: date, currency: str, amount: Decimal) -> dict[str, Any]:
    wire = schemas.Invoice.model_validate(
        {
            "type": PERIODIC_TAX_RETURN,
            "date": due,
            "counterParty": {"counterPartyAddress": TAX_OFFICE},
            "paymentInfo": {
                "paymentMethod": PAYMENT_METHOD,
                "currency": currency,
                "dueDate": due,
                "currencyRate": Decimal(1),
            },
            "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
            "discountPercent": Decimal(0),
            "invoiceRows": [],
            "invoiceChannel": CHANNEL,
            "originalInvoiceNumber": period_key(year, month),
            "additionalInformation": f"Kausiveroilmoitus {month}/{year}: maksettava arvonlisävero",
            "sum": amount,
        }
    )
    return wire.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"invoice_rows"})


def _actor(session: Session, *, company_id: int, user_id: int) -> str:
    user = companies.member(session, company_id=company_id, user_id=user_id)
    return f"{user.first_name} {user.last_name}" if user is not None else events.SYSTEM


def generate_tax_return(session: Session, *, company_id: int, user_id: int, year: int, month: int) -> Invoice:
    """The PERIODIC_TAX_RETURN of the month: created, or (unpaid) replaced; see the module docstring."""
    start, end = vat_rules.period_dates(vat_rules.MONTH, month, year)
    report = vat_service.vat_report(session, company_id=company_id, start=start, end=end)
    payable = report.result.boxes[vat_rules.PAYABLE_BOX]
    existing = find(session, company_id=company_id, year=year, month=month, lock=True)
    if existing is not None and (existing.status != APPROVED or existing.paid_minor != 0):
        raise KirjuriError("TAX_RETURN_ALREADY_PAID", 409, "month")
    if payable <= 0:
        raise KirjuriError("NOTHING_PAYABLE", 400, "month")
    company = companies.company(session, company_id)
    currency = company.currency if company is not None else "EUR"
    due = due_date(year, month)
    now = clock.now()
    invoice = existing
    if invoice is None:
        series = numbers.series_of(PERIODIC_TAX_RETURN)
        invoice = Invoice(
            company_id=company_id,
            id=next_value(session, company_id=company_id, name="invoice"),
            type=PERIODIC_TAX_RETURN,
            status=APPROVED,
            is_offer=False,
            series=series,
            invoice_number=numbers.next_number(session, company_id=company_id, series=series),
            partner_id=None,
            payment_date=None,
            paid_minor=0,
            ledger_receipt_id=None,
            factoring_contract_id=None,
            creator_id=user_id,
            created_at=now,
        )
        session.add(invoice)
    invoice.original_invoice_number = period_key(year, month)
    invoice.counterparty_name = TAX_OFFICE["name"]
    invoice.invoice_date = due
    invoice.due_date = due
    invoice.invoice_channel = CHANNEL
    invoice.payment_method = PAYMENT_METHOD
    invoice.currency = currency
    invoice.currency_rate = Decimal(1)
    invoice.reference = None
    invoice.reference_type = None
    invoice.net_minor = payable
    invoice.vat_minor = 0
    invoice.gross_minor = payable
    invoice.document = _document(year=year, month=month, due=due, currency=currency, amount=from_minor(payable))
    invoice.additional_information = invoice.document.get("additionalInformation")
    invoice.version = now
    session.flush()
    events.record(
        session,
        invoice=invoice,
        action=CREATED if existing is None else UPDATED,
        actor=_actor(session, company_id=company_id, user_id=user_id),
        user_id=user_id,
    )
    session.flush()
    return invoice
