"""Company-scoped queries of direct salary payment lists and their payments.

Invariant: every query names the company; a list of another company is simply not found.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kirjuri.banking.payments import rules as payment_rules
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.payments.salary.models import SalaryPaymentList
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.paging import fetch_page


def get(session: Session, *, company_id: int, list_id: int) -> SalaryPaymentList | None:
    return session.scalars(
        select(SalaryPaymentList).where(SalaryPaymentList.company_id == company_id, SalaryPaymentList.id == list_id)
    ).first()


def payments_of(session: Session, *, company_id: int, list_ids: list[int], lock: bool = False) -> list[Payment]:
    """The SALARY payments of the lists, in id order (row-locked with `lock`)."""
    if not list_ids:
        return []
    stmt = (
        select(Payment)
        .where(
            Payment.company_id == company_id,
            Payment.kind == payment_rules.SALARY,
            Payment.list_id.in_(list_ids),
        )
        .order_by(Payment.id)
    )
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def search(
    session: Session,
    *,
    company_id: int,
    start: date | None,
    end: date | None,
    name: str | None,
    custom_id: str | None,
    page: PageRequest,
) -> tuple[list[SalaryPaymentList], PageMeta]:
    """Lists by payment date, name (case-insensitive part) and exact custom id."""
    stmt: Select[Any] = select(SalaryPaymentList).where(SalaryPaymentList.company_id == company_id)
    if start is not None:
        stmt = stmt.where(SalaryPaymentList.payment_date >= start)
    if end is not None:
        stmt = stmt.where(SalaryPaymentList.payment_date <= end)
    if name:
        stmt = stmt.where(func.lower(SalaryPaymentList.list_name).contains(name.lower(), autoescape=True))
    if custom_id:
        stmt = stmt.where(SalaryPaymentList.custom_id == custom_id)
    return fetch_page(session, stmt, id_column=SalaryPaymentList.id, request=page)
