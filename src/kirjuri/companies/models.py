"""Tables of companies (Procountor "environments"), users, memberships and company settings.

Invariant: a user exists once and may belong to several companies; what they may do in a
company lives on the membership (`company_users`), so removing the membership takes every
right — and every token and API key of that user in that company — away at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, ForeignKeyConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime
from kirjuri.db.memo import new_config_stamp


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(60), default="FINLAND")
    business_id_type: Mapped[str | None] = mapped_column(String(8))
    business_id: Mapped[str | None] = mapped_column(String(25))
    product_version: Mapped[str] = mapped_column(String(40), default="FINANCIALS_PREMIUM")
    operation_type: Mapped[str] = mapped_column(String(20), default="PRODUCTION")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    currency_rate_search_density: Mapped[str] = mapped_column(String(40), default="DAILY_EXCHANGE_RATE")
    accounting_office_name: Mapped[str | None] = mapped_column(String(80))
    accounting_office_id: Mapped[int | None] = mapped_column(Integer)
    # Visiting address and billing address, flat: they are always read with the company.
    address: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    billing_address: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    mva: Mapped[bool] = mapped_column(Boolean, default=False)
    in_trade_register: Mapped[bool] = mapped_column(Boolean, default=False)
    coa_languages: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    invoice_discussion_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sandbox companies are testing environments created for a developer.
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A random stamp that database triggers replace whenever the company row, one of its ledger
    # accounts or one of its settings is written (migration 0013): what `db.memo.shared` keeps
    # across requests is valid while the stamp is the one the request read.
    config_stamp: Mapped[int] = mapped_column(BigInteger, default=new_config_stamp)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    # None for technical users that may only use the API through API keys.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    mobile_phone: Mapped[str] = mapped_column(String(40), default="")
    secondary_phone: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(80))
    zip: Mapped[str | None] = mapped_column(String(8))
    city: Mapped[str | None] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(60), default="FINLAND")
    login_method: Mapped[str] = mapped_column(String(20), default="PROCOUNTOR_KEY")
    # Personal identity code: returned only to the user themself, never logged or in a URL.
    social_security_number: Mapped[str | None] = mapped_column(String(20))
    is_developer: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CompanyUser(Base):
    """Membership of a user in a company, with the role and the rights document."""

    __tablename__ = "company_users"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(40), default="USER")
    # The UserPermissions document of the contract: {"sales": {"customerRegister": "ALL_RIGHTS"}, …}
    rights: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    partner_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CompanySetting(Base):
    """One settings document of a company (usage, circulation, e-invoicing, …), schema-checked on write."""

    __tablename__ = "company_settings"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class VerifierList(Base):
    __tablename__ = "verifier_lists"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80))


class VerifierListMember(Base):
    __tablename__ = "verifier_list_members"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "list_id"],
            ["verifier_lists.company_id", "verifier_lists.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["company_id", "user_id"],
            ["company_users.company_id", "company_users.user_id"],
            ondelete="CASCADE",
        ),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # VERIFIER or ACCEPTOR
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    order_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
