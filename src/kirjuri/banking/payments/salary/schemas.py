"""Wire schemas of direct salary payments (§D.17) — names, fields and constraints as in the
contract. The MFA result (`DirectSalaryPaymentResult`, `PaymentBasicInfo`) lives in
`mfa.schemas`, the payee's `BusinessIdentifier` in `companies.schemas`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from kirjuri.api.schemas import Decimal2, Int32, SearchResultMetaData, WireModel
from kirjuri.banking.payments.schemas import InfoMessageModel
from kirjuri.companies.schemas import BusinessIdentifier
from kirjuri.invoicing.schemas import BankReferenceCodeType
from kirjuri.mfa.schemas import PaymentBasicInfo


class SalaryPaymentMethod(StrEnum):
    FINNISH_SALARY_TRANSFER = "FINNISH_SALARY_TRANSFER"


class SalaryCurrency(StrEnum):
    EUR = "EUR"


class SalaryListStatus(StrEnum):
    PAID = "PAID"
    PAYMENT_QUEUED = "PAYMENT_QUEUED"
    PAYMENT_SENT_TO_BANK = "PAYMENT_SENT_TO_BANK"
    PAYMENT_TRANSACTION_CANCELLED = "PAYMENT_TRANSACTION_CANCELLED"
    PAYMENT_TRANSACTION_REMOVED = "PAYMENT_TRANSACTION_REMOVED"


class DirectSalaryPayment(WireModel):
    amount: Decimal2 = Field(ge=0)
    bank_reference_code: str | None = Field(default=None, max_length=40)
    bank_reference_code_type: BankReferenceCodeType | None = None
    message: str | None = Field(default=None, max_length=140)
    recipient_bank_account: str = Field(max_length=80)
    recipient_bic_code: str | None = Field(default=None, max_length=80)
    recipient_name: str = Field(min_length=1, max_length=80)
    recipient_code: BusinessIdentifier
    currency_code: SalaryCurrency
    custom_id: str = Field(min_length=1, max_length=64)


class DirectSalaryPayments(WireModel):
    list_name: str = Field(min_length=1, max_length=80)
    payment_method: SalaryPaymentMethod
    payment_date: date
    payer_bank_account: str | None = None
    custom_id: str | None = Field(default=None, min_length=1, max_length=80)
    payments: list[DirectSalaryPayment] = Field(min_length=1)


class DirectSalaryPaymentGroupBaseInfo(WireModel):
    id: Int32 | None = None
    list_name: str | None = None
    created: datetime | None = None
    status: SalaryListStatus | None = None
    payment_method: SalaryPaymentMethod | None = None
    # The contract types the list's payment date as a date-time (midnight UTC here).
    payment_date: datetime | None = None
    payer_bank_account: str | None = None
    total_sum: Decimal2 | None = None
    custom_id: str | None = None


class DirectSalaryPaymentGroup(DirectSalaryPaymentGroupBaseInfo):
    payments: list[PaymentBasicInfo] | None = None


class DirectSalaryPaymentGroupBaseInfoSearchResult(WireModel):
    results: list[DirectSalaryPaymentGroupBaseInfo] | None = None
    meta: SearchResultMetaData | None = None


class DirectSalaryPaymentsConfirmationResponseModels(WireModel):
    """The deprecated confirm's 200: the list created, or the cancel's message. The contract
    spells these keys in PascalCase."""

    payment_group: DirectSalaryPaymentGroup | None = Field(default=None, alias="PaymentGroup")
    info_message: InfoMessageModel | None = Field(default=None, alias="InfoMessage")
