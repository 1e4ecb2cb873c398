"""Pure rules of direct salary payments: the list's status from its payments', the EEA payee
check, unique custom ids, when a list (and never a lone salary payment) may be cancelled, salary
files apart with category purpose SALA, and events without the salary amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from kirjuri.banking.payments import rules as payment_rules
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.payments.salary import rules
from kirjuri.core.errors import KirjuriError

Q, S, P, C = payment_rules.QUEUED, payment_rules.SENT_TO_BANK, payment_rules.PAID, payment_rules.CANCELLED


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Q, Q], "PAYMENT_QUEUED"),
        ([S, S], "PAYMENT_SENT_TO_BANK"),
        ([S, P], "PAYMENT_SENT_TO_BANK"),
        ([P, P], "PAID"),
        ([C, C], "PAYMENT_TRANSACTION_CANCELLED"),
        ([], "PAYMENT_QUEUED"),
    ],
)
def test_list_status(statuses: list[str], expected: str) -> None:
    assert rules.list_status(statuses) == expected


@pytest.mark.parametrize(
    ("iban", "refused"),
    [
        ("FI4250001510000023", False),
        ("EE382200221020145685", False),
        ("NO9386011117947", False),
        ("CH9300762011623852957", True),
        ("GB29NWBK60161331926819", True),
    ],
)
def test_payees_bank_must_be_in_the_eea(iban: str, refused: bool) -> None:
    if not refused:
        rules.check_recipient_country(iban, field="f")
        return
    with pytest.raises(KirjuriError) as caught:
        rules.check_recipient_country(iban, field="f")
    assert (caught.value.code, caught.value.status, caught.value.field) == ("RECIPIENT_OUTSIDE_EEA", 400, "f")


def test_custom_ids_are_unique_in_a_list() -> None:
    rules.check_unique_custom_ids(["a", "b"], prefix="payments")
    with pytest.raises(KirjuriError) as caught:
        rules.check_unique_custom_ids(["a", "b", "a"], prefix="payments")
    assert (caught.value.code, caught.value.field) == ("DUPLICATE_CUSTOM_ID", "payments[2].customId")


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([Q, Q], None),
        ([Q, S], "PAYMENT_ALREADY_SENT_TO_BANK"),
        ([P], "PAYMENT_ALREADY_PAID"),
        ([C, C], "PAYMENT_ALREADY_REMOVED"),
    ],
)
def test_a_list_is_cancelled_only_while_nothing_was_sent(statuses: list[str], code: str | None) -> None:
    error = rules.cancel_error(statuses)
    assert (error.code if error else None) == code
    assert error is None or error.status == 403


def test_a_salary_payment_is_never_cancelled_alone() -> None:
    error = payment_rules.removable_error(status=Q, kind=payment_rules.SALARY, delete=False)
    assert error is not None and (error.code, error.status) == ("SALARY_PAYMENT_OF_A_LIST", 403)
    deleted = payment_rules.removable_error(status=Q, kind=payment_rules.SALARY, delete=True)
    assert deleted is not None and deleted.code == "NOT_AN_INVOICE_PAYMENT"


@dataclass(frozen=True)
class _K:
    kind: str
    id: int


def test_salary_payments_go_in_a_file_of_their_own() -> None:
    group = [_K("SALARY", 1), _K("DIRECT", 2), _K("INVOICE", 3), _K("SALARY", 4)]
    parts = payment_rules.split_by_purpose(group)
    assert [(purpose, [p.id for p in part]) for purpose, part in parts] == [(None, [2, 3]), ("SALA", [1, 4])]
    assert payment_rules.split_by_purpose([_K("DIRECT", 1)]) == [(None, [_K("DIRECT", 1)])]


def test_salary_events_leave_the_amount_out() -> None:
    payment = Payment(
        company_id=1,
        id=7,
        kind="SALARY",
        list_id=3,
        custom_id="e-1",
        status=Q,
        amount_minor=250000,
        currency="EUR",
        payment_date=date(2026, 12, 1),
    )
    assert payment_rules.event_payload(payment) == {
        "paymentId": 7,
        "listId": 3,
        "customId": "e-1",
        "status": Q,
        "paymentDate": "2026-12-01",
    }
    payment.kind = "DIRECT"
    assert payment_rules.event_payload(payment)["amount"] == "2500.00"
