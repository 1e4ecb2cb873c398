"""Every table of every area, imported in one place for Alembic's metadata."""

from kirjuri.api.models import IdempotencyRecord
from kirjuri.auth.models import ApiKey, AuthorizationCode, OAuthClient, Token
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User, VerifierList, VerifierListMember
from kirjuri.db.base import Base
from kirjuri.db.counters import CompanyCounter
from kirjuri.mfa.models import MfaTransaction

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuthorizationCode",
    "Company",
    "CompanyCounter",
    "CompanySetting",
    "CompanyUser",
    "IdempotencyRecord",
    "MfaTransaction",
    "OAuthClient",
    "Token",
    "User",
    "VerifierList",
    "VerifierListMember",
    "metadata",
]
