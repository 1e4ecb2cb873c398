"""Wire schemas of companies, users, rights and session info — names and fields as in the contract,
plus Kirjuri's member listing (`CompanyUser`, `CompanyUserSearchResult`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from kirjuri.api.schemas import (
    CompanyCurrencyCode,
    Country,
    Decimal2,
    Int32,
    Int64,
    InvoiceChannel,
    SearchResult,
    Unit,
    WireModel,
)
from kirjuri.mfa.rules import CONFIRMATION_APP


class RightLevel(StrEnum):
    ALL_RIGHTS = "ALL_RIGHTS"
    NOT_ENABLED = "NOT_ENABLED"
    NO_ACCESS = "NO_ACCESS"
    VIEWING_RIGHTS = "VIEWING_RIGHTS"


class ProductVersion(StrEnum):
    BACKOFFICE = "BACKOFFICE"
    BACKOFFICE_BASIC = "BACKOFFICE_BASIC"
    BACKOFFICE_PLUS = "BACKOFFICE_PLUS"
    BACKOFFICE_PREMIUM = "BACKOFFICE_PREMIUM"
    FINAGO_SOLO = "FINAGO_SOLO"
    FINANCIALS_ALKU = "FINANCIALS_ALKU"
    FINANCIALS_BASIC = "FINANCIALS_BASIC"
    FINANCIALS_ENTERPRISE = "FINANCIALS_ENTERPRISE"
    FINANCIALS_GOLD = "FINANCIALS_GOLD"
    FINANCIALS_LIGHT = "FINANCIALS_LIGHT"
    FINANCIALS_MAX = "FINANCIALS_MAX"
    FINANCIALS_PLATINUM = "FINANCIALS_PLATINUM"
    FINANCIALS_PLUS = "FINANCIALS_PLUS"
    FINANCIALS_PREMIUM = "FINANCIALS_PREMIUM"
    FINANCIALS_SILVER = "FINANCIALS_SILVER"
    FINANCIALS_TIER_ONE = "FINANCIALS_TIER_ONE"
    FINANCIALS_TIER_THREE = "FINANCIALS_TIER_THREE"
    FINANCIALS_TIER_TWO = "FINANCIALS_TIER_TWO"
    FINANCIALS_UNLIMITED = "FINANCIALS_UNLIMITED"
    FLEX = "FLEX"
    SALES_GOLD = "SALES_GOLD"
    SALES_PLATINUM = "SALES_PLATINUM"
    SALES_SILVER = "SALES_SILVER"
    SME_BETTER = "SME_BETTER"


class OperationType(StrEnum):
    BROKEN = "BROKEN"
    CEASED = "CEASED"
    CLOSED = "CLOSED"
    DEMONSTRATION = "DEMONSTRATION"
    EDUCATIONAL = "EDUCATIONAL"
    ELISA_PURCHASE = "ELISA_PURCHASE"
    PRODUCTION = "PRODUCTION"
    SPECIAL = "SPECIAL"
    TRIAL = "TRIAL"


class CurrencyRateSearchDensity(StrEnum):
    DAILY_EXCHANGE_RATE = "DAILY_EXCHANGE_RATE"
    LAST_DAY_OF_THE_MONTH = "LAST_DAY_OF_THE_MONTH"
    PROCOUNTOR_FIXED_RATE = "PROCOUNTOR_FIXED_RATE"


class BrnType(StrEnum):
    ASSN = "ASSN"
    DK = "DK"
    FI = "FI"
    HETU = "HETU"
    NO = "NO"
    PN = "PN"
    SE = "SE"
    SSN = "SSN"
    YHD = "YHD"


class ReminderInterval(StrEnum):
    EVERY_SECOND_DAY = "EVERY_SECOND_DAY"
    EVERY_THIRD_DAY = "EVERY_THIRD_DAY"
    ONCE_A_DAY = "ONCE_A_DAY"
    ONCE_A_WEEK = "ONCE_A_WEEK"
    ONLY_ONCE = "ONLY_ONCE"


class LoginMethod(StrEnum):
    FINAGO_KEY = "FINAGO_KEY"
    PASSWORDLIST = "PASSWORDLIST"
    PROCOUNTOR_KEY = "PROCOUNTOR_KEY"


class HealthStatus(StrEnum):
    DEGRADED = "DEGRADED"
    FAILING = "FAILING"
    OK = "OK"


def _text(max_length: int, min_length: int = 0) -> object:
    return Field(default=None, min_length=min_length, max_length=max_length)


class CompanyAddress(WireModel):
    specifier: Annotated[str | None, _text(80)] = None
    po_box: Annotated[str | None, _text(255)] = None
    street: Annotated[str | None, _text(80)] = None
    zip: Annotated[str | None, _text(20)] = None
    city: Annotated[str | None, _text(40)] = None
    country: Country | None = None


class CompanyBillingAddress(WireModel):
    street: Annotated[str | None, _text(80)] = None
    zip: Annotated[str | None, _text(20)] = None
    city: Annotated[str | None, _text(40)] = None
    country: Country | None = None


class BusinessIdentifier(WireModel):
    brn_type: BrnType | None = None
    code: Annotated[str | None, _text(25)] = None


class Company(WireModel):
    id: Int32 | None = None
    name: Annotated[str, Field(min_length=1, max_length=80)]
    country: Country | None = None
    product_version: ProductVersion | None = None
    operation_type: OperationType | None = None
    accounting_office_name: str | None = None
    accounting_office_id: Int32 | None = None
    company_address: CompanyAddress | None = None
    billing_address: CompanyBillingAddress | None = None
    mva: bool | None = False
    in_trade_register: bool | None = False
    business_identifier: BusinessIdentifier | None = None
    accounting_coa_languages: list[str] | None = None
    company_currency: CompanyCurrencyCode | None = None
    currency_rate_search_density: CurrencyRateSearchDensity | None = None


class CompanyUsageSettingsCashDiscount(WireModel):
    cash_discount_for_sales: bool | None = None
    cash_discount_for_purchase: bool | None = None


class CompanyUsageSettingsAccountingByRow(WireModel):
    sales_invoice_posting: bool | None = None
    purchase_invoice_posting: bool | None = None
    travel_and_expense_invoice_posting: bool | None = None
    salary_posting: bool | None = None


class CompanyUsageSettings(WireModel):
    default_invoice_channel: InvoiceChannel | None = None
    cash_discount: CompanyUsageSettingsCashDiscount | None = None
    accounting_by_row: CompanyUsageSettingsAccountingByRow | None = None


class InvoiceTemplate(WireModel):
    id: Int32 | None = None
    name: str | None = None


class DeliveryTerms(WireModel):
    delivery_terms: list[str] | None = None


class EInvoiceData(WireModel):
    operator: str | None = None
    operator_id: Int32 | None = None
    sending_address: str | None = None
    receiving_address: str | None = None
    receiving_address_public_in_tieke: bool | None = None
    edi: str | None = None
    invoicer_announcement_updated: str | None = None
    created: str | None = None
    creator: str | None = None
    ws_customer_number: str | None = None


class ProductBasicInfo(WireModel):
    product_id: Int64 | None = None
    name: str | None = None
    code: str | None = None
    default_account: str | None = None
    price: Decimal2 | None = None
    currency: str | None = None
    unit: Unit | None = None


class CollectionsAndPenalExpenses(WireModel):
    use_automatic_handling: bool | None = None
    collection_costs_product: ProductBasicInfo | None = None
    penal_expense_product: ProductBasicInfo | None = None
    penal_interest_date_margin: Int32 | None = None
    minimum_penal_interest_sum: Decimal2 | None = None
    default_sales_invoice_interest: Decimal2 | None = None
    default_sales_invoice_payment_terms: Int32 | None = None
    collection_partner: str | None = None


class Verifier(WireModel):
    firstname: str | None = None
    surname: str | None = None
    user_id: Int32 | None = None
    order_no: Int32 | None = None


class Substitution(WireModel):
    user_id: Int64 | None = None
    start: str | None = None
    end: str | None = None
    substitute_for_verifying: Int32 | None = None
    substitute_for_approving: Int32 | None = None
    notes: str | None = None


class CirculationSettings(WireModel):
    use_for_purchase_invoices: bool | None = None
    use_for_travel_and_expense_invoices: bool | None = None
    reminder_interval: ReminderInterval | None = None
    force_notifications: bool | None = None
    use_determined_order: bool | None = None
    allow_payment_only_when_approved: bool | None = None
    allow_invoice_specific_discussion: bool | None = None
    allow_extended_tagging_in_discussion: bool | None = None
    allocate_purchase_orders_and_invoices_in_checking: bool | None = None
    max_verifiers: Int32 | None = None
    max_acceptors: Int32 | None = None
    verifiers: list[Verifier] | None = None
    acceptors: list[Verifier] | None = None
    allow_personal_substitution: bool | None = None
    substitutions: list[Substitution] | None = None


class VerifierListBasic(WireModel):
    id: Int32 | None = None
    name: str | None = None
    verifiers: list[int] | None = None
    acceptors: list[int] | None = None


class VerifierList(WireModel):
    id: Int32 | None = None
    name: str | None = None
    verifiers: list[Verifier] | None = None
    acceptors: list[Verifier] | None = None


class CompanySettings(WireModel):
    invoice_discussion_enabled: bool | None = None


class SessionInfo(WireModel):
    company_id: Int32 | None = None
    name: str | None = None
    country: Country | None = None
    product_version: ProductVersion | None = None
    user_id: Int32 | None = None
    user_name: str | None = None
    company_settings: CompanySettings | None = None


class Status(WireModel):
    name: str | None = None
    version: str | None = None
    status: HealthStatus | None = None
    procountor_version: str | None = None


class User(WireModel):
    id: Int32 | None = None
    username: str | None = None
    company_id: Int32 | None = None
    country_code: Country | None = None
    street: Annotated[str | None, _text(80)] = None
    zip: Annotated[str | None, _text(8)] = None
    city: Annotated[str | None, _text(80)] = None
    partner_id: Int32 | None = None
    login_method: LoginMethod | None = None
    first_name: Annotated[str, Field(min_length=1, max_length=80)]
    last_name: Annotated[str, Field(min_length=1, max_length=80)]
    email: Annotated[str, Field(min_length=1, max_length=254)]
    mobile_phone: str
    secondary_phone: Annotated[str | None, _text(20)] = None
    social_security_number: str | None = None


class UserProfile(WireModel):
    firstname: str | None = None
    surname: str | None = None


class ManagementRights(WireModel):
    basic_company_info: RightLevel | None = None
    basic_accounting_info: RightLevel | None = None
    chart_of_accounts_and_default_reports: RightLevel | None = None
    users_and_user_rights: RightLevel | None = None
    company_user_management: RightLevel | None = None
    set_up_a_company: RightLevel | None = Field(default=None, alias="setUpACompany")
    import_data: RightLevel | None = None
    notifications: RightLevel | None = None
    incomes_register_certificate: RightLevel | None = None
    group_letter: RightLevel | None = None
    audit_log: RightLevel | None = None


class UserRights(WireModel):
    edit_personal_info: RightLevel | None = None
    limited_dimensions: bool | None = None
    block_solo_login_to_procountor: bool | None = None


class SalesRights(WireModel):
    sales_or_group_invoices: RightLevel | None = None
    sales_invoice_search: RightLevel | None = None
    personal_sales_invoices_only: bool | None = None
    customer_register: RightLevel | None = None
    product_register: RightLevel | None = None


class PurchasesRights(WireModel):
    purchase_invoices: RightLevel | None = None
    purchase_invoice_search: RightLevel | None = None
    personal_purchase_invoices_only: bool | None = None
    supplier_register: RightLevel | None = None
    product_register: RightLevel | None = None
    fixed_assets_register: RightLevel | None = None


class TravelAndExpensesRights(WireModel):
    travel_and_expense_invoices: RightLevel | None = None
    travel_and_expense_invoice_search: RightLevel | None = None
    personal_travel_and_expense_invoice_only: bool | None = None


class InvoiceCirculationRights(WireModel):
    verification: RightLevel | None = None
    approval: RightLevel | None = None
    personal_approvals_or_verifications_only: bool | None = None


class SalariesRights(WireModel):
    payroll: RightLevel | None = None
    personal_salaries_only: bool | None = None
    person_register: RightLevel | None = None
    working_time_tracking: RightLevel | None = None
    personal_work_hour_tracking_only: bool | None = None


class PaymentRights(WireModel):
    payment: RightLevel | None = None
    salary_payments: RightLevel | None = None
    mark_as_paid: RightLevel | None = None
    mark_salary_as_paid: RightLevel | None = None
    direct_bank_transfer: RightLevel | None = None
    bank_statement_and_reference_payment: RightLevel | None = None
    payment_allocation: RightLevel | None = None


class AccountingRights(WireModel):
    journal_receipts: RightLevel | None = None
    journal_receipt_search: RightLevel | None = None
    personal_journal_receipts_only: bool | None = None
    closing_of_account_tools: RightLevel | None = None
    prevent_creating_editing_invoices: bool | None = None
    prevent_editing_accounting_page: bool | None = None
    accounting_reports: RightLevel | None = None
    archive: RightLevel | None = None


class UserPermissions(WireModel):
    management: ManagementRights | None = None
    user: UserRights | None = None
    sales: SalesRights | None = None
    purchases: PurchasesRights | None = None
    travel_and_expenses: TravelAndExpensesRights | None = None
    invoice_circulation: InvoiceCirculationRights | None = None
    salaries: SalariesRights | None = None
    payments: PaymentRights | None = None
    accounting: AccountingRights | None = None


class UserPrivileges(WireModel):
    role: str | None = None
    rights: UserPermissions | None = None


class TransactionIdentifier(WireModel):
    transaction_identifier: str | None = None
    confirmation_app: str | None = None

    @classmethod
    def pending(cls, transaction_id: str) -> TransactionIdentifier:
        """The answer (202) of a write that waits for the user's confirmation in the app."""
        return cls(transaction_identifier=transaction_id, confirmation_app=CONFIRMATION_APP)


class CompanyUser(WireModel):
    """Kirjuri extra: a member of the company as `GET /api/kirjuri/users` lists it."""

    id: Int32 | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    role: str | None = None


class CompanyUserSearchResult(SearchResult[CompanyUser]):
    pass


class VatPeriod(StrEnum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


class VatSettings(WireModel):
    """Kirjuri's VAT settings of the company: the VAT reporting period (verokausi) of its periodic
    tax returns."""

    reporting_period: VatPeriod
