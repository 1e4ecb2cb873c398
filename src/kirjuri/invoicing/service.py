"""The invoice verbs of the core: create (`POST /invoices`), read, and replace (`PUT`), with the
invoice's ledger receipt kept in step (`invoicing.accounting`) and the audit trail appended.

Invariants:
- the service is the only writer of `invoices` and `invoice_rows`: the columns (type, status,
  number, partner, counterparty name, dates, channel, payment method, currency, reference, totals
  …) always equal the stored `document` — the wire Invoice without its server-kept fields, decimals
  as strings — and the rows; `version` changes on every write;
- a request is validated whole — the §D.13.4 rules (`invoicing.rules`), the sums
  (`invoicing.sums`), the registers (partner, products), the reference, the open periods — and
  every finding is answered at once (`rules.refuse`); nothing is written when anything fails, and
  the invoice number is taken only after validation, in the same transaction (`invoicing.numbers`);
- an invoice is replaced only in the statuses `transitions.editable` names (403
  `INVOICE_NOT_EDITABLE`), with the current `version`, keeping its type, number, partner and
  (sales order) offer flag; the status never changes here;
- every create and replace appends one audit event (`invoicing.events`).

Decisions where the contract leaves room (and why):
- Registers: `partnerId` must name a partner of the type's register — CUSTOMER for sales
  invoices and orders, SUPPLIER for purchase invoices and orders, PERSON for travel and expense
  claims — else 400 `PARTNER_NOT_FOUND` at `partnerId`; a row's `productId` must name a product
  of the company, else 400 `PRODUCT_NOT_FOUND` at `invoiceRows[n].productId` (400, not 404: they
  are findings in a body, answered together with the others).
- On PUT, `partnerId` and `isOffer` left out (null) keep the stored value; a different value is
  400 `PARTNER_CANNOT_BE_CHANGED` at `partnerId` / `IS_OFFER_CANNOT_BE_CHANGED` at `isOffer` (the
  offer flag picks the numbering series, and numbers never move). A different `type` is 400
  `INVOICE_TYPE_CANNOT_BE_CHANGED` at `type`.
- Bank account: there is no table of the company's bank accounts yet (issue 6), so a
  BANK_TRANSFER is paid to any valid IBAN (`rules.check_payment_method`); whether it is the
  company's own or the factoring contract's is not checked. `factoringContractId` is stored as
  given (there is no factoring register yet).
- Reference (`paymentInfo.bankReferenceCode`): missing or null → none; `""` on a sales invoice or
  order → generated from the invoice number (`references.generate`), as RF when the company's
  optional setting `invoicing` holds `{"referenceType": "RF"}`, else Finnish — or of the type the
  client names in `bankReferenceCodeType` (FI or RF; another is 400 `UNSUPPORTED_REFERENCE_TYPE`);
  `""` on a purchase, travel or expense document (the reference is the biller's, never ours) →
  none; a value → validated and stored compact, of the type named if one is
  (`REFERENCE_TYPE_MISMATCH`), the stored `bankReferenceCodeType` always that of the stored
  reference (FI or RF) and absent without one.
- Addresses: an omitted `billingAddress` is the counterparty address for the sales types (where
  the invoice goes); an omitted `deliveryAddress` is the counterparty address for sales and
  purchase invoices and orders (the contract's "defaults to counterparty address for
  sales/purchase"); both are stored so, and `{}` is stored and returned as `{}` (none), so a GET
  sent back in a PUT keeps its meaning.
- `language` is stored for the sales types only (ignored otherwise, as the contract says);
  `isOffer` is stored for sales orders only (false otherwise).
- Dates: the invoice `date` is the accounting date and must lie in an open period (400
  `CLOSED_FISCAL_PERIOD` at `date`, `ledger.fiscal.writable_period`) for every type, orders too —
  on PUT the stored date as well. Due and delivery dates are not accounting dates.
- VAT: under a self-assessed status (intra-EU, import and reverse-charge purchases) the biller
  charges none, so the invoice states 0 % for the row in its sums while the row keeps the client's
  `vatPercent`, which the ledger needs to book the output and input tax.
- Not in `invoicing.rules` and checked here: a `currencyRate` of more than 10 decimals (400
  `TOO_MANY_DECIMALS`: the column holds 10, and a rate is never rounded); `deliveryMethod: OTHER`
  on the sales types (400
  `INVALID_ENUM_VALUE`, the contract's "not allowed for SALES_INVOICE / SALES_ORDER"), and each
  `counterParty.bccAddresses[n]` a valid address other than the main e-mail (400 `INVALID_EMAIL`).
- Attachments: `referenceType=INVOICE` finds every invoice (orders and offers too) through this
  module's owner finder, registered ahead of the journals' hidden invoices.
- `addCollectionPenalCosts=true` adds rows only where the company has a collection automation
  setting and its products; Kirjuri has no such setting yet, so it adds nothing.
- `invoiceApprovalInformation` is circulation state (verifiers and acceptors chosen through
  circulation, `invoice_checkers`): ignored on write, shown from the checkers on read.
- Audit actions: the contract's InvoiceTransaction actions name no creation or edit, so these
  are Kirjuri's own: `CREATED` and `UPDATED`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kirjuri.api.schemas import WireModel
from kirjuri.attachments import owners
from kirjuri.attachments import repository as attachments
from kirjuri.attachments.schemas import attachment_to_wire
from kirjuri.companies import repository as companies
from kirjuri.core import clock, vat
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.money import decimal_places, from_minor, plain, to_minor
from kirjuri.db import direct
from kirjuri.db.counters import next_value, take_gap_free, unnumbered
from kirjuri.invoicing import accounting, events, numbers, references, repository, rules, schemas, sums
from kirjuri.invoicing.document import Totals, VatLine
from kirjuri.invoicing.models import Invoice, InvoiceChecker, InvoiceRow, InvoiceVatLine
from kirjuri.invoicing.transitions import (
    INITIAL_STATUS,
    PURCHASE_INVOICE,
    PURCHASE_ORDER,
    SALES_ORDER,
    editable,
)
from kirjuri.ledger import fiscal
from kirjuri.partners.models import BusinessPartner
from kirjuri.partners.rules import is_email

VersionCheck = Callable[[datetime], None]

CREATED = "CREATED"
UPDATED = "UPDATED"
INVOICING_SETTING = "invoicing"
# `invoices.currency_rate` is NUMERIC(20, 10): a longer rate is refused, never rounded.
RATE_PLACES = 10
# The register a type's `partnerId` must be found in.
REGISTER: dict[str, str] = {
    "SALES_INVOICE": "CUSTOMER",
    "SALES_ORDER": "CUSTOMER",
    "PURCHASE_INVOICE": "SUPPLIER",
    "PURCHASE_ORDER": "SUPPLIER",
    "TRAVEL_INVOICE": "PERSON",
    "BILL_OF_CHARGES": "PERSON",
}
DELIVERY_DEFAULT_TYPES = frozenset({*rules.SALES_TYPES, PURCHASE_INVOICE, PURCHASE_ORDER})
REFERENCE = "paymentInfo.bankReferenceCode"
REFERENCE_TYPE = "paymentInfo.bankReferenceCodeType"
# Server-kept fields: never stored in `document` (the columns, rows and other tables hold them).
_NOT_STORED: dict[str, Any] = {
    "id": True,
    "status": True,
    "invoice_number": True,
    "ledger_receipt_id": True,
    "payment_date": True,
    "invoice_sum_info": True,
    "creator_id": True,
    "attachments": True,
    "invoice_operator_info": True,
    "sum": True,
    "version": True,
    "invoice_rows": True,
    "invoice_approval_information": True,
    "is_offer": True,
    "payment_info": {"new_due_date": True},
}
_ROW_DOCUMENT = {"comment", "start_date", "end_date", "header_text", "explanation_text"}


class _Generate:
    """`bankReferenceCode: ""` on a sales type: generate once the number is known."""

    def __init__(self, kind: str | None) -> None:
        self.kind = kind


@dataclass(slots=True)
class _Checked:
    """A validated body: what the write needs besides the body itself."""

    sums: sums.Sums
    totals: Totals
    vat_lines: tuple[VatLine, ...]  # the stated breakdown: adds up to `totals`
    plan: accounting.Plan | None
    partner: BusinessPartner | None
    reference: tuple[str, str] | _Generate | None


# --- attachments ------------------------------------------------------------------------------------


def _attachment_owner(session: Session, company_id: int, reference_id: int) -> str | None:
    """`referenceType=INVOICE`: an invoice of any type (orders and offers have no receipt whose
    hidden invoice would name them); its type is the document type that decides the rights."""
    found = repository.find(session, company_id=company_id, invoice_id=reference_id)
    if found is None:
        return None
    return "OFFER" if found.is_offer else found.type


owners.register("INVOICE", _attachment_owner, first=True)


# --- reads ------------------------------------------------------------------------------------------


def get_invoice(session: Session, *, company_id: int, invoice_id: int, lock: bool = False) -> Invoice:
    """The company's invoice; 404 at `invoiceId` when there is none (row-locked with `lock`)."""
    return repository.get(session, company_id=company_id, invoice_id=invoice_id, lock=lock)


def to_wire(session: Session, *, invoice: Invoice) -> schemas.Invoice:
    """The full Invoice as the contract shows it."""
    return to_wire_many(session, company_id=invoice.company_id, invoices=[invoice])[0]


def to_wire_many(session: Session, *, company_id: int, invoices: Sequence[Invoice]) -> list[schemas.Invoice]:
    """Several invoices as `to_wire` shows them, in a fixed number of queries."""
    ids = [i.id for i in invoices]
    rows = repository.rows_of(session, company_id=company_id, invoice_ids=ids)
    checkers = repository.checkers_of(session, company_id=company_id, invoice_ids=ids)
    files: dict[int, list[schemas.Attachment]] = {}
    for a in attachments.for_owners(session, company_id=company_id, owners=[("INVOICE", i) for i in ids]):
        files.setdefault(a.reference_id, []).append(attachment_to_wire(a))
    sum_infos = sum_info_many(session, company_id=company_id, invoices=invoices)
    return [
        _wire(invoice, rows.get(invoice.id, []), checkers.get(invoice.id, []), files.get(invoice.id), sum_infos)
        for invoice in invoices
    ]


def sum_info_many(
    session: Session, *, company_id: int, invoices: Sequence[Invoice]
) -> dict[int, list[schemas.InvoiceSumInfo]]:
    """{invoice id: its `invoiceSumInfo`}: the invoice currency's totals, and when the company keeps
    its books in another currency, the company currency's — as booked in the invoice's receipt,
    or (orders, offers) as `sums.in_accounting_currency` converts them."""
    home = companies.currency_of(session, company_id) or "EUR"
    foreign = [i for i in invoices if i.currency != home]
    booked = accounting.booked_in_accounting_currency(session, company_id=company_id, invoices=foreign)
    unbooked = [i for i in foreign if i.id not in booked]
    rows = repository.rows_of(session, company_id=company_id, invoice_ids=[i.id for i in unbooked])
    for invoice in unbooked:
        booked[invoice.id] = sums.in_accounting_currency(
            _recompute(invoice, rows.get(invoice.id, [])), rate=invoice.currency_rate
        )
    found: dict[int, list[schemas.InvoiceSumInfo]] = {}
    for invoice in invoices:
        own = Totals(
            net=from_minor(invoice.net_minor), vat=from_minor(invoice.vat_minor), gross=from_minor(invoice.gross_minor)
        )
        found[invoice.id] = [_sum_info(invoice.currency, own, in_accounting=invoice.currency == home)]
        if invoice.id in booked:
            found[invoice.id].append(_sum_info(home, booked[invoice.id], in_accounting=True))
    return found


def _sum_info(currency: str, totals: Totals, *, in_accounting: bool) -> schemas.InvoiceSumInfo:
    return schemas.InvoiceSumInfo(
        currency=currency,
        in_accounting_currency=in_accounting,
        excluding_vat_total=totals.net,
        vat_sum_total=totals.vat,
        invoice_sum_total=totals.gross,
    )


def _recompute(invoice: Invoice, rows: Sequence[InvoiceRow]) -> sums.Sums:
    extra = invoice.document.get("extraInfo") or {}
    return sums.compute(
        [
            sums.RowInput(r.quantity, r.unit_price, r.discount_percent, r.vat_percent, _row_status(r, invoice))
            for r in rows
        ],
        header_discount_percent=Decimal(str(invoice.document.get("discountPercent", "0"))),
        prices_include_vat=bool(extra.get("unitPricesIncludeVat")),
    )


def _row_status(row: InvoiceRow, invoice: Invoice) -> int:
    if row.vat_status is not None:
        return row.vat_status
    status = invoice.document.get("vatStatus")
    return int(status) if status is not None else sums.DOMESTIC_VAT_STATUS


def _wire(
    invoice: Invoice,
    rows: Sequence[InvoiceRow],
    checkers: Sequence[InvoiceChecker],
    files: list[schemas.Attachment] | None,
    sum_infos: dict[int, list[schemas.InvoiceSumInfo]],
) -> schemas.Invoice:
    data: dict[str, Any] = dict(invoice.document)
    data.update(
        id=invoice.id,
        type=invoice.type,
        status=invoice.status,
        invoiceNumber=invoice.invoice_number,
        ledgerReceiptId=invoice.ledger_receipt_id,
        paymentDate=invoice.payment_date,
        creatorId=invoice.creator_id,
        version=invoice.version,
        invoiceRows=[_row_wire(r) for r in rows],
    )
    if invoice.type == SALES_ORDER:
        data["isOffer"] = invoice.is_offer
    wire = schemas.Invoice.model_validate(data)
    wire.invoice_sum_info = sum_infos.get(invoice.id)
    wire.attachments = files or None
    if checkers:
        wire.invoice_approval_information = schemas.InvoiceApprovalInformation(
            verifiers=[_checker(c) for c in checkers if c.role == "VERIFIER"] or None,
            acceptors=[_checker(c) for c in checkers if c.role == "ACCEPTOR"] or None,
        )
    return wire


def _checker(checker: InvoiceChecker) -> schemas.InvoiceCheckerInformation:
    done = checker.performed_at.date() if checker.performed_at is not None else None
    return schemas.InvoiceCheckerInformation(user_id=checker.user_id, event_performed=done)


def _row_wire(row: InvoiceRow) -> dict[str, Any]:
    return {
        **row.document,
        "id": row.id,
        "productId": row.product_id,
        "product": row.product,
        "productCode": row.product_code,
        "quantity": plain(row.quantity),
        "unit": row.unit,
        "unitPrice": plain(row.unit_price),
        "discountPercent": plain(row.discount_percent),
        "vatPercent": plain(row.vat_percent),
        "vatStatus": row.vat_status,
    }


# --- validation -------------------------------------------------------------------------------------


def _mapping(address: WireModel | None) -> dict[str, str | None] | None:
    """An address as `rules.check_channel` reads it (wire keys); None when it was not sent."""
    if address is None:
        return None
    return {k: v for k, v in address.model_dump(exclude_none=True).items() if isinstance(v, str)}


def _reference(body: schemas.Invoice, errors: list[ErrorItem]) -> tuple[str, str] | _Generate | None:
    info = body.payment_info
    code, kind = info.bank_reference_code, info.bank_reference_code_type
    if code is None:
        return None
    if not code.strip():
        if body.type not in rules.SALES_TYPES:
            return None
        if kind is not None and kind.value not in ("FI", "RF"):
            errors.append(ErrorItem(400, "UNSUPPORTED_REFERENCE_TYPE", REFERENCE_TYPE))
            return None
        return _Generate(kind.value if kind is not None else None)
    try:
        compact, found = references.validate(
            code, field=REFERENCE, kind=kind.value if kind is not None else None, kind_field=REFERENCE_TYPE
        )
    except KirjuriError as error:
        errors.extend(error.items)
        return None
    return compact, found.value


def _bcc_errors(counter_party: schemas.CounterParty) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    main = (counter_party.email or "").strip().lower()
    for i, address in enumerate(counter_party.bcc_addresses or []):
        text = address.strip()
        if not is_email(text) or (main and text.lower() == main):
            errors.append(ErrorItem(400, "INVALID_EMAIL", f"counterParty.bccAddresses[{i}]"))
    return errors


def _states_vat(invoice_type: str, status: int, percent: Decimal) -> Decimal:
    """The VAT percent the invoice states for a row: its own, except under a self-assessed status
    (reverse charge, intra-EU and import purchases), where the biller charges none — the buyer
    books output and input tax that cancel out (`ledger.vatrows`), so the invoice shows 0 %."""
    known = vat.STATUSES.get(status)
    treatment = known.treatment(rules.side_of(invoice_type)) if known is not None else None
    in_range = percent.is_finite() and 0 <= percent <= sums.HUNDRED
    return sums.ZERO if treatment is vat.Treatment.SELF_ASSESSED and in_range else percent


def _row_inputs(body: schemas.Invoice) -> list[sums.RowInput]:
    default = body.vat_status if body.vat_status is not None else sums.DOMESTIC_VAT_STATUS
    inputs = []
    for row in body.invoice_rows:
        status = row.vat_status if row.vat_status is not None else default
        inputs.append(
            sums.RowInput(
                quantity=row.quantity,
                unit_price=row.unit_price,
                discount_percent=row.discount_percent,
                vat_percent=_states_vat(body.type, status, row.vat_percent),
                vat_status=status,
            )
        )
    return inputs


def _row_vat_errors(body: schemas.Invoice, invoice_status_ok: bool) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    for i, row in enumerate(body.invoice_rows):
        status = row.vat_status if row.vat_status is not None else body.vat_status
        if row.vat_status is None and not invoice_status_ok:
            continue  # the invoice's status is already refused
        if not row.vat_percent.is_finite() or not 0 <= row.vat_percent <= sums.HUNDRED:
            continue  # refused by the sums at vatPercent
        errors += rules.check_row_vat(
            invoice_type=body.type, index=i, vat_status=status, vat_percent=row.vat_percent, on=body.date
        )
    return errors


def _period_errors(session: Session, *, company_id: int, days: Sequence[date]) -> list[ErrorItem]:
    for day in dict.fromkeys(days):
        try:
            fiscal.writable_period(session, company_id=company_id, day=day, field="date")
        except KirjuriError as error:
            return error.items
    return []


def _check(
    session: Session,
    *,
    company_id: int,
    currency: str,
    body: schemas.Invoice,
    old_date: date | None = None,
    errors: list[ErrorItem] | None = None,
) -> _Checked:
    """Every rule of §D.13.4 on `body`; raises `KirjuriError` with all findings (after `errors`,
    the caller's own)."""
    rules.refuse(rules.check_type(body.type))
    errors = list(errors or [])
    info = body.payment_info
    counter_party = body.counter_party
    address = counter_party.counter_party_address
    status_errors = rules.check_vat_status(invoice_type=body.type, vat_status=body.vat_status)
    errors += status_errors
    errors += rules.check_language(body.type, body.language.value if body.language is not None else None)
    errors += rules.check_channel(
        invoice_type=body.type,
        channel=body.invoice_channel.value,
        email=counter_party.email,
        billing_address=_mapping(body.billing_address),
        counterparty_address=_mapping(address),
        einvoice_address=counter_party.einvoice_address.address if counter_party.einvoice_address else None,
        einvoice_operator=counter_party.einvoice_address.operator if counter_party.einvoice_address else None,
        country=address.country.value if address.country is not None else None,
    )
    errors += _bcc_errors(counter_party)
    errors += rules.check_payment_method(
        method=info.payment_method.value,
        bank_account=info.bank_account.account_number if info.bank_account is not None else None,
        factoring_contract_id=body.factoring_contract_id,
    )
    errors += rules.check_dates(invoice_date=body.date, due_date=info.due_date)
    if decimal_places(info.currency_rate) > RATE_PLACES:
        errors.append(ErrorItem(400, "TOO_MANY_DECIMALS", "paymentInfo.currencyRate"))
    if body.delivery_method == schemas.DeliveryMethod.OTHER and body.type in rules.SALES_TYPES:
        errors.append(ErrorItem(400, "INVALID_ENUM_VALUE", "deliveryMethod"))
    computed: sums.Sums | None = None
    try:
        computed = sums.compute(
            _row_inputs(body),
            header_discount_percent=body.discount_percent,
            prices_include_vat=body.extra_info.unit_prices_include_vat,
        )
    except KirjuriError as error:
        errors += error.items
    errors += _row_vat_errors(body, invoice_status_ok=not status_errors)
    partner = None
    if body.partner_id is not None:
        partner = repository.find_partner(
            session, company_id=company_id, partner_id=body.partner_id, kind=REGISTER[body.type]
        )
        if partner is None:
            errors.append(ErrorItem(400, "PARTNER_NOT_FOUND", "partnerId"))
    products = repository.product_accounts(
        session, company_id=company_id, ids=[r.product_id for r in body.invoice_rows if r.product_id is not None]
    )
    for i, row in enumerate(body.invoice_rows):
        if row.product_id is not None and row.product_id not in products:
            errors.append(ErrorItem(400, "PRODUCT_NOT_FOUND", f"invoiceRows[{i}].productId"))
    reference = _reference(body, errors)
    days = [body.date] if old_date is None else [old_date, body.date]
    errors += _period_errors(session, company_id=company_id, days=days)
    rules.refuse(errors)
    assert computed is not None  # its errors were refused above
    plan = None
    totals = computed.totals
    vat_lines = computed.vat_lines
    if accounting.books(body.type):
        rate = info.currency_rate if info.currency.value != currency else None
        plan = accounting.plan(
            session,
            company_id=company_id,
            invoice_type=body.type,
            name=address.name,
            invoice_date=body.date,
            vat_status=body.vat_status,
            partner_id=body.partner_id,
            partner_accounts=partner.default_accounts if partner is not None else None,
            rows=[
                accounting.RowIn(
                    amount=(row_sums.gross if body.extra_info.unit_prices_include_vat else row_sums.net),
                    vat_percent=row.vat_percent,
                    vat_status=row.vat_status,
                    product_account=products[row.product_id] if row.product_id is not None else None,
                    product_id=row.product_id,
                )
                for row, row_sums in zip(body.invoice_rows, computed.rows, strict=True)
            ],
            accounting_by_row=body.extra_info.accounting_by_row,
            prices_include_vat=body.extra_info.unit_prices_include_vat,
            invoice_totals=computed.totals,
            rate=rate,
        )
        totals = plan.totals
        vat_lines = sums.restated(computed.vat_lines, plan.vat_lines)
    return _Checked(sums=computed, totals=totals, vat_lines=vat_lines, plan=plan, partner=partner, reference=reference)


# --- writes -----------------------------------------------------------------------------------------


def _currency(session: Session, company_id: int) -> str:
    """The company's accounting currency; 404 when there is no such company."""
    currency = companies.currency_of(session, company_id)
    if currency is None:
        raise KirjuriError("NOT_FOUND", 404)
    return currency


def _reference_setting(session: Session, company_id: int) -> str:
    """The company's optional `invoicing` setting `referenceType` (FI or RF); FI by default."""
    stored = companies.setting_value(session, company_id=company_id, name=INVOICING_SETTING)
    wanted = str((stored or {}).get("referenceType") or "FI").upper()
    return wanted if wanted in ("FI", "RF") else "FI"


def _resolve_reference(
    session: Session, *, invoice: Invoice, reference: tuple[str, str] | _Generate | None
) -> tuple[str, str] | None:
    if isinstance(reference, _Generate):
        setting = reference.kind or _reference_setting(session, invoice.company_id)
        compact, kind = references.generate(invoice_number=invoice.invoice_number, company_setting=setting)
        return compact, kind.value
    return reference


def _document(body: schemas.Invoice, reference: tuple[str, str] | None) -> dict[str, Any]:
    document: dict[str, Any] = body.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=_NOT_STORED)
    payment = document["paymentInfo"]
    payment.pop("bankReferenceCode", None)
    payment.pop("bankReferenceCodeType", None)
    if reference is not None:
        payment["bankReferenceCode"], payment["bankReferenceCodeType"] = reference
    address = document["counterParty"]["counterPartyAddress"]
    if body.billing_address is None and body.type in rules.SALES_TYPES:
        document["billingAddress"] = dict(address)
    if body.delivery_address is None and body.type in DELIVERY_DEFAULT_TYPES:
        document["deliveryAddress"] = dict(address)
    if body.type not in rules.SALES_TYPES:
        document.pop("language", None)
    return document


def _fill(invoice: Invoice, body: schemas.Invoice, checked: _Checked, reference: tuple[str, str] | None) -> None:
    info = body.payment_info
    invoice.original_invoice_number = body.original_invoice_number
    invoice.partner_id = body.partner_id if body.partner_id is not None else invoice.partner_id
    invoice.counterparty_name = body.counter_party.counter_party_address.name
    invoice.invoice_date = body.date
    invoice.due_date = info.due_date
    invoice.invoice_channel = body.invoice_channel.value
    invoice.payment_method = info.payment_method.value
    invoice.currency = info.currency.value
    invoice.currency_rate = info.currency_rate
    invoice.reference, invoice.reference_type = reference if reference is not None else (None, None)
    invoice.factoring_contract_id = body.factoring_contract_id
    invoice.net_minor = to_minor(checked.totals.net)
    invoice.vat_minor = to_minor(checked.totals.vat)
    invoice.gross_minor = to_minor(checked.totals.gross)
    invoice.additional_information = body.additional_information
    invoice.document = _document(body, reference)


def _store_rows(session: Session, *, invoice: Invoice, body: schemas.Invoice, computed: sums.Sums) -> None:
    session.add_all(_new_rows(session, invoice=invoice, body=body, computed=computed))


def _new_rows(session: Session, *, invoice: Invoice, body: schemas.Invoice, computed: sums.Sums) -> list[InvoiceRow]:
    """The invoice's rows (not yet added to the session), their ids taken as one block."""
    count = len(body.invoice_rows)
    if not count:
        return []
    first = next_value(session, company_id=invoice.company_id, name="invoice_row", count=count)
    return [
        InvoiceRow(
            company_id=invoice.company_id,
            id=first + line_no,
            invoice_id=invoice.id,
            line_no=line_no,
            product_id=row.product_id,
            product=row.product,
            product_code=row.product_code,
            quantity=row.quantity,
            unit=row.unit.value,
            unit_price=row.unit_price,
            discount_percent=row.discount_percent,
            vat_percent=row.vat_percent,
            vat_status=row.vat_status,
            net_minor=to_minor(row_sums.net),
            vat_minor=to_minor(row_sums.vat),
            gross_minor=to_minor(row_sums.gross),
            document=row.model_dump(mode="json", by_alias=True, exclude_none=True, include=_ROW_DOCUMENT),
        )
        for line_no, (row, row_sums) in enumerate(zip(body.invoice_rows, computed.rows, strict=True))
    ]


def _vat_line_rows(invoice: Invoice, lines: Sequence[VatLine]) -> list[InvoiceVatLine]:
    """The stated VAT breakdown as stored (`InvoiceVatLine`)."""
    return [
        InvoiceVatLine(
            company_id=invoice.company_id,
            invoice_id=invoice.id,
            line_no=line_no,
            vat_percent=line.percent,
            vat_status=line.vat_status,
            net_minor=to_minor(line.net),
            vat_minor=to_minor(line.vat),
            gross_minor=to_minor(line.gross),
        )
        for line_no, line in enumerate(lines)
    ]


def create_invoice(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    body: schemas.Invoice,
    add_collection_penal_costs: bool = False,
    actor: str | None = None,
) -> Invoice:
    """`POST /invoices`: a new invoice (UNFINISHED) with its number, rows, ledger receipt (booked
    types) and a CREATED event. `add_collection_penal_costs` adds nothing yet (see the module
    docstring); `actor`: the user's name when the caller knows it (else it is read)."""
    del add_collection_penal_costs  # no collection automation setting exists yet
    return _create(session, company_id=company_id, user_id=user_id, body=body, actor=actor)[0]


def create_invoice_wire(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    body: schemas.Invoice,
    add_collection_penal_costs: bool = False,
    actor: str | None = None,
) -> tuple[Invoice, schemas.Invoice]:
    """`create_invoice`, and the new invoice as `to_wire` shows it — built from what was just
    written (its rows; a new invoice has no checkers nor attachments), not read back. Built before
    the numbers are taken, and then given them: the numbers' locks are held until the commit, which
    follows at once."""
    del add_collection_penal_costs  # no collection automation setting exists yet
    wires: list[schemas.Invoice] = []

    def build(invoice: Invoice, rows: list[InvoiceRow]) -> None:
        wires.append(_wire(invoice, rows, [], None, sum_info_many(session, company_id=company_id, invoices=[invoice])))

    invoice, _rows = _create(session, company_id=company_id, user_id=user_id, body=body, actor=actor, written=build)
    wire = wires[0]
    wire.invoice_number = invoice.invoice_number
    if wire.payment_info is not None and invoice.reference is not None and invoice.reference_type is not None:
        wire.payment_info.bank_reference_code = invoice.reference
        wire.payment_info.bank_reference_code_type = schemas.BankReferenceCodeType(invoice.reference_type)
    return invoice, wire


def _create(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    body: schemas.Invoice,
    actor: str | None,
    written: Callable[[Invoice, list[InvoiceRow]], None] | None = None,
) -> tuple[Invoice, list[InvoiceRow]]:
    """The new invoice written; `written` is called once its rows are, before the numbers (their
    number and reference still placeholders)."""
    checked = _check(session, company_id=company_id, currency=_currency(session, company_id), body=body)
    # Everything that reads or may refuse comes first, then every row is built and written (plain
    # ids take no lock; the numbers are placeholders); the gap-free invoice and receipt numbers
    # (row locks held until the commit) are taken last, in the one lock order of `db.counters` —
    # so concurrent invoices of the company wait only for one another's numbering, balances and
    # commit.
    built = None
    if checked.plan is not None:
        built = accounting.prepare(session, company_id=company_id, invoice_type=body.type, plan=checked.plan)
    generate = checked.reference if isinstance(checked.reference, _Generate) else None
    if generate is not None and generate.kind is None:
        generate = _Generate(_reference_setting(session, company_id))
    if actor is None:
        actor = events.actor_name(session, company_id=company_id, user_id=user_id)
    is_offer = body.type == SALES_ORDER and bool(body.is_offer)
    series = numbers.series_of(body.type, is_offer=is_offer)
    now = clock.now()
    invoice = Invoice(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="invoice"),
        type=body.type.value,
        status=INITIAL_STATUS,
        is_offer=is_offer,
        series=series,
        payment_date=None,
        paid_minor=0,
        creator_id=user_id,
        created_at=now,
        version=now,
    )
    invoice.invoice_number = unnumbered(invoice.id)
    given = checked.reference if not isinstance(checked.reference, _Generate) else None
    _fill(invoice, body, checked, given)
    rows = _new_rows(session, invoice=invoice, body=body, computed=checked.sums)
    # Staged before the invoice is written: it is then inserted once, with its `ledger_receipt_id`
    # (no foreign key joins the two tables), together with its rows, event and receipt, past the
    # unit of work (`db.direct`: one statement per table); it joins the session once numbered.
    staged = None
    if checked.plan is not None:
        staged = accounting.stage(session, invoice=invoice, user_id=user_id, plan=checked.plan, built=built)
    event = events.new(session, invoice=invoice, action=CREATED, actor=actor, user_id=user_id)
    direct.insert(
        session,
        [invoice, *rows, *_vat_line_rows(invoice, checked.vat_lines), event, *(staged.objects if staged else ())],
    )
    if written is not None:
        written(invoice, rows)
    number_counter = numbers.counter_name(series)
    wanted = {number_counter: 1} if staged is None else {number_counter: 1, staged.counter: 1}
    taken = take_gap_free(session, company_id=company_id, counts=wanted)
    invoice.invoice_number = taken[number_counter]
    if generate is not None:
        _set_reference(invoice, _resolve_reference(session, invoice=invoice, reference=generate))
    with direct.batch(session):  # the numbers and the balances: one round trip, under the counters' locks
        direct.update(session, invoice, _NUMBERED if generate is None else _NUMBERED_WITH_REFERENCE)
        if staged is not None:
            accounting.finish(session, invoice=invoice, staged=staged, number=taken[staged.counter])
    direct.attach(session, [invoice])
    return invoice, rows


# What `_create` writes again once the invoice has its number (and the reference made from it).
_NUMBERED = ("invoice_number",)
_NUMBERED_WITH_REFERENCE = ("invoice_number", "reference", "reference_type", "document")


def _set_reference(invoice: Invoice, reference: tuple[str, str] | None) -> None:
    """The reference generated from the invoice's number, on the invoice and in its document (as
    `_fill` puts a given one)."""
    invoice.reference, invoice.reference_type = reference if reference is not None else (None, None)
    if reference is not None:  # a new document (the stored one is not mutation-tracked)
        code, kind = reference
        payment = {**invoice.document["paymentInfo"], "bankReferenceCode": code, "bankReferenceCodeType": kind}
        invoice.document = {**invoice.document, "paymentInfo": payment}


def replace_invoice(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    invoice_id: int,
    body: schemas.Invoice,
    check_version: VersionCheck,
) -> Invoice:
    """`PUT /invoices/{id}`: the content replaced whole — rows, sums, reference, the receipt's
    accounting — in an editable status, with the current version (`check_version` raises)."""
    invoice = get_invoice(session, company_id=company_id, invoice_id=invoice_id, lock=True)
    if not editable(invoice.type, invoice.status):
        raise KirjuriError("INVOICE_NOT_EDITABLE", 403)
    check_version(invoice.version)
    errors: list[ErrorItem] = []
    if body.type != invoice.type:
        errors.append(ErrorItem(400, "INVOICE_TYPE_CANNOT_BE_CHANGED", "type"))
    if body.partner_id is not None and body.partner_id != invoice.partner_id:
        errors.append(ErrorItem(400, "PARTNER_CANNOT_BE_CHANGED", "partnerId"))
    if body.is_offer is not None and invoice.type == SALES_ORDER and body.is_offer != invoice.is_offer:
        errors.append(ErrorItem(400, "IS_OFFER_CANNOT_BE_CHANGED", "isOffer"))
    rules.refuse(errors)
    currency = _currency(session, company_id)
    if body.partner_id is None and invoice.partner_id is not None:
        body = body.model_copy(update={"partner_id": invoice.partner_id})
    checked = _check(
        session,
        company_id=company_id,
        currency=currency,
        body=body,
        old_date=invoice.invoice_date,
        errors=accounting.same_year_errors(session, invoice=invoice, new_date=body.date),
    )
    reference = _resolve_reference(session, invoice=invoice, reference=checked.reference)
    _fill(invoice, body, checked, reference)
    invoice.version = clock.now()
    session.execute(delete(InvoiceRow).where(InvoiceRow.company_id == company_id, InvoiceRow.invoice_id == invoice.id))
    _store_rows(session, invoice=invoice, body=body, computed=checked.sums)
    session.execute(
        delete(InvoiceVatLine).where(InvoiceVatLine.company_id == company_id, InvoiceVatLine.invoice_id == invoice.id)
    )
    session.add_all(_vat_line_rows(invoice, checked.vat_lines))
    # Flushed first: replacing the receipt expires the session's objects (`ledger.service`).
    session.flush()
    if checked.plan is not None:
        accounting.rebook(session, invoice=invoice, plan=checked.plan)
    actor = events.actor_name(session, company_id=company_id, user_id=user_id)
    events.record(session, invoice=invoice, action=UPDATED, actor=actor, user_id=user_id)
    session.flush()
    return invoice
