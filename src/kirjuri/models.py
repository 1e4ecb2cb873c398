"""Every table of every area, imported in one place for Alembic's metadata."""

from kirjuri.api.models import IdempotencyRecord
from kirjuri.auth.models import ApiKey, AuthorizationCode, OAuthClient, Token
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User, VerifierList, VerifierListMember
from kirjuri.db.base import Base
from kirjuri.db.counters import CompanyCounter
from kirjuri.ledger.models import (
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

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuthorizationCode",
    "Company",
    "CompanyCounter",
    "CompanySetting",
    "CompanyUser",
    "Dimension",
    "DimensionItem",
    "FiscalYear",
    "IdempotencyRecord",
    "LedgerAccount",
    "LedgerBalance",
    "LedgerReceipt",
    "LedgerTransaction",
    "MfaTransaction",
    "OAuthClient",
    "Token",
    "TrackingPeriod",
    "TransactionDimension",
    "User",
    "VerifierList",
    "VerifierListMember",
    "metadata",
]
