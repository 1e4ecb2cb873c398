"""Every table of every area, imported in one place for Alembic's metadata."""

from kirjuri.api.models import IdempotencyRecord
from kirjuri.attachments.models import Attachment
from kirjuri.auth.models import ApiKey, AuthorizationCode, OAuthClient, Token
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.payments.salary.models import SalaryPaymentList
from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.banking.statements.models import BankStatement, BankStatementEvent
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User, VerifierList, VerifierListMember
from kirjuri.currencies.models import ExchangeRate
from kirjuri.db.base import Base
from kirjuri.db.counters import CompanyCounter
from kirjuri.invoicing.models import (
    CommentTag,
    Invoice,
    InvoiceChecker,
    InvoiceComment,
    InvoiceEvent,
    InvoiceRow,
    InvoiceVatLine,
    PaymentEvent,
    SentDocument,
)
from kirjuri.ledger.models import (
    DefaultSplit,
    Dimension,
    DimensionItem,
    FiscalYear,
    LedgerAccount,
    LedgerBalance,
    LedgerReceipt,
    LedgerTransaction,
    TrackingPeriod,
    TransactionDimension,
)
from kirjuri.mfa.models import MfaTransaction
from kirjuri.partners.models import BusinessPartner, PartnerGroup, PartnerGroupMember
from kirjuri.products.models import DefaultProduct, Product, ProductGroup
from kirjuri.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "Attachment",
    "AuthorizationCode",
    "BankAccount",
    "BankStatement",
    "BankStatementEvent",
    "BusinessPartner",
    "CommentTag",
    "Company",
    "CompanyCounter",
    "CompanySetting",
    "CompanyUser",
    "DefaultProduct",
    "DefaultSplit",
    "Dimension",
    "DimensionItem",
    "ExchangeRate",
    "FiscalYear",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceChecker",
    "InvoiceComment",
    "InvoiceEvent",
    "InvoiceRow",
    "InvoiceVatLine",
    "LedgerAccount",
    "LedgerBalance",
    "LedgerReceipt",
    "LedgerTransaction",
    "MfaTransaction",
    "OAuthClient",
    "PartnerGroup",
    "PartnerGroupMember",
    "Payment",
    "PaymentEvent",
    "Product",
    "ProductGroup",
    "ReferencePayment",
    "SalaryPaymentList",
    "SentDocument",
    "Token",
    "TrackingPeriod",
    "TransactionDimension",
    "User",
    "VerifierList",
    "VerifierListMember",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "metadata",
]
