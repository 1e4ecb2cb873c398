"""The periodic tax return (kausiveroilmoitus) as an invoice: a PERIODIC_TAX_RETURN made from the
VAT return of one tax period of the company (`kirjuri.vat.service.vat_report`, box 308), listed
among the invoices and payable like a purchase invoice (§D.13.1: GET-only, no rows, its total in
`sum`).

Invariants:
- the tax period is one of the company's VAT reporting period (`companies.settings.vat_period`:
  a calendar month, quarter or year; MONTH unless set): a request names it by number (`period`,
  or `month` for a monthly company) or by its first and last day, and anything that is not exactly
  one period of that length is 400 `INVALID_TAX_PERIOD` at the field that names it;
- only this module writes invoices of type PERIODIC_TAX_RETURN (`POST /invoices` refuses the type);
  one per company and period: the period is the invoice's `originalInvoiceNumber` (`ALV-YYYY-MM`
  for a month, `ALV-YYYY-Qn` for a quarter, `ALV-YYYY` for a year), which is how a regeneration
  finds it;
- the amount is box 308 of the period's VAT return, nothing re-derived here; the columns
  (`net_minor` = `gross_minor` = the amount, `vat_minor` 0) equal the stored `document`, whose
  `sum` is the same amount, so `sum` and `invoiceSumInfo` always agree;
- a number is taken from the series TAX_RETURN (`invoicing.numbers`) only when an invoice is
  created; a regeneration keeps the id and number and appends an UPDATED event.

Decisions (and why):
- Status APPROVED from the start (`transitions`: a periodic tax return is payable as it stands);
  its only actions are the payment ones and `markpaid`; it is never editable (PUT → 403).
- Dates: the Finnish due date of the VAT return and its payment — for a month or a quarter the
  12th of the second month after the period (October 2026 → 12 December 2026; Q1 → 12 May), for
  a calendar year the last day of February of the next year — is both the invoice `date` and
  `paymentInfo.dueDate` (the day the debt falls due; the period itself is named by
  `originalInvoiceNumber` and `additionalInformation`).
- Changing the company's period later does not touch invoices already made: each names its own
  period.
- Counterparty "Verohallinto", PL 325, 00052 VERO, FINLAND; payment method BANK_TRANSFER, channel
  NO_SENDING, currency the company's accounting currency (the ledger's amounts), rate 1.
- Reference: none. The Tax Administration's reference for self-assessed taxes is per taxpayer
  (OmaVero), which Kirjuri does not know; the payer adds it when paying.
- No ledger receipt: the VAT settlement (output and input tax to the VAT settlement account) is the
  ledger's business, not this invoice's; `ledgerReceiptId` stays empty.
- Nothing payable (box 308 zero or negative: a refund) → 400 `NOTHING_PAYABLE` at the field that
  named the period, and no invoice is made; an unpaid invoice an earlier generation made for the
  period is left as it is.
- An invoice for the period exists but is no longer unpaid (any status but APPROVED, or a payment
  recorded) → 409 `TAX_RETURN_ALREADY_PAID` at that field: money moved against it, it is not replaced.
- Audit actions: CREATED on creation, UPDATED on a replacement (as `invoicing.service`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies
from kirjuri.companies import settings as company_settings
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
# The company setting's names → the VAT return's period types (`vat.rules`).
PERIOD_TYPES: dict[str, str] = {"MONTH": vat_rules.MONTH, "QUARTER": vat_rules.QUARTER, "YEAR": vat_rules.YEAR}
FINNISH_PERIOD: dict[str, str] = {vat_rules.MONTH: "kuukausi", vat_rules.QUARTER: "neljännes", vat_rules.YEAR: "vuosi"}


@dataclass(frozen=True, slots=True)
class TaxPeriod:
    """One tax period: its type (`vat.rules` K, Q or V), year and number (1-based), first and
    last day."""

    period_type: str
    year: int
    number: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class PeriodRequest:
    """How a client named the period (one of: `period`, `month`, `start` and `end`)."""

    year: int | None = None
    period: int | None = None
    month: int | None = None
    start: date | None = None
    end: date | None = None

    @property
    def field(self) -> str:
        """The wire field that named the period (errors about the period are reported there)."""
        if self.start is not None or self.end is not None:
            return "startDate"
        if self.period is not None:
            return "period"
        return "month"


def tax_period(period_type: str, request: PeriodRequest) -> TaxPeriod:
    """The period `request` names, validated against the company's `period_type` (see the module
    docstring); 400 `REQUIRED` / `INVALID_TAX_PERIOD` at the naming field."""
    if request.start is not None or request.end is not None:
        if request.start is None:
            raise KirjuriError("REQUIRED", 400, "startDate")
        if request.end is None:
            raise KirjuriError("REQUIRED", 400, "endDate")
        year, number = vat_rules.period_of(period_type, request.start, request.end)
        if request.year is not None and request.year != year:
            raise KirjuriError("INVALID_TAX_PERIOD", 400, "year")
    else:
        if request.year is None:
            raise KirjuriError("REQUIRED", 400, "year")
        year = request.year
        if request.period is not None:
            number = request.period
        elif request.month is not None:
            if period_type != vat_rules.MONTH:  # a month names no quarter or year
                raise KirjuriError("INVALID_TAX_PERIOD", 400, "month")
            number = request.month
        elif period_type == vat_rules.YEAR:
            number = 1  # a year has one period
        else:
            raise KirjuriError("REQUIRED", 400, request.field)
        if not 1 <= number <= vat_rules.PERIODS_PER_YEAR[period_type]:
            raise KirjuriError("INVALID_TAX_PERIOD", 400, request.field)
    start, end = vat_rules.period_dates(period_type, number, year)
    return TaxPeriod(period_type=period_type, year=year, number=number, start=start, end=end)


def period_key(period: TaxPeriod) -> str:
    """The period an invoice is for, as its `originalInvoiceNumber`."""
    if period.period_type == vat_rules.MONTH:
        return f"ALV-{period.year:04d}-{period.number:02d}"
    if period.period_type == vat_rules.QUARTER:
        return f"ALV-{period.year:04d}-Q{period.number}"
    return f"ALV-{period.year:04d}"


def due_date(period: TaxPeriod) -> date:
    """Month or quarter: the 12th of the second month after the period's last month. Year: the
    last day of February of the next year."""
    if period.period_type == vat_rules.YEAR:
        return date(period.year + 1, 2, calendar.monthrange(period.year + 1, 2)[1])
    index = period.end.year * 12 + (period.end.month - 1) + 2
    return date(index // 12, index % 12 + 1, DUE_DAY)


def find(session: Session, *, company_id: int, period: TaxPeriod, lock: bool = False) -> Invoice | None:
    """The company's tax return invoice for the period, if one was made."""
    query = select(Invoice).where(
        Invoice.company_id == company_id,
        Invoice.type == PERIODIC_TAX_RETURN,
        Invoice.original_invoice_number == period_key(period),
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def _description(period: TaxPeriod) -> str:
    if period.period_type == vat_rules.MONTH:
        named = f"{period.number}/{period.year}"
    elif period.period_type == vat_rules.QUARTER:
        named = f"{period.number}. {FINNISH_PERIOD[period.period_type]} {period.year}"
    else:
        named = f"{FINNISH_PERIOD[period.period_type]} {period.year}"
    return f"Kausiveroilmoitus {named}: maksettava arvonlisävero"


def _document(*, period: TaxPeriod, due: date, currency: str, amount: Decimal) -> dict[str, Any]:
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
            "originalInvoiceNumber": period_key(period),
            "additionalInformation": _description(period),
            "sum": amount,
        }
    )
    return wire.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"invoice_rows"})


def generate_tax_return(session: Session, *, company_id: int, user_id: int, request: PeriodRequest) -> Invoice:
    """The PERIODIC_TAX_RETURN of the requested period of the company's VAT reporting period:
    created, or (unpaid) replaced; see the module docstring."""
    setting = company_settings.vat_period(session, company_id=company_id)
    period = tax_period(PERIOD_TYPES[setting], request)
    named_by_year_only = request.period is None and request.month is None and request.start is None
    field = "year" if named_by_year_only and period.period_type == vat_rules.YEAR else request.field
    report = vat_service.vat_report(session, company_id=company_id, start=period.start, end=period.end)
    payable = report.result.boxes[vat_rules.PAYABLE_BOX]
    existing = find(session, company_id=company_id, period=period, lock=True)
    if existing is not None and (existing.status != APPROVED or existing.paid_minor != 0):
        raise KirjuriError("TAX_RETURN_ALREADY_PAID", 409, field)
    if payable <= 0:
        raise KirjuriError("NOTHING_PAYABLE", 400, field)
    company = companies.company(session, company_id)
    currency = company.currency if company is not None else "EUR"
    due = due_date(period)
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
    invoice.original_invoice_number = period_key(period)
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
    invoice.document = _document(period=period, due=due, currency=currency, amount=from_minor(payable))
    invoice.additional_information = invoice.document.get("additionalInformation")
    invoice.version = now
    session.flush()
    events.record(
        session,
        invoice=invoice,
        action=CREATED if existing is None else UPDATED,
        actor=events.actor_name(session, company_id=company_id, user_id=user_id),
        user_id=user_id,
    )
    session.flush()
    return invoice
