"""Every table of every area, imported in one place for Alembic's metadata."""

from kirjuri.api.models import IdempotencyRecord
from kirjuri.auth.models import ApiKey, AuthorizationCode, OAuthClient, Token
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User, VerifierList, VerifierListMember
from kirjuri.db.base import Base
from kirjuri.db.counters import CompanyCounter

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuthorizationCode",
    "Company",
    "CompanyCounter",
    "CompanySetting",
    "CompanyUser",
    "IdempotencyRecord",
    "OAuthClient",
    "Token",
    "User",
    "VerifierList",
    "VerifierListMember",
    "metadata",
]
