"""Business verbs of MFA transactions: start, list the pending ones, confirm, reject, poll.

Invariants: a change protected by two-step verification is stored as a PENDING transaction and
applied only by `confirm`, through the handler registered for its kind, in the same database
transaction that marks it CONFIRMED; only the user who started it may decide it, only while
they are still a member of its company, only once and only within 5 minutes. Services flush,
never commit.

Areas add kinds by registering a handler (`@register("USER_UPDATE")` in `companies.service`);
a handler applies `transaction.payload` and returns the wire `MfaTransactionResult` document.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies_repository
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.mfa import repository, rules
from kirjuri.mfa.models import MfaTransaction

Handler = Callable[[Session, MfaTransaction], dict[str, Any]]

# kind → the function that applies a confirmed transaction of that kind.
HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    """Decorator: `fn` applies confirmed transactions of `kind`."""

    def decorator(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return decorator


def start(session: Session, *, company_id: int, user_id: int, kind: str, payload: dict[str, Any]) -> MfaTransaction:
    if kind not in HANDLERS:
        # A transaction nobody can apply must never reach the user's approval list.
        raise LookupError(f"no MFA handler registered for {kind!r}")
    transaction = MfaTransaction(
        company_id=company_id,
        id=str(uuid.uuid4()),
        user_id=user_id,
        kind=kind,
        payload=payload,
        status=rules.PENDING,
        created_at=clock.now(),
    )
    session.add(transaction)
    session.flush()
    return transaction


def pending_for_user(session: Session, *, user_id: int) -> list[MfaTransaction]:
    """The user's undecided, unexpired transactions in every company of theirs, newest first."""
    return repository.pending_for_user(session, user_id=user_id, now=clock.now())


def _decidable(session: Session, *, transaction_id: str, user_id: int) -> MfaTransaction:
    transaction = repository.by_id(session, transaction_id, for_update=True)
    if transaction is None:
        raise not_found("transactionIdentifier")
    if transaction.user_id != user_id:
        raise KirjuriError("MFA_TRANSACTION_OF_ANOTHER_USER", 403, "transactionIdentifier")
    if companies_repository.membership(session, company_id=transaction.company_id, user_id=user_id) is None:
        raise KirjuriError("NOT_A_MEMBER", 403, "transactionIdentifier")
    error = rules.decision_error(rules.effective_status(transaction.status, transaction.created_at, clock.now()))
    if error is not None:
        raise error
    return transaction


def confirm(session: Session, *, transaction_id: str, user_id: int) -> MfaTransaction:
    """The user approves: apply the pending change and keep its result for the poller."""
    transaction = _decidable(session, transaction_id=transaction_id, user_id=user_id)
    handler = HANDLERS.get(transaction.kind)
    if handler is None:
        raise LookupError(f"no MFA handler registered for {transaction.kind!r}")
    transaction.result = handler(session, transaction)
    transaction.status = rules.CONFIRMED
    transaction.decided_at = clock.now()
    session.flush()
    return transaction


def reject(session: Session, *, transaction_id: str, user_id: int) -> MfaTransaction:
    """The user refuses: nothing is applied, the poller gets 406."""
    transaction = _decidable(session, transaction_id=transaction_id, user_id=user_id)
    transaction.status = rules.REJECTED
    transaction.decided_at = clock.now()
    session.flush()
    return transaction


def poll(
    session: Session, *, company_id: int, user_id: int, transaction_id: str, kinds: Collection[str] | None = None
) -> MfaTransaction:
    """The transaction as the API shows it: PENDING (202) or CONFIRMED (200); otherwise the error.

    404 when it is unknown, of another company or (with `kinds`) of another kind; 403 when it is
    another user's; 406 rejected; 408 expired.
    """
    transaction = repository.get(session, company_id=company_id, transaction_id=transaction_id)
    if transaction is None or (kinds is not None and transaction.kind not in kinds):
        raise not_found("transactionIdentifier")
    if transaction.user_id != user_id:
        raise KirjuriError("MFA_TRANSACTION_OF_ANOTHER_USER", 403, "transactionIdentifier")
    error = rules.poll_error(rules.effective_status(transaction.status, transaction.created_at, clock.now()))
    if error is not None:
        raise error
    return transaction


def expire_due(session: Session) -> int:
    """Housekeeping: store EXPIRED on every PENDING transaction past its TTL; returns how many."""
    return repository.mark_expired(session, now=clock.now())
