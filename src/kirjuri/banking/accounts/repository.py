"""Company-scoped queries on the company's bank accounts.

Invariant: every query is filtered by the caller's `company_id`; a list is one page in a stable
order — by `orderNo` (ties by id, in the same direction) or by id — and keyset paging by
`previousId` in `orderNo` order needs an existing account of the company (404 at `previousId`).
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kirjuri.banking.accounts import rules
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.companies.models import Company
from kirjuri.core.errors import not_found
from kirjuri.core.paging import Order, PageMeta, PageRequest
from kirjuri.db.paging import fetch_page


def get(session: Session, *, company_id: int, account_id: int, lock: bool = False) -> BankAccount | None:
    if not lock:
        return session.get(BankAccount, (company_id, account_id))
    return session.scalars(
        select(BankAccount).where(BankAccount.company_id == company_id, BankAccount.id == account_id).with_for_update()
    ).first()


def by_iban(session: Session, *, company_id: int, iban: str) -> BankAccount | None:
    """The company's account with this IBAN, given in any spacing or case."""
    compact = rules.electronic(iban)
    return session.scalars(
        select(BankAccount).where(BankAccount.company_id == company_id, BankAccount.iban == compact)
    ).one_or_none()


def defaults(session: Session, *, company_id: int) -> list[BankAccount]:
    """The company's accounts flagged default for invoices or for payments."""
    return list(
        session.scalars(
            select(BankAccount)
            .where(
                BankAccount.company_id == company_id,
                or_(BankAccount.default_for_invoice.is_(True), BankAccount.default_for_payment.is_(True)),
            )
            .order_by(BankAccount.id)
        )
    )


def default_for(session: Session, *, company_id: int, invoices: bool) -> BankAccount | None:
    """The default account for invoices (`invoices=True`) or for payments."""
    flag = BankAccount.default_for_invoice if invoices else BankAccount.default_for_payment
    return session.scalars(
        select(BankAccount).where(BankAccount.company_id == company_id, flag.is_(True)).order_by(BankAccount.id)
    ).first()


def next_order_no(session: Session, *, company_id: int) -> int:
    highest = session.scalar(select(func.max(BankAccount.order_no)).where(BankAccount.company_id == company_id))
    return (highest or 0) + 1


def lock_company_accounts(session: Session, *, company_id: int) -> None:
    """Serialise the company's account writes: the one-default rule and the unique IBAN span rows,
    and a new row is not there to lock. The company row is locked `FOR NO KEY UPDATE`, which does
    not block the key-share locks of other tables' foreign keys (SQLite serialises writers anyway)."""
    session.execute(select(Company.id).where(Company.id == company_id).with_for_update(key_share=True)).all()


def search(
    session: Session, *, company_id: int, page: PageRequest, by_order_no: Order | None
) -> tuple[list[BankAccount], PageMeta]:
    """One page of the company's accounts: by id (`by_order_no` None, `page.order`) or by orderNo."""
    stmt = select(BankAccount).where(BankAccount.company_id == company_id)
    if by_order_no is None:
        return fetch_page(session, stmt, id_column=BankAccount.id, request=page)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    descending = by_order_no is Order.DESC
    if page.previous_id:
        anchor = get(session, company_id=company_id, account_id=page.previous_id)
        if anchor is None:
            raise not_found("previousId")
        if descending:
            after = or_(
                BankAccount.order_no < anchor.order_no,
                and_(BankAccount.order_no == anchor.order_no, BankAccount.id < anchor.id),
            )
        else:
            after = or_(
                BankAccount.order_no > anchor.order_no,
                and_(BankAccount.order_no == anchor.order_no, BankAccount.id > anchor.id),
            )
        stmt = stmt.where(after)
    if descending:
        stmt = stmt.order_by(BankAccount.order_no.desc(), BankAccount.id.desc())
    else:
        stmt = stmt.order_by(BankAccount.order_no.asc(), BankAccount.id.asc())
    rows = list(session.scalars(stmt.limit(page.size).offset(page.offset)))
    return rows, PageMeta(page_number=page.page, page_size=page.size, result_count=len(rows), total_count=total)
