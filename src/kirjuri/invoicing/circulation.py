"""Invoice circulation (§D.13.3): the checkers of an invoice — verifiers and acceptors picked from the
company's verifier list when the invoice is sent to circulation — what each of them has done, the
invoices waiting for a user (`/invoices/personalverifications|personalapprovals`), and the
`invoiceApprovalInformation` the invoice shows.

The lifecycle verbs (`invoicing.lifecycle`) decide and move; this module keeps the checker rows
(`invoice_checkers`) and answers questions about them. Invariants:

- an invoice's checkers are exactly the members of the company's verifier list at the moment it was
  (last) sent to circulation: the list with the lowest id, the company's default (Kirjuri has no
  per-invoice list choice yet); a user appears at most once per role (the lowest order number);
- a checker acts once: `event_performed` goes from null to VERIFIED, APPROVED or REJECTED and
  never back (sending the invoice to circulation again, or making it unfinished, replaces the
  checkers as a whole);
- a role is complete when every checker of that role has acted; acceptors act only once the
  verifiers are complete (an approval with a verification still open would leave that verifier
  nothing to do: `verify` is not allowed from APPROVED);
- with the circulation setting `useDeterminedOrder`, a checker acts only after every checker of
  their role with a lower order number has acted.

Decisions (the contract says nothing):
- 403 `NO_APPROVERS_CONFIGURED` when the company has no verifier list or the list has no acceptor:
  without an acceptor no invoice could ever be approved. Verifiers are optional (a circulation may
  have acceptors only).
- 403 `CIRCULATION_NOT_ENABLED` when the company's circulation settings switch circulation off for
  the invoice's type (`useForPurchaseInvoices`, `useForTravelAndExpenseInvoices`).
- Substitutions (`allowPersonalSubstitution`) are not applied yet: only the checkers themselves
  see and act on their invoices.
- `eventPerformed` (a date in the contract) is the day the checker acted, in Finnish time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session, aliased

from kirjuri.companies import repository as companies_repository
from kirjuri.companies.settings import CIRCULATION
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import schemas
from kirjuri.invoicing.models import Invoice, InvoiceChecker
from kirjuri.invoicing.transitions import (
    BILL_OF_CHARGES,
    PURCHASE_INVOICE,
    RECEIVED,
    TRAVEL_INVOICE,
    VERIFIED,
)

VERIFIER = "VERIFIER"
ACCEPTOR = "ACCEPTOR"
ROLES = (VERIFIER, ACCEPTOR)
# What a checker did (`InvoiceChecker.event_performed`).
DID_VERIFY = "VERIFIED"
DID_APPROVE = "APPROVED"
DID_REJECT = "REJECTED"

CIRCULATED_TYPES: tuple[str, ...] = (PURCHASE_INVOICE, TRAVEL_INVOICE, BILL_OF_CHARGES)
# The circulation setting that switches circulation on for each circulated type.
_ENABLED_BY: dict[str, str] = {
    PURCHASE_INVOICE: "useForPurchaseInvoices",
    TRAVEL_INVOICE: "useForTravelAndExpenseInvoices",
    BILL_OF_CHARGES: "useForTravelAndExpenseInvoices",
}
# The statuses in which an invoice waits for a checker of each role.
WAITING_STATUSES: dict[str, tuple[str, ...]] = {VERIFIER: (RECEIVED,), ACCEPTOR: (RECEIVED, VERIFIED)}
FINNISH_TIME = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True, slots=True)
class Circulation:
    """The company's circulation settings that the checks need."""

    enabled: dict[str, bool]
    determined_order: bool


def settings(session: Session, *, company_id: int) -> Circulation:
    """The circulation settings document (every company has one; missing values: the defaults)."""
    stored = companies_repository.setting(session, company_id=company_id, name=CIRCULATION)
    value: dict[str, Any] = dict(stored.value) if stored is not None else {}
    return Circulation(
        enabled={kind: value.get(key) is not False for kind, key in _ENABLED_BY.items()},
        determined_order=value.get("useDeterminedOrder") is True,
    )


# --- the checkers of one invoice ----------------------------------------------------------------


def checkers_of(session: Session, *, invoice: Invoice, lock: bool = False) -> list[InvoiceChecker]:
    """The invoice's checkers, by role (acceptors first, as the roles sort), order and user."""
    stmt = (
        select(InvoiceChecker)
        .where(InvoiceChecker.company_id == invoice.company_id, InvoiceChecker.invoice_id == invoice.id)
        .order_by(InvoiceChecker.role, InvoiceChecker.order_no, InvoiceChecker.user_id)
    )
    return list(session.scalars(stmt.with_for_update() if lock else stmt))


def start(session: Session, *, invoice: Invoice, circulation: Circulation) -> list[InvoiceChecker]:
    """Pick the checkers for an invoice sent to circulation, replacing any earlier ones.

    403 `CIRCULATION_NOT_ENABLED` when the settings switch circulation off for the type, 403
    `NO_APPROVERS_CONFIGURED` when there is no verifier list or it has no acceptor."""
    if not circulation.enabled.get(invoice.type, False):
        raise KirjuriError("CIRCULATION_NOT_ENABLED", 403)
    lists = companies_repository.verifier_lists(session, company_id=invoice.company_id)
    members = (
        companies_repository.verifier_list_members(session, company_id=invoice.company_id, list_ids=[lists[0].id])
        if lists
        else []
    )
    chosen: dict[tuple[str, int], int] = {}
    for member, _user in members:
        key = (member.role, member.user_id)
        if member.role in ROLES and (key not in chosen or member.order_no < chosen[key]):
            chosen[key] = member.order_no
    if not any(role == ACCEPTOR for role, _user_id in chosen):
        raise KirjuriError("NO_APPROVERS_CONFIGURED", 403)
    clear(session, invoice=invoice)
    rows = [
        InvoiceChecker(
            company_id=invoice.company_id,
            invoice_id=invoice.id,
            role=role,
            user_id=user_id,
            order_no=order_no,
            event_performed=None,
            performed_at=None,
        )
        for (role, user_id), order_no in sorted(chosen.items(), key=lambda item: (item[0][0], item[1], item[0][1]))
    ]
    session.add_all(rows)
    session.flush()
    return rows


def clear(session: Session, *, invoice: Invoice) -> None:
    """End the circulation: the checkers go (the audit trail keeps who did what)."""
    session.execute(
        delete(InvoiceChecker).where(
            InvoiceChecker.company_id == invoice.company_id, InvoiceChecker.invoice_id == invoice.id
        )
    )
    session.flush()


def _pending(checkers: Iterable[InvoiceChecker], role: str) -> list[InvoiceChecker]:
    return [c for c in checkers if c.role == role and c.event_performed is None]


def complete(checkers: Sequence[InvoiceChecker], role: str) -> bool:
    """Has every checker of `role` acted? (True when the role has no checkers.)"""
    return not _pending(checkers, role)


def acting_checker(
    checkers: Sequence[InvoiceChecker], *, user_id: int, role: str, circulation: Circulation
) -> InvoiceChecker:
    """The user's checker row of `role`, when they may act now.

    403 `NOT_A_CHECKER` (not a checker of that role on this invoice), `CHECK_ALREADY_PERFORMED`
    (they have acted), `VERIFICATION_NOT_COMPLETE` (an acceptor while a verifier has not acted),
    `NOT_YOUR_TURN` (determined order: a checker before them has not acted)."""
    mine = next((c for c in checkers if c.role == role and c.user_id == user_id), None)
    if mine is None:
        raise KirjuriError("NOT_A_CHECKER", 403)
    if mine.event_performed is not None:
        raise KirjuriError("CHECK_ALREADY_PERFORMED", 403)
    if role == ACCEPTOR and not complete(checkers, VERIFIER):
        raise KirjuriError("VERIFICATION_NOT_COMPLETE", 403)
    if circulation.determined_order and any(c.order_no < mine.order_no for c in _pending(checkers, role)):
        raise KirjuriError("NOT_YOUR_TURN", 403)
    return mine


def pending_checker(checkers: Sequence[InvoiceChecker], *, user_id: int) -> InvoiceChecker | None:
    """The user's checker row that still waits for them (either role), if any."""
    return next((c for c in checkers if c.user_id == user_id and c.event_performed is None), None)


def perform(checker: InvoiceChecker, event: str) -> None:
    checker.event_performed = event
    checker.performed_at = clock.now()


# --- what the invoice shows ---------------------------------------------------------------------


def _performed_on(checker: InvoiceChecker) -> date | None:
    if checker.event_performed is None or checker.performed_at is None:
        return None
    return checker.performed_at.astimezone(FINNISH_TIME).date()


def _information(checkers: Sequence[InvoiceChecker]) -> schemas.InvoiceApprovalInformation | None:
    if not checkers:
        return None

    def of(role: str) -> list[schemas.InvoiceCheckerInformation] | None:
        found = [
            schemas.InvoiceCheckerInformation(user_id=c.user_id, event_performed=_performed_on(c))
            for c in sorted(checkers, key=lambda c: (c.order_no, c.user_id))
            if c.role == role
        ]
        return found or None  # absent rather than empty, as the core shows them

    return schemas.InvoiceApprovalInformation(acceptors=of(ACCEPTOR), verifiers=of(VERIFIER))


def approval_information(session: Session, *, invoice: Invoice) -> schemas.InvoiceApprovalInformation | None:
    """`invoiceApprovalInformation` of one invoice: its verifiers and acceptors in order, each with
    the day they acted; None (the field absent) for a type outside circulation or an invoice that
    was never sent to circulation."""
    if invoice.type not in CIRCULATED_TYPES:
        return None
    return _information(checkers_of(session, invoice=invoice))


def approval_information_many(
    session: Session, *, company_id: int, invoice_ids: Sequence[int]
) -> dict[int, schemas.InvoiceApprovalInformation]:
    """`approval_information` of many invoices in one query (batch GET); invoices without checkers
    are left out."""
    found: dict[int, list[InvoiceChecker]] = defaultdict(list)
    if not invoice_ids:
        return {}
    for checker in session.scalars(
        select(InvoiceChecker).where(
            InvoiceChecker.company_id == company_id, InvoiceChecker.invoice_id.in_(list(invoice_ids))
        )
    ):
        found[checker.invoice_id].append(checker)
    result: dict[int, schemas.InvoiceApprovalInformation] = {}
    for invoice_id, checkers in found.items():
        information = _information(checkers)
        if information is not None:
            result[invoice_id] = information
    return result


# --- personal lists -----------------------------------------------------------------------------


def waiting_for(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    role: str,
    types: Sequence[str],
    circulation: Circulation,
) -> list[int]:
    """Ids (ascending) of the invoices of `types` waiting for the user as a checker of `role`: the
    invoice is in a waiting status of the role, the user has not acted, an acceptor's verifiers are
    complete and, with determined order, no checker of the role before them is still pending."""
    if not types:
        return []
    mine = aliased(InvoiceChecker)
    other = aliased(InvoiceChecker)
    conditions = [
        mine.company_id == company_id,
        mine.user_id == user_id,
        mine.role == role,
        mine.event_performed.is_(None),
        Invoice.type.in_(list(types)),
        Invoice.status.in_(WAITING_STATUSES[role]),
    ]
    if role == ACCEPTOR:
        conditions.append(
            ~exists().where(
                other.company_id == mine.company_id,
                other.invoice_id == mine.invoice_id,
                other.role == VERIFIER,
                other.event_performed.is_(None),
            )
        )
    if circulation.determined_order:
        earlier = aliased(InvoiceChecker)
        conditions.append(
            ~exists().where(
                earlier.company_id == mine.company_id,
                earlier.invoice_id == mine.invoice_id,
                earlier.role == mine.role,
                earlier.event_performed.is_(None),
                earlier.order_no < mine.order_no,
            )
        )
    stmt = (
        select(Invoice.id)
        .join(mine, and_(mine.company_id == Invoice.company_id, mine.invoice_id == Invoice.id))
        .where(*conditions)
        .order_by(Invoice.id)
    )
    return list(session.scalars(stmt))
