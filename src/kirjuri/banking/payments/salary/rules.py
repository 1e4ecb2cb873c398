"""Pure rules of direct salary payment lists: the list's status from its payments', who may be
paid without an address, what a list's batch must not repeat, and when a list may be cancelled.

Invariants (decisions where the contract is silent or Kirjuri is narrower):
- a list's status is derived, never stored: every payment cancelled → PAYMENT_TRANSACTION_CANCELLED,
  every payment paid → PAID, any payment sent or paid → PAYMENT_SENT_TO_BANK, else PAYMENT_QUEUED;
- the contract carries no payee address for a salary payment, and the EPC rulebooks ask for one
  only when the payee's bank is outside the EEA: a payee IBAN of a non-EEA country is refused,
  400 `RECIPIENT_OUTSIDE_EEA` at its `recipientBankAccount`;
- each payment's `customId` is unique within its list (it is how the caller recognises the
  payment ids in the answer): 400 `DUPLICATE_CUSTOM_ID`;
- a list is cancelled all-or-nothing, only while every payment of it is PAYMENT_QUEUED: the first
  payment that is not answers its 403 (`payments.rules.removable_error`).
"""

from __future__ import annotations

from collections.abc import Iterable

from kirjuri.banking.payments import rules as payment_rules
from kirjuri.core.errors import KirjuriError

CREATE_SALARY_PAYMENTS = "DIRECT_SALARY_PAYMENTS_CREATE"
CANCEL_SALARY_PAYMENTS = "DIRECT_SALARY_PAYMENTS_CANCEL"
CANCELLED_MESSAGE = "Salary payment list cancelled"

LIST_QUEUED = "PAYMENT_QUEUED"
LIST_SENT_TO_BANK = "PAYMENT_SENT_TO_BANK"
LIST_PAID = "PAID"
LIST_CANCELLED = "PAYMENT_TRANSACTION_CANCELLED"

# EU member states, Iceland, Liechtenstein and Norway (ISO 3166 alpha-2).
EEA = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
        *("IS", "LI", "NO"),
    }
)


def list_status(statuses: Iterable[str]) -> str:
    found = set(statuses)
    if found and found <= {payment_rules.CANCELLED, payment_rules.DELETED}:
        return LIST_CANCELLED
    if found == {payment_rules.PAID}:
        return LIST_PAID
    if found & {payment_rules.SENT_TO_BANK, payment_rules.PAID}:
        return LIST_SENT_TO_BANK
    return LIST_QUEUED


def check_recipient_country(iban: str, *, field: str) -> None:
    """`iban` is compact; its first two letters are the bank's country."""
    if iban[:2].upper() not in EEA:
        raise KirjuriError("RECIPIENT_OUTSIDE_EEA", 400, field)


def check_unique_custom_ids(custom_ids: Iterable[str], *, prefix: str) -> None:
    seen: set[str] = set()
    for n, custom_id in enumerate(custom_ids):
        if custom_id in seen:
            raise KirjuriError("DUPLICATE_CUSTOM_ID", 400, f"{prefix}[{n}].customId")
        seen.add(custom_id)


def cancel_error(statuses: Iterable[str]) -> KirjuriError | None:
    """Why a list whose payments have `statuses` cannot be cancelled, None when it can."""
    for status in statuses:
        error = payment_rules.removable_error(status=status, kind=payment_rules.SALARY, delete=False, whole_list=True)
        if error is not None:
            return error
    return None
