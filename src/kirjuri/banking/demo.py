"""Banking demo data of a sandbox company (issue 6): a quarter of account statements of the main
account, reference payments that pay demo sales invoices (one in full, one in part) and one that
matches nothing (it waits on the suspense account), and a confirmed payment batch that queues a
demo purchase invoice (PAYMENT_QUEUED).

Invariant: nothing is written directly — the bank files are written by `banking.samples` and go
through the real import (`statements.importing.import_file`: parser, matching, postings), the
payment through `payments.service` and its MFA confirmation as the demo user — so the demo's
books balance and its trail reads like a real company's. Dates follow the company clock
(`core.clock`): the statements cover the three months before today, the payments fall between
the demo invoices' dates and today.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.banking import samples
from kirjuri.banking.accounts import repository as accounts_repository
from kirjuri.banking.accounts.demo import MAIN_IBAN
from kirjuri.banking.payments import schemas as payment_wire
from kirjuri.banking.payments import service as payments_service
from kirjuri.banking.samples import Entry, Incoming, Transaction, batch, credit, debit
from kirjuri.banking.statements.importing import import_file
from kirjuri.core import clock
from kirjuri.core.money import from_minor
from kirjuri.invoicing import references, transitions
from kirjuri.invoicing.models import Invoice
from kirjuri.mfa import service as mfa_service
from kirjuri.partners.models import BusinessPartner

OPENING_BALANCE = Decimal("24350.00")
# A valid Finnish reference that no demo invoice carries: the payment goes to suspense.
UNKNOWN_REFERENCE = references.finnish_reference("98765432100")
PARTIAL_SHARE = Decimal("0.4")
ADDRESS_KEYS = ("name", "street", "zip", "city", "country")


def months_back(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def statement_periods(today: date) -> list[tuple[date, date]]:
    """Three consecutive monthly periods, the last ending yesterday."""
    starts = [months_back(today, n) for n in (3, 2, 1)]
    ends = [months_back(today, n) - timedelta(days=1) for n in (2, 1, 0)]
    return list(zip(starts, ends, strict=True))


def month_entries(number: int, start: date, end: date) -> list[Entry]:
    """One month of the main account: customers paying, card settlements, rent, salaries, a
    cloud service and the bank's fees — amounts varying a little from month to month."""

    def on(offset: int) -> date:
        return min(start + timedelta(days=offset), end)

    def amount(base: str, step: str) -> Decimal:
        return Decimal(base) + number * Decimal(step)

    def archive(n: int) -> str:
        return f"{start:%y%m%d}5UTZ{number:02d}{n:04d}"

    month = f"{start:%m/%Y}"
    return [
        credit(archive(1), amount("4520.00", "112.40"), on(1), "Rakennusliike Virtanen Oy",
               message=f"Konsultointi {month}"),
        debit(archive(2), Decimal("1450.00"), on(2), "Kiinteistö Oy Mannerheimintie 12",
              message=f"Vuokra {month}"),
        batch(archive(3), on(4), credit=True, transactions=[
            Transaction(amount("412.60", "23.10"), "Nets Oy", message="Korttitilitys Visa"),
            Transaction(amount("287.35", "-11.05"), "Nets Oy", message="Korttitilitys Mastercard"),
            Transaction(amount("96.80", "4.45"), "Nets Oy", message="Korttitilitys MobilePay"),
        ]),
        credit(archive(4), amount("2410.20", "-58.00"), on(9), "Kahvila Aurora Oy", message="Ohjelmistolisenssit"),
        batch(archive(5), on(14), credit=False, transactions=[
            Transaction(Decimal("2850.00"), "Liisa Korhonen", message="Palkka"),
            Transaction(Decimal("2640.00"), "Juha Nieminen", message="Palkka"),
        ]),
        debit(archive(6), Decimal("249.75"), on(20), "Pilvipalvelu Kumpula Oy", message="Pilvipalvelu"),
        debit(archive(7), amount("12.90", "1.20"), end, "Nordea Pankki Suomi Oyj", message="Palvelumaksut"),
    ]  # fmt: skip


def statements(today: date) -> list[samples.Statement]:
    """The quarter's statements, each opening where the previous one closed."""
    running = samples.Running(OPENING_BALANCE)
    for number, (start, end) in enumerate(statement_periods(today), start=1):
        running.add(f"DEMO-STMT-{start:%Y%m%d}", month_entries(number, start, end), start=start, end=end)
    return running.statements


def _open_sales(session: Session, company_id: int) -> list[Invoice]:
    return list(
        session.scalars(
            select(Invoice)
            .where(
                Invoice.company_id == company_id,
                Invoice.type == transitions.SALES_INVOICE,
                Invoice.status == transitions.SENT,
                Invoice.reference.is_not(None),
            )
            .order_by(Invoice.id)
        )
    )


def reference_payments(session: Session, company_id: int, today: date) -> list[Incoming]:
    """The newest two SENT demo invoices paid by reference — the older in full, the newer in
    part — and one payment whose reference is nobody's."""
    payments: list[Incoming] = []
    invoices = _open_sales(session, company_id)[-2:]
    for n, invoice in enumerate(invoices, start=1):
        open_amount = from_minor(invoice.gross_minor - invoice.paid_minor)
        amount = open_amount if n == 1 else (open_amount * PARTIAL_SHARE).quantize(Decimal("0.01"))
        day = max(invoice.invoice_date, min(invoice.invoice_date + timedelta(days=7), today))
        assert invoice.reference is not None
        payments.append(
            Incoming(f"{day:%y%m%d}VIITE{n:06d}", invoice.reference, amount, day, invoice.counterparty_name)
        )
    day = max(today - timedelta(days=2), date(today.year, 1, 1))
    payments.append(
        Incoming(f"{day:%y%m%d}VIITE{9:06d}", UNKNOWN_REFERENCE, Decimal("318.00"), day, "Tuntematon Maksaja")
    )
    return payments


def _payment_item(session: Session, invoice: Invoice, today: date) -> dict[str, Any] | None:
    partner = session.get(BusinessPartner, (invoice.company_id, invoice.partner_id))
    if partner is None:
        return None
    info = partner.document.get("paymentInfo") or {}
    address = dict(partner.document.get("address") or {})
    address["name"] = partner.name
    if not info.get("bankAccount") or not address.get("city") or not address.get("country"):
        return None
    return {
        "invoiceId": invoice.id,
        "invoiceVersion": invoice.version.isoformat(),
        "amount": str(from_minor(invoice.gross_minor - invoice.paid_minor)),
        "paymentDate": max(invoice.due_date, today + timedelta(days=1)).isoformat(),
        "paymentMethod": "FINNISH_BANK_TRANSFER",
        "recipientBankAccount": info["bankAccount"],
        "recipientBicCode": info.get("bic"),
        "recipientNameAndAddress": {
            k: address[k] for k in ("name", "street", "zip", "city", "country") if k in address
        },
        "payerBankAccount": MAIN_IBAN,
    }


def queue_payment(session: Session, company_id: int, user_id: int, today: date) -> None:
    """The newest APPROVED demo purchase invoice asked for and confirmed as the demo user."""
    invoice = session.scalars(
        select(Invoice)
        .where(
            Invoice.company_id == company_id,
            Invoice.type == transitions.PURCHASE_INVOICE,
            Invoice.status == transitions.APPROVED,
        )
        .order_by(Invoice.id.desc())
    ).first()
    if invoice is None:
        return
    item = _payment_item(session, invoice, today)
    if item is None:
        return
    body = payment_wire.InvoicePaymentList.model_validate({"payments": [item]})
    transaction = payments_service.request_invoice_payments(
        session, company_id=company_id, user_id=user_id, readable=frozenset(transitions.INVOICE_TYPES), body=body
    )
    mfa_service.confirm(session, transaction_id=transaction.id, user_id=user_id)


def seed_banking(session: Session, company_id: int, user_id: int) -> None:
    """Statements, reference payments and the payment batch (after invoices and bank accounts)."""
    if accounts_repository.by_iban(session, company_id=company_id, iban=MAIN_IBAN) is None:
        return
    today = clock.now().date()
    quarter = samples.camt053(MAIN_IBAN, statements(today), message_id="DEMO-STMT")
    import_file(session, company_id=company_id, data=quarter, filename="tiliotteet.xml", user_id=user_id)
    incoming = samples.camt054(MAIN_IBAN, reference_payments(session, company_id, today), message_id="DEMO-VIITE")
    import_file(session, company_id=company_id, data=incoming, filename="viitesiirrot.xml", user_id=user_id)
    queue_payment(session, company_id, user_id, today)
