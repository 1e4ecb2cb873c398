"""The table of direct salary payment lists: the list's own data (name, custom id, date, payer
account); its payments are `payments` rows of kind SALARY carrying the list's id (`list_id`).

Invariants: a row exists only once its user confirmed the two-step transaction that asked for it,
together with every payment of it (never a list without payments); ids come from the company's
`salary_payment_list` counter; the list's status is not stored — it is derived from its payments'
(`salary.rules.list_status`), so it can never disagree with them. Amounts and recipients are
personal data: they live on the payment rows only and are never logged.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, UTCDateTime


class SalaryPaymentList(Base):
    __tablename__ = "salary_payment_lists"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    list_name: Mapped[str] = mapped_column(String(80))
    custom_id: Mapped[str | None] = mapped_column(String(80))
    payment_method: Mapped[str] = mapped_column(String(40))
    payment_date: Mapped[date] = mapped_column(Date)
    # The company's account the salaries leave (`bank_accounts.id`) and its IBAN at confirmation.
    payer_account_id: Mapped[int] = mapped_column(Integer)
    payer_iban: Mapped[str] = mapped_column(String(34))
    created_by: Mapped[int | None] = mapped_column(Integer)
    # The MFA transaction that created it.
    transaction_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
