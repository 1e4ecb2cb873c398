"""Wire schemas of MFA transaction results (§D.16) — names and fields as in the contract.

Exactly one of `directBankTransfers`, `invoicePayments`, `directSalaryPayment`, `info` is set
in a result; the payment summaries are here because they are what a confirmed payment
transaction answers (the payments area reuses them).
"""

from __future__ import annotations

from kirjuri.api.schemas import Int32, WireModel


class MfaInfoMessage(WireModel):
    message: str | None = None


class PaymentSummary(WireModel):
    payment_id: Int32 | None = None
    custom_id: str | None = None


class PaymentSummaries(WireModel):
    transactions: list[PaymentSummary] | None = None


class InvoicePaymentSummary(WireModel):
    payment_id: Int32 | None = None
    invoice_id: Int32 | None = None


class InvoicePaymentSummaries(WireModel):
    transactions: list[InvoicePaymentSummary] | None = None


class PaymentBasicInfo(WireModel):
    payment_id: Int32 | None = None
    custom_id: str | None = None


class DirectSalaryPaymentResult(WireModel):
    id: Int32 | None = None
    custom_id: str | None = None
    payments: list[PaymentBasicInfo] | None = None


class MfaTransactionResult(WireModel):
    direct_bank_transfers: PaymentSummaries | None = None
    invoice_payments: InvoicePaymentSummaries | None = None
    direct_salary_payment: DirectSalaryPaymentResult | None = None
    info: MfaInfoMessage | None = None
