"""Wire models of the business-partner registers (§D.4) and the conversions between them and the
stored rows: the partner document, group memberships, attachments, and a person shown in the
BusinessPartner shape.

Invariants: contract names and fields exactly as in Procountor 26.04 (camelCase through
`WireModel`); the stored `document` is the wire object without `id`, `version`, `attachments`
and `registryInfo.partnerGroups` (memberships live in their own table), with decimals as plain
strings — so nothing goes through float and a number comes back the way it was stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from kirjuri.api.schemas import Country, Currency, Decimal2, Int32, InvoiceChannel, Language, SearchResult, WireModel
from kirjuri.attachments.models import Attachment as AttachmentRow
from kirjuri.attachments.schemas import Attachment
from kirjuri.ledger.models import LedgerAccount
from kirjuri.partners import rules
from kirjuri.partners.models import BusinessPartner as PartnerRow
from kirjuri.partners.models import PartnerGroup as GroupRow


class PartnerType(StrEnum):
    CUSTOMER = "CUSTOMER"
    SUPPLIER = "SUPPLIER"
    PERSON = "PERSON"


# The contract's enums, in its order (payment methods: DKLMPKRE is read-only, see rules).
PaymentMethod = StrEnum(  # type: ignore[misc]
    "PaymentMethod",
    {
        m: m
        for m in (
            "BANK_TRANSFER", "DIRECT_DEBIT", "DIRECT_PAYMENT", "CLEARING", "CREDIT_CARD_CHARGE", "FOREIGN_PAYMENT",
            "OTHER", "CASH", "DOMESTIC_PAYMENT_PLUSGIRO", "DOMESTIC_PAYMENT_BANKGIRO", "DOMESTIC_PAYMENT_CREDITOR",
            "DKLMPKRE", "NETS",
        )
    },
)  # fmt: skip
# "" is the contract's "no type".
ParentCompanyIdType = StrEnum(  # type: ignore[misc]
    "ParentCompanyIdType",
    {
        "NONE": "",
        **{
            t: t
            for t in (
                "HETU", "YHD", "PN", "NO", "AT", "BE", "BG", "CY", "HR", "CZ", "DK", "EE", "FI", "FR", "DE", "GB",
                "EL", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
            )
        },
    },
)  # fmt: skip


class InvoiceLedger(StrEnum):
    CLEARING = "CLEARING"
    INVOICE_LEDGER = "INVOICE_LEDGER"


class CashDiscountsTermType(StrEnum):
    FROM_END_OF_MONTH = "FROM_END_OF_MONTH"
    FROM_INV_DATE = "FROM_INV_DATE"


Text20 = Annotated[str, Field(max_length=20)]
Text35 = Annotated[str, Field(max_length=35)]
Text40 = Annotated[str, Field(max_length=40)]
Text80 = Annotated[str, Field(max_length=80)]
Text100 = Annotated[str, Field(max_length=100)]
Name = Annotated[str, Field(min_length=1, max_length=80)]


def _range(low: int | float, high: int | float, *, exclusive: bool = False) -> Any:
    """Documents a range the rules check (`OUT_OF_RANGE` at the field)."""
    bound = {"exclusiveMaximum": high} if exclusive else {"maximum": high}
    return Field(json_schema_extra={"minimum": low, **bound})


# --- addresses and parts --------------------------------------------------------------------------


class BusinessPartnerAddress(WireModel):
    name: Text80 | None = None
    specifier: Text80 | None = None
    street: Text80 | None = None
    zip: Text20 | None = None
    city: Text40 | None = None
    country: Country | None = None
    subdivision: Text35 | None = None


class BusinessPartnerBillingAddress(BusinessPartnerAddress):
    pass


class BusinessPartnerDeliveryAddress(BusinessPartnerAddress):
    pass


class InvoicingInfo(WireModel):
    # Bounded by their columns (customer number, identifier and its type are searchable).
    customer_number: Text40 | None = None
    identifier: Text80 | None = None
    identifier_type: Text20 | None = None
    ovt: Text40 | None = None
    invoice_channel: Annotated[
        InvoiceChannel | None, Field(description="EDIFACT and PAPER_INVOICE are read-only (refused on write).")
    ] = None
    contact_person: str | None = None
    language: Language | None = None
    email: str | None = None
    bcc_addresses: list[str] | None = None
    deny_einvoice_reminders: bool | None = None
    order_reference: str | None = None
    seller_reference_identifier: str | None = None
    buyer_reference_identifier: str | None = None
    order_number: str | None = None
    agreement_number: str | None = None
    accounting_code: str | None = None
    delivery_site: str | None = None
    tender_reference: str | None = None
    einvoice_address: str | None = None
    einvoice_operator: str | None = None


class CashDiscountOption(WireModel):
    number_of_days: Annotated[Int32, _range(0, rules.MAX_CASH_DISCOUNT_DAYS)] | None = None
    discount_percentage: Annotated[Decimal2, _range(0, 100, exclusive=True)] | None = None


class CashDiscount(WireModel):
    option_list: list[CashDiscountOption] | None = None
    cash_discounts_term_type: CashDiscountsTermType | None = None


class BusinessPartnerPaymentInfo(WireModel):
    factoring_contract_id: Int32 | None = None
    payment_method: PaymentMethod
    bank_account: Text40 | None = None
    payment_term_days: Annotated[str, Field(description="1–3 digits.")] | None = None
    payment_term_percentage: Annotated[Decimal2, _range(0, 100)] | None = None
    penal_interest_rate: Annotated[Decimal2, _range(0, 1000)] | None = None
    discount_percentage: Annotated[Decimal2, _range(0, 100)] | None = None
    cash_discount: CashDiscount | None = None
    currency: Currency | None = None
    delivery_method: str | None = None
    clearing_code: str | None = None
    bic: Text20 | None = None
    customer_account_number: str | None = None


class BusinessPartnerPaymentInfoPatch(BusinessPartnerPaymentInfo):
    """A PATCH's paymentInfo: every field optional, merged into the stored one."""

    payment_method: PaymentMethod | None = None  # type: ignore[assignment]


class BusinessPartnerContactPerson(WireModel):
    id: Annotated[Int32, Field(description="Read-only: the position, from 1.")] | None = None
    name: Text80 | None = None
    email: Annotated[str, Field(max_length=80, json_schema_extra={"format": "email"})] | None = None
    phone: Text40 | None = None


class BusinessPartnerAdditionalInfo(WireModel):
    default_additional_information: Annotated[str, Field(max_length=500)] | None = None
    default_reference: str | None = None
    group: Text80 | None = None
    parent_company_id_type: ParentCompanyIdType | None = None
    parent_company_id: Text20 | None = None
    auxiliary_company_name: Text80 | None = None
    former_company_name: Text80 | None = None
    sector: Text80 | None = None
    web_address: Text100 | None = None
    comments1: Text100 | None = None
    comments2: Text100 | None = None
    invoice_period: Text40 | None = None
    withholding_register_marking: Text20 | None = None
    invoice_ledger: InvoiceLedger | None = None


class BusinessPartnerGroup(WireModel):
    id: Int32 | None = None
    name: Name
    type: PartnerType
    active: bool | None = None


class PartnerGroupMembership(WireModel):
    """An entry of `registryInfo.partnerGroups`: the group is named by `id`; name, type and active
    are read-only (shown from the group)."""

    id: Int32 | None = None
    name: str | None = None
    type: PartnerType | None = None
    active: bool | None = None


class RegistryInfo(WireModel):
    active: bool | None = None
    phone: Text40 | None = None
    mobile_phone: Text40 | None = None
    fax: Text40 | None = None
    section: Text80 | None = None
    home_municipality: Text40 | None = None
    report_group: str | None = None
    report_group_id: Int32 | None = None
    partner_groups: list[PartnerGroupMembership] | None = None


class BusinessPartner(WireModel):
    id: Annotated[Int32, Field(description="Read-only; assigned by the server.")] | None = None
    name: Name
    type: PartnerType
    address: Annotated[BusinessPartnerAddress | None, Field(description="Required for customers.")] = None
    billing_address: BusinessPartnerBillingAddress | None = None
    delivery_address: BusinessPartnerDeliveryAddress | None = None
    invoicing_info: InvoicingInfo | None = None
    attachments: Annotated[list[Attachment], Field(description="Read-only.")] | None = None
    contact_persons: list[BusinessPartnerContactPerson] | None = None
    additional_info: BusinessPartnerAdditionalInfo | None = None
    payment_info: BusinessPartnerPaymentInfo
    registry_info: RegistryInfo | None = None
    version: datetime | None = None


class BusinessPartnerPatch(WireModel):
    """A PATCH body: `name`, `type` (CUSTOMER/SUPPLIER), `address`, `invoicingInfo` and
    `paymentInfo` are applied; the other fields of BusinessPartner are accepted and ignored."""

    id: Int32 | None = None
    name: Name | None = None
    type: PartnerType | None = None
    address: BusinessPartnerAddress | None = None
    billing_address: BusinessPartnerBillingAddress | None = None
    delivery_address: BusinessPartnerDeliveryAddress | None = None
    invoicing_info: InvoicingInfo | None = None
    attachments: list[Attachment] | None = None
    contact_persons: list[BusinessPartnerContactPerson] | None = None
    additional_info: BusinessPartnerAdditionalInfo | None = None
    payment_info: BusinessPartnerPaymentInfoPatch | None = None
    registry_info: RegistryInfo | None = None
    version: datetime | None = None


# --- search -----------------------------------------------------------------------------------------


class BasicInvoicingInfo(WireModel):
    customer_number: str | None = None
    identifier: str | None = None
    identifier_type: str | None = None


class BasicRegistryInfo(WireModel):
    active: bool | None = None


class BusinessPartnerBasicInfo(WireModel):
    id: Int32 | None = None
    name: str | None = None
    billing_address: BusinessPartnerBillingAddress | None = None
    invoicing_info: BasicInvoicingInfo | None = None
    registry_info: BasicRegistryInfo | None = None
    type: PartnerType | None = None
    version: datetime | None = None


class BusinessPartnerSearchResult(SearchResult[BusinessPartnerBasicInfo]):
    pass


class BusinessPartnerGroupSearchResult(SearchResult[BusinessPartnerGroup]):
    pass


# --- default accounts -------------------------------------------------------------------------------


class BusinessPartnerAccount(WireModel):
    code: Annotated[str, Field(max_length=12)] | None = None
    name: Annotated[str, Field(description="Read-only: the chart's name of the account.")] | None = None


class BusinessPartnerAccountsInfo(WireModel):
    debit_account: BusinessPartnerAccount | None = None
    credit_account: BusinessPartnerAccount | None = None
    reconciliation_account: BusinessPartnerAccount | None = None


class BusinessPartnerDefaultAccounts(WireModel):
    vat_percent: Annotated[Decimal2, Field(description="0 or a Finnish VAT rate in force today.")] | None = None
    vat_deduction: Annotated[Decimal2, _range(0, 100)] | None = None
    vat_status: Int32 | None = None
    vat_processing: Text40 | None = None
    combine_invoice_rows: bool | None = None
    sales_invoice_accounts: BusinessPartnerAccountsInfo | None = None
    purchase_invoice_accounts: BusinessPartnerAccountsInfo | None = None
    travel_invoice_accounts: BusinessPartnerAccountsInfo | None = None
    expense_claim_accounts: BusinessPartnerAccountsInfo | None = None
    journal_accounts: BusinessPartnerAccountsInfo | None = None


# --- conversions ------------------------------------------------------------------------------------

_NOT_STORED = {"id", "version", "attachments"}
_PATCHED = {"name", "type", "address", "invoicing_info", "payment_info"}


def document_of(partner: BusinessPartner) -> dict[str, Any]:
    """The wire object as the service takes it (decimals as strings; `registryInfo.partnerGroups`
    still in it, for the service to turn into memberships)."""
    return partner.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=_NOT_STORED)


def patch_of(patch: BusinessPartnerPatch) -> dict[str, Any]:
    """The patchable fields the client sent (a field sent as null is kept, as None: it clears)."""
    return patch.model_dump(mode="json", by_alias=True, exclude_unset=True, include=_PATCHED)


def default_accounts_document(body: BusinessPartnerDefaultAccounts) -> dict[str, Any]:
    return body.model_dump(mode="json", by_alias=True, exclude_none=True)


def group_out(group: GroupRow) -> BusinessPartnerGroup:
    return BusinessPartnerGroup(id=group.id, name=group.name, type=PartnerType(group.type), active=group.active)


def _memberships(groups: Sequence[GroupRow]) -> list[dict[str, Any]]:
    return [{"id": g.id, "name": g.name, "type": g.type, "active": g.active} for g in groups]


def _attachment(row: AttachmentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "referenceType": row.reference_type,
        "referenceId": row.reference_id,
        "mimeType": row.mime_type,
        "sendWithInvoice": row.send_with_invoice,
    }


def partner_document(row: PartnerRow) -> dict[str, Any]:
    """The row's document in the BusinessPartner shape (a person's is mapped from its Person)."""
    if row.type == rules.PERSON:
        return person_as_partner(row.document, name=row.name, active=row.active)
    return row.document


def partner_out(
    row: PartnerRow, groups: Sequence[GroupRow] = (), attachments: Sequence[AttachmentRow] = ()
) -> BusinessPartner:
    document = dict(partner_document(row))
    registry = dict(document.get("registryInfo") or {})
    registry["active"] = row.active
    if groups:
        registry["partnerGroups"] = _memberships(groups)
    document["registryInfo"] = registry
    document["id"] = row.id
    document["version"] = row.version
    document["attachments"] = [_attachment(a) for a in attachments]
    return BusinessPartner.model_validate(document)


def basic_info(row: PartnerRow) -> BusinessPartnerBasicInfo:
    document = partner_document(row)
    invoicing = document.get("invoicingInfo") or {}
    billing = document.get("billingAddress")
    return BusinessPartnerBasicInfo(
        id=row.id,
        name=row.name,
        billing_address=BusinessPartnerBillingAddress.model_validate(billing) if billing else None,
        invoicing_info=BasicInvoicingInfo(
            customer_number=row.customer_number,
            identifier=row.identifier,
            identifier_type=row.identifier_type or invoicing.get("identifierType"),
        ),
        registry_info=BasicRegistryInfo(active=row.active),
        type=PartnerType(row.type),
        version=row.version,
    )


def _some(pairs: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in pairs.items() if value is not None and value != ""}


def person_as_partner(person: dict[str, Any], *, name: str, active: bool) -> dict[str, Any]:
    """A person (the stored Person document, §D.5) in the BusinessPartner shape: its delivery
    address is the address, person number the customer number, account number the bank account,
    registry e-mail and contact person the invoicing ones. Fields a partner lacks (job title,
    gender, home-country address, date of birth …) are left out."""
    delivery = person.get("deliveryAddress") or {}
    invoicing = person.get("invoicingInfo") or {}
    payment = person.get("paymentInfo") or {}
    registry = person.get("registryInfo") or {}
    shown_name = name[:80] or (person.get("lastName") or "")[:80]
    address = _some(
        {
            "name": shown_name,
            **{k: delivery.get(k) for k in ("specifier", "street", "zip", "city", "country", "subdivision")},
        }
    )
    document: dict[str, Any] = {
        "name": shown_name,
        "type": rules.PERSON,
        "address": address,
        "invoicingInfo": _some(
            {
                "customerNumber": invoicing.get("personNumber"),
                "identifier": invoicing.get("identifier"),
                "identifierType": invoicing.get("identifierType"),
                "language": invoicing.get("language"),
                "email": registry.get("email"),
                "contactPerson": registry.get("contactPerson"),
            }
        ),
        "paymentInfo": _some(
            {
                # Required by the BusinessPartner shape; a person always has one (§D.5).
                "paymentMethod": payment.get("paymentMethod") or "BANK_TRANSFER",
                "bankAccount": payment.get("accountNumber"),
                "bic": payment.get("bic"),
                "clearingCode": payment.get("clearingCode"),
                "paymentTermDays": payment.get("paymentTermDays"),
                "paymentTermPercentage": payment.get("paymentTermPercentage"),
                "penalInterestRate": payment.get("penalInterestRate"),
                "discountPercentage": payment.get("discountPercentage"),
            }
        ),
        "additionalInfo": _some({"defaultReference": registry.get("defaultReference")}),
        "registryInfo": _some(
            {
                "active": active,
                "phone": registry.get("phone"),
                "mobilePhone": registry.get("mobilePhone"),
                "fax": registry.get("fax"),
                "section": registry.get("section"),
                "homeMunicipality": registry.get("homeMunicipality"),
                "reportGroupId": registry.get("reportGroupId"),
            }
        ),
    }
    return {key: value for key, value in document.items() if value != {}}


def default_accounts_out(
    stored: dict[str, Any] | None, chart: dict[str, LedgerAccount]
) -> BusinessPartnerDefaultAccounts:
    """The stored defaults with each account's current name from the chart."""
    document: dict[str, Any] = {}
    for key, value in (stored or {}).items():
        if key in rules.ACCOUNT_SETS:
            document[key] = {
                role: {
                    "code": account["code"],
                    "name": chart[account["code"]].name if account["code"] in chart else None,
                }
                for role, account in value.items()
            }
        else:
            document[key] = value
    return BusinessPartnerDefaultAccounts.model_validate(document)
