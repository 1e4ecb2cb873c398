"""Wire schemas of payments out (§D.17) — names, fields and constraints as in the contract.

The 202 answer (`TransactionIdentifier`) and the results a confirmed transaction answers
(`InvoicePaymentSummaries`, `PaymentSummaries`) are shared with other areas and imported from
`companies.schemas` and `mfa.schemas`.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import date as Date
from enum import StrEnum

from pydantic import Field

from kirjuri.api.schemas import Country, Currency, Decimal2, Int32, SearchResultMetaData, WireModel
from kirjuri.companies.schemas import TransactionIdentifier
from kirjuri.invoicing.schemas import BankReferenceCodeType
from kirjuri.ledger.schemas import ReceiptStatus
from kirjuri.mfa.schemas import InvoicePaymentSummaries, PaymentSummaries

__all__ = ["TransactionIdentifier"]


class PaymentMethod(StrEnum):
    DENMARK_DOMESTIC_PAYMENT = "DENMARK_DOMESTIC_PAYMENT"
    DENMARK_DOMESTIC_PAYMENT_CREDITOR = "DENMARK_DOMESTIC_PAYMENT_CREDITOR"
    DENMARK_FOREIGN_PAYMENT = "DENMARK_FOREIGN_PAYMENT"
    FINNISH_BANK_TRANSFER = "FINNISH_BANK_TRANSFER"
    FINNISH_EXPRESS_PAYMENT = "FINNISH_EXPRESS_PAYMENT"
    FINNISH_FOREIGN_PAYMENT = "FINNISH_FOREIGN_PAYMENT"
    NORWEGIAN_DOMESTIC_PAYMENT = "NORWEGIAN_DOMESTIC_PAYMENT"
    NORWEGIAN_FOREIGN_PAYMENT = "NORWEGIAN_FOREIGN_PAYMENT"
    SWEDISH_DOMESTIC_PAYMENT = "SWEDISH_DOMESTIC_PAYMENT"
    SWEDISH_DOMESTIC_PAYMENT_BANKGIRO = "SWEDISH_DOMESTIC_PAYMENT_BANKGIRO"
    SWEDISH_DOMESTIC_PAYMENT_PLUSGIRO = "SWEDISH_DOMESTIC_PAYMENT_PLUSGIRO"
    SWEDISH_FOREIGN_PAYMENT = "SWEDISH_FOREIGN_PAYMENT"


class ServiceCharge(StrEnum):
    BOTH_PAY_OWN_FEES = "BOTH_PAY_OWN_FEES"
    PAYER_PAY_BOTH_FEES = "PAYER_PAY_BOTH_FEES"


# The contract gives payments the same status list as ledger receipts.
PaymentStatus = ReceiptStatus


class _BankNameAndAddress(WireModel):
    name: str | None = Field(default=None, max_length=80)
    specifier: str | None = Field(default=None, max_length=80)
    street: str | None = Field(default=None, max_length=80)
    zip: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=40)
    country: Country | None = None
    subdivision: str | None = Field(default=None, max_length=35)


class PaymentRecipientNameAndAddress(_BankNameAndAddress):
    name: str = Field(min_length=1, max_length=80)  # type: ignore[assignment]


class PaymentReceiverBankNameAndAddress(_BankNameAndAddress):
    pass


class PaymentIntermediaryBankNameAndAddress(_BankNameAndAddress):
    pass


class _Transfer(WireModel):
    amount: Decimal2 = Field(ge=0)
    bank_reference_code: str | None = Field(default=None, max_length=40)
    bank_reference_code_type: BankReferenceCodeType | None = None
    message: str | None = Field(default=None, max_length=140)
    recipient_bank_account: str = Field(max_length=80)
    recipient_bic_code: str | None = Field(default=None, max_length=80)
    payment_method: PaymentMethod
    payer_bank_account: str | None = None
    payment_date: date
    receiver_bank_clearing_code: str | None = None
    recipient_name_and_address: PaymentRecipientNameAndAddress
    receiver_bank_name_and_address: PaymentReceiverBankNameAndAddress | None = None
    intermediary_bank_name_and_address: PaymentIntermediaryBankNameAndAddress | None = None
    intermediary_bank_bic: str | None = None
    service_charge: ServiceCharge | None = None


class InvoicePayment(_Transfer):
    invoice_id: Int32
    invoice_version: datetime


class InvoicePaymentList(WireModel):
    payments: list[InvoicePayment]


class DirectBankTransfer(_Transfer):
    currency_code: Currency
    custom_id: str | None = Field(default=None, min_length=1, max_length=64)


class DirectBankTransferList(WireModel):
    direct_bank_transfers: list[DirectBankTransfer]


class BasicPaymentTransactionData(WireModel):
    id: Int32 | None = None
    invoice_id: Int32 | None = None
    payment_date: date | None = None
    amount: Decimal2 | None = None
    receiver_name: str | None = None
    status: PaymentStatus | None = None
    service_charge: ServiceCharge | None = None
    paid_amount: Decimal2 | None = None
    paid_currency: Currency | None = None


class PaymentSearchResult(WireModel):
    results: list[BasicPaymentTransactionData] | None = None
    meta: SearchResultMetaData | None = None


class PaymentRowInfo(WireModel):
    id: Int32 | None = None
    invoice_id: Int32 | None = None
    payment_date: date | None = None
    amount: Decimal2 | None = None
    receiver_name: str | None = None
    currency: Currency | None = None
    payer_account: str | None = None
    payer_bic: str | None = None
    message: str | None = None
    receiver_account: str | None = None
    receiver_bic: str | None = None
    created_by: str | None = None
    status: PaymentStatus | None = None


class ErrorMessageType(StrEnum):
    ANY_ERROR = "ANY_ERROR"
    PAYMENT_ERROR = "PAYMENT_ERROR"
    FINVOICE_SEND_ERROR = "FINVOICE_SEND_ERROR"
    FINVOICE_RECEIVE_ERROR = "FINVOICE_RECEIVE_ERROR"
    TYEL_ERROR = "TYEL_ERROR"
    NETS_COLLECTION_ERROR = "NETS_COLLECTION_ERROR"


class ErrorMessageTypeFilter(StrEnum):
    PAYMENT_ERROR = "PAYMENT_ERROR"
    NETS_COLLECTION_ERROR = "NETS_COLLECTION_ERROR"


class ErrorMessageStatus(StrEnum):
    ALL = "ALL"
    HANDLED = "HANDLED"
    UNHANDLED = "UNHANDLED"


class ErrorReferenceType(StrEnum):
    DIRECT_BANK_TRANSFER = "DIRECT_BANK_TRANSFER"
    DIRECT_SALARY_PAYMENT = "DIRECT_SALARY_PAYMENT"
    DIRECT_SALARY_PAYMENT_LIST = "DIRECT_SALARY_PAYMENT_LIST"
    INVOICE = "INVOICE"
    NETS_COLLECTION = "NETS_COLLECTION"
    PAYMENTS_ANNOUNCEMENT = "PAYMENTS_ANNOUNCEMENT"


class ErrorHandlingInfo(WireModel):
    date: Date | None = None
    user_id: Int32 | None = None
    first_name: str | None = None
    last_name: str | None = None
    comment: str | None = None


class PaymentErrorMessage(WireModel):
    id: Int32 | None = None
    created_date: date | None = None
    type: ErrorMessageType | None = None
    status: ErrorMessageStatus | None = None
    error_code: str | None = None
    reference_id: Int32 | None = None
    reference_type: ErrorReferenceType | None = None
    invoice_type: str | None = None
    error_handling_info: ErrorHandlingInfo | None = None


class PaymentErrorMessageSearchResult(WireModel):
    results: list[PaymentErrorMessage] | None = None
    meta: SearchResultMetaData | None = None


class InfoMessageModel(WireModel):
    message: str | None = None


class PaymentsConfirmationResponseModels(WireModel):
    """The deprecated confirm's 200: one of the three, by what the transaction did. The contract
    spells these keys in PascalCase."""

    payment_summaries: PaymentSummaries | None = Field(default=None, alias="PaymentSummaries")
    info_message: InfoMessageModel | None = Field(default=None, alias="InfoMessage")
    invoice_payment_summaries: InvoicePaymentSummaries | None = Field(default=None, alias="InvoicePaymentSummaries")
