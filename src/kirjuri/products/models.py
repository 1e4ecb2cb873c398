"""Tables of the product registers: products, product groups, and partners' default products.

Invariants:
- every key starts with `company_id`; ids come from the company's counters;
- prices, discounts and VAT percentages are exact decimals;
- a product referenced by a partner's default products, and a group with products, cannot be
  deleted (the foreign keys refuse it; the service answers 409 first, naming what refers).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class ProductGroup(Base):
    __tablename__ = "product_groups"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80))
    # SALES, PURCHASE or TRAVEL.
    type: Mapped[str] = mapped_column(String(10))
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "group_id"], ["product_groups.company_id", "product_groups.id"]),
        Index("ix_products_type_name", "company_id", "type", "name"),
        Index("ix_products_code", "company_id", "code"),
        Index("ix_products_group", "company_id", "group_id"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(40))
    unit: Mapped[str | None] = mapped_column(String(40))
    price: Mapped[Decimal] = mapped_column(Numeric(24, 8))
    discount: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    vat: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    vat_status: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    default_account: Mapped[str | None] = mapped_column(String(12))
    currency: Mapped[str] = mapped_column(String(3))
    group_id: Mapped[int | None] = mapped_column(Integer)
    # [{"language", "productName"}], returned with includeLocalizations=true.
    localizations: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    # TRAVEL products only.
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    bookkeeping_account: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DefaultProduct(Base):
    """A product a partner (customer, supplier or person) buys or sells by default, with its
    special price, discount or VAT and the periods it is valid in."""

    __tablename__ = "default_products"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "partner_id"], ["business_partners.company_id", "business_partners.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["company_id", "product_id"], ["products.company_id", "products.id"]),
        Index("ix_default_products_partner", "company_id", "partner_id"),
        Index("ix_default_products_product", "company_id", "product_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    partner_id: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(BigInteger)
    # DefaultProductSettings (camelCase, decimals as strings) and [ProductValidityPeriod].
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    validity_periods: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
