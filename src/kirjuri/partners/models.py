"""Tables of the partner registers: customers, suppliers and persons (one table: a person's id is
also its business-partner id), partner groups and their members.

Invariants:
- every key starts with `company_id`; partner and group ids come from the company's counters;
- the searchable facts (type, name, customer number, identifier, active) are columns, kept equal
  to the wire document `document` by the service, which is the only writer;
- `identifier` may be a personal identity code: it is searched only through a request header
  (§C.12) and never written to logs or URLs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class BusinessPartner(Base):
    __tablename__ = "business_partners"
    __table_args__ = (
        Index("ix_business_partners_name", "company_id", "type", "name"),
        Index("ix_business_partners_identifier", "company_id", "identifier"),
        Index("ix_business_partners_customer_number", "company_id", "customer_number"),
        Index("ix_business_partners_user", "company_id", "user_id"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # CUSTOMER, SUPPLIER or PERSON.
    type: Mapped[str] = mapped_column(String(10))
    # Partners: their name; persons: "last first", for searching and sorting.
    name: Mapped[str] = mapped_column(String(170))
    # Customer number of a partner, person number of a person.
    customer_number: Mapped[str | None] = mapped_column(String(40))
    identifier: Mapped[str | None] = mapped_column(String(80))
    identifier_type: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The user whose own register entry this is (`GET /businesspartners/personaldetails`).
    user_id: Mapped[int | None] = mapped_column(Integer)
    # The wire object without id and version (BusinessPartner or Person, camelCase).
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    # Default accounts and VAT per invoice type (BusinessPartnerDefaultAccounts), customers and suppliers.
    default_accounts: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PartnerGroup(Base):
    __tablename__ = "partner_groups"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PartnerGroupMember(Base):
    __tablename__ = "partner_group_members"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "partner_id"], ["business_partners.company_id", "business_partners.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["company_id", "group_id"], ["partner_groups.company_id", "partner_groups.id"]),
        Index("ix_partner_group_members_group", "company_id", "group_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(Integer, primary_key=True)
