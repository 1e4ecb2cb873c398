"""The exchange-rate table: a reference table shared by every company (no `company_id`).

Invariant: one rate per (rate type, currency, banking day), as units of `currency` per one euro —
the ECB's convention; rates between two other currencies are crossed through the euro by
`currencies.rules`, never stored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.db.base import Base


class ExchangeRate(Base):
    __tablename__ = "exchange_rates"

    # 1..6: PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE … CASH_CURRENCY_SALE_EXCHANGE_RATE.
    rate_type: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 10))
    # Where the rate came from: "ECB" (bundled or imported file) or a bank's file name.
    source: Mapped[str] = mapped_column(String(40))
