"""Pure rules of MFA transactions: expiry and the answers of pollers and approvers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kirjuri.mfa import rules

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "age", "expected"),
    [
        (rules.PENDING, timedelta(0), rules.PENDING),
        (rules.PENDING, timedelta(minutes=4, seconds=59), rules.PENDING),
        (rules.PENDING, timedelta(minutes=5), rules.EXPIRED),
        (rules.PENDING, timedelta(hours=1), rules.EXPIRED),
        (rules.CONFIRMED, timedelta(hours=1), rules.CONFIRMED),  # a decided one never expires
        (rules.REJECTED, timedelta(hours=1), rules.REJECTED),
        (rules.EXPIRED, timedelta(0), rules.EXPIRED),
    ],
)
def test_effective_status(status: str, age: timedelta, expected: str) -> None:
    assert rules.effective_status(status, T0, T0 + age) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (rules.PENDING, None),
        (rules.CONFIRMED, None),
        (rules.REJECTED, ("MFA_TRANSACTION_REJECTED", 406)),
        (rules.EXPIRED, ("MFA_TRANSACTION_EXPIRED", 408)),
    ],
)
def test_poll_error(status: str, expected: tuple[str, int] | None) -> None:
    error = rules.poll_error(status)
    assert (None if error is None else (error.code, error.status)) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (rules.PENDING, None),
        (rules.CONFIRMED, ("MFA_TRANSACTION_ALREADY_PROCESSED", 409)),
        (rules.REJECTED, ("MFA_TRANSACTION_ALREADY_PROCESSED", 409)),
        (rules.EXPIRED, ("MFA_TRANSACTION_EXPIRED", 408)),
    ],
)
def test_decision_error(status: str, expected: tuple[str, int] | None) -> None:
    error = rules.decision_error(status)
    assert (None if error is None else (error.code, error.status)) == expected


def test_expires_after_five_minutes() -> None:
    assert rules.expires_at(T0) == T0 + timedelta(minutes=5)
