"""The invoice lifecycle of `invoicing.transitions`, checked against an expectation written out by
hand, edge by edge, per invoice type (a different shape from the module's table, so a slip in
one is not copied into the other). Every action × type × status combination is asserted: the
listed edges give their target, the other statuses of an allowed (action, type) are
INVALID_STATUS_TRANSITION, and an (action, type) without edges is ACTION_NOT_ALLOWED_FOR_TYPE."""

from __future__ import annotations

import pytest

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import transitions as t

# One line per edge: `action  FROM -> TO`. `TO` as `A|B` means A when fully paid, B when partly.
# `notes` (every status, status stays, for the four note types) is checked separately below.
EDGES = """
SALES_INVOICE
    update              UNFINISHED -> UNFINISHED
    approve             UNFINISHED -> NOT_SENT
    send                NOT_SENT -> SENT
    send                SENT -> SENT
    reject              NOT_SENT -> PAYMENT_DENIED
    reject              SENT -> PAYMENT_DENIED
    invalidate          UNFINISHED -> INVALIDATED
    invalidate          NOT_SENT -> INVALIDATED
    invalidate          SENT -> INVALIDATED
    invalidate          PAYMENT_DENIED -> INVALIDATED
    unfinished          NOT_SENT -> UNFINISHED
    unfinished          PAYMENT_DENIED -> UNFINISHED
    markpaid            NOT_SENT -> MARKED_PAID|PARTLY_PAID
    markpaid            SENT -> MARKED_PAID|PARTLY_PAID
    markpaid            PARTLY_PAID -> MARKED_PAID|PARTLY_PAID
    payment             NOT_SENT -> PAID|PARTLY_PAID
    payment             SENT -> PAID|PARTLY_PAID
    payment             PARTLY_PAID -> PAID|PARTLY_PAID

SALES_ORDER
    update              UNFINISHED -> UNFINISHED
    convert             UNFINISHED -> INVOICED

PURCHASE_ORDER
    update              UNFINISHED -> UNFINISHED
    update              RECEIVED -> RECEIVED
    convert             UNFINISHED -> INVOICED
    convert             RECEIVED -> INVOICED

PURCHASE_INVOICE TRAVEL_INVOICE BILL_OF_CHARGES
    update              UNFINISHED -> UNFINISHED
    update              RECEIVED -> RECEIVED
    sendToCirculation   UNFINISHED -> RECEIVED
    sendToCirculation   RECEIVED -> RECEIVED
    verify              RECEIVED -> VERIFIED
    verify              VERIFIED -> VERIFIED
    approve             RECEIVED -> APPROVED
    approve             VERIFIED -> APPROVED
    approve             APPROVED -> APPROVED
    reject              RECEIVED -> PAYMENT_DENIED
    reject              VERIFIED -> PAYMENT_DENIED
    reject              APPROVED -> PAYMENT_DENIED
    invalidate          UNFINISHED -> INVALIDATED
    invalidate          RECEIVED -> INVALIDATED
    invalidate          VERIFIED -> INVALIDATED
    invalidate          APPROVED -> INVALIDATED
    invalidate          PAYMENT_DENIED -> INVALIDATED
    unfinished          RECEIVED -> UNFINISHED
    unfinished          VERIFIED -> UNFINISHED
    unfinished          APPROVED -> UNFINISHED
    unfinished          PAYMENT_DENIED -> UNFINISHED
    markpaid            APPROVED -> MARKED_PAID|PARTLY_PAID
    markpaid            PARTLY_PAID -> MARKED_PAID|PARTLY_PAID
    payment_queued      APPROVED -> PAYMENT_QUEUED
    payment_queued      PARTLY_PAID -> PAYMENT_QUEUED
    payment_sent        PAYMENT_QUEUED -> PAYMENT_SENT_TO_BANK
    payment             APPROVED -> PAID|PARTLY_PAID
    payment             PAYMENT_SENT_TO_BANK -> PAID|PARTLY_PAID
    payment             PARTLY_PAID -> PAID|PARTLY_PAID

PERIODIC_TAX_RETURN
    markpaid            APPROVED -> MARKED_PAID|PARTLY_PAID
    markpaid            PARTLY_PAID -> MARKED_PAID|PARTLY_PAID
    payment_queued      APPROVED -> PAYMENT_QUEUED
    payment_queued      PARTLY_PAID -> PAYMENT_QUEUED
    payment_sent        PAYMENT_QUEUED -> PAYMENT_SENT_TO_BANK
    payment             APPROVED -> PAID|PARTLY_PAID
    payment             PAYMENT_SENT_TO_BANK -> PAID|PARTLY_PAID
    payment             PARTLY_PAID -> PAID|PARTLY_PAID
"""

NOTE_TYPES = ("SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES")

ALL_TYPES = (
    "SALES_INVOICE",
    "SALES_ORDER",
    "PURCHASE_INVOICE",
    "PURCHASE_ORDER",
    "TRAVEL_INVOICE",
    "BILL_OF_CHARGES",
    "PERIODIC_TAX_RETURN",
)
ALL_STATUSES = (
    "EMPTY",
    "UNFINISHED",
    "NOT_SENT",
    "SENT",
    "RECEIVED",
    "PAID",
    "PAYMENT_DENIED",
    "VERIFIED",
    "APPROVED",
    "INVALIDATED",
    "PAYMENT_QUEUED",
    "PARTLY_PAID",
    "PAYMENT_SENT_TO_BANK",
    "MARKED_PAID",
    "STARTED",
    "INVOICED",
    "OVERRIDDEN",
    "DELETED",
    "UNSAVED",
    "PAYMENT_TRANSACTION_REMOVED",
)
ALL_ACTIONS = (
    "update",
    "approve",
    "verify",
    "sendToCirculation",
    "send",
    "reject",
    "invalidate",
    "unfinished",
    "notes",
    "markpaid",
    "payment_queued",
    "payment_sent",
    "payment",
    "convert",
)
PAID_ACTIONS = ("markpaid", "payment")

NOT_FOR_TYPE = "ACTION_NOT_ALLOWED_FOR_TYPE"
WRONG_STATUS = "INVALID_STATUS_TRANSITION"


def _parse(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(action, type) → {from: to} out of EDGES."""
    edges: dict[tuple[str, str], dict[str, str]] = {}
    types: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            types = line.split()
            continue
        action, source, arrow, target = line.split()
        assert arrow == "->"
        for invoice_type in types:
            targets = edges.setdefault((action, invoice_type), {})
            assert source not in targets, f"duplicate expectation {action} {invoice_type} {source}"
            targets[source] = target
    for invoice_type in NOTE_TYPES:
        edges[("notes", invoice_type)] = {status: status for status in ALL_STATUSES}
    return edges


EXPECTED = _parse(EDGES)


def _outcome(action: str, invoice_type: str, status: str) -> str:
    """The target (`A|B` for the paid actions: fully | partly) or the refusal code."""
    try:
        if action in PAID_ACTIONS:
            fully = t.next_status(action=action, invoice_type=invoice_type, status=status, fully_paid=True)
            partly = t.next_status(action=action, invoice_type=invoice_type, status=status, fully_paid=False)
            return f"{fully}|{partly}"
        return t.next_status(action=action, invoice_type=invoice_type, status=status)
    except KirjuriError as error:
        assert (error.status, error.field) == (403, None)
        return error.code


@pytest.mark.parametrize("invoice_type", ALL_TYPES)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_status_of_every_action_and_type(action: str, invoice_type: str) -> None:
    edges = EXPECTED.get((action, invoice_type))
    if edges is None:
        expected = dict.fromkeys(ALL_STATUSES, NOT_FOR_TYPE)
    else:
        expected = {status: edges.get(status, WRONG_STATUS) for status in ALL_STATUSES}
    actual = {status: _outcome(action, invoice_type, status) for status in ALL_STATUSES}
    assert actual == expected


def test_the_enumerations_are_the_contracts() -> None:
    assert t.INVOICE_TYPES == ALL_TYPES
    assert t.STATUSES == ALL_STATUSES
    assert set(t.ACTIONS) == set(ALL_ACTIONS)
    assert "PERIODIC_TAX_RETURN" not in t.WRITABLE_TYPES
    assert set(t.WRITABLE_TYPES) == set(ALL_TYPES) - {"PERIODIC_TAX_RETURN"}
    assert t.INITIAL_STATUS == "UNFINISHED"


# --- the typical paths of §D.13.3, walked ---------------------------------------------------------

PATHS = [
    (
        "SALES_INVOICE",
        [("approve", None, "NOT_SENT"), ("send", None, "SENT"), ("send", None, "SENT"),
         ("payment", False, "PARTLY_PAID"), ("payment", True, "PAID")],
    ),
    ("SALES_INVOICE", [("approve", None, "NOT_SENT"), ("markpaid", True, "MARKED_PAID")]),
    (
        "PURCHASE_INVOICE",
        [("sendToCirculation", None, "RECEIVED"), ("verify", None, "VERIFIED"), ("approve", None, "APPROVED"),
         ("payment_queued", None, "PAYMENT_QUEUED"), ("payment_sent", None, "PAYMENT_SENT_TO_BANK"),
         ("payment", True, "PAID")],
    ),
    (
        "TRAVEL_INVOICE",
        [("sendToCirculation", None, "RECEIVED"), ("verify", None, "VERIFIED"), ("reject", None, "PAYMENT_DENIED"),
         ("unfinished", None, "UNFINISHED"), ("sendToCirculation", None, "RECEIVED"), ("approve", None, "APPROVED"),
         ("markpaid", False, "PARTLY_PAID"), ("payment_queued", None, "PAYMENT_QUEUED"),
         ("payment_sent", None, "PAYMENT_SENT_TO_BANK"), ("payment", True, "PAID")],
    ),
    ("BILL_OF_CHARGES", [("sendToCirculation", None, "RECEIVED"), ("invalidate", None, "INVALIDATED")]),
    ("SALES_ORDER", [("update", None, "UNFINISHED"), ("convert", None, "INVOICED")]),
]  # fmt: skip


@pytest.mark.parametrize(("invoice_type", "steps"), PATHS)
def test_typical_paths(invoice_type: str, steps: list[tuple[str, bool | None, str]]) -> None:
    status = t.INITIAL_STATUS
    walked = []
    for action, fully_paid, _ in steps:
        status = t.next_status(action=action, invoice_type=invoice_type, status=status, fully_paid=fully_paid)
        walked.append(status)
    assert walked == [expected for _, _, expected in steps]


# --- closed states ---------------------------------------------------------------------------------

CLOSED = [
    ("SALES_INVOICE", "PAID", {"notes"}),
    ("SALES_INVOICE", "MARKED_PAID", {"notes"}),
    ("SALES_INVOICE", "INVALIDATED", {"notes"}),
    ("PURCHASE_INVOICE", "PAID", {"notes"}),
    ("PURCHASE_INVOICE", "PAYMENT_QUEUED", {"notes", "payment_sent"}),
    ("TRAVEL_INVOICE", "INVALIDATED", {"notes"}),
    ("SALES_ORDER", "INVOICED", set()),
    ("PERIODIC_TAX_RETURN", "PAID", set()),
    ("SALES_INVOICE", "UNFINISHED", {"update", "approve", "invalidate", "notes"}),
    ("PURCHASE_INVOICE", "RECEIVED", {
        "update", "sendToCirculation", "verify", "approve", "reject", "invalidate", "unfinished", "notes",
    }),
    ("PERIODIC_TAX_RETURN", "APPROVED", {"markpaid", "payment_queued", "payment"}),
]  # fmt: skip


@pytest.mark.parametrize(("invoice_type", "status", "actions"), CLOSED)
def test_allowed_actions(invoice_type: str, status: str, actions: set[str]) -> None:
    assert t.allowed_actions(invoice_type, status) == actions


# --- PUT /invoices/{id} (§D.13.1) -----------------------------------------------------------------

EDITABLE = {
    "SALES_INVOICE": {"UNFINISHED"},
    "SALES_ORDER": {"UNFINISHED"},
    "PURCHASE_INVOICE": {"UNFINISHED", "RECEIVED"},
    "PURCHASE_ORDER": {"UNFINISHED", "RECEIVED"},
    "TRAVEL_INVOICE": {"UNFINISHED", "RECEIVED"},
    "BILL_OF_CHARGES": {"UNFINISHED", "RECEIVED"},
    "PERIODIC_TAX_RETURN": set(),
}


@pytest.mark.parametrize("invoice_type", ALL_TYPES)
def test_editable_statuses_are_the_put_table(invoice_type: str) -> None:
    assert t.EDITABLE_STATUSES[invoice_type] == EDITABLE[invoice_type]
    assert {s for s in ALL_STATUSES if t.editable(invoice_type, s)} == EDITABLE[invoice_type]


# --- programming errors ----------------------------------------------------------------------------

MISUSE = [
    {"action": "approve", "invoice_type": "SALES_INVOICE", "status": "UNFINISHED", "fully_paid": True},
    {"action": "markpaid", "invoice_type": "SALES_INVOICE", "status": "SENT"},
    {"action": "payment", "invoice_type": "PURCHASE_INVOICE", "status": "APPROVED", "fully_paid": None},
    {"action": "pay", "invoice_type": "SALES_INVOICE", "status": "SENT"},
    {"action": "send", "invoice_type": "SALARY", "status": "SENT"},
    {"action": "send", "invoice_type": "SALES_INVOICE", "status": "sent"},
]


@pytest.mark.parametrize("arguments", MISUSE)
def test_misuse_is_a_value_error(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        t.next_status(**arguments)  # type: ignore[arg-type]


def test_unknown_names_in_the_queries_are_value_errors() -> None:
    with pytest.raises(ValueError):
        t.editable("INVOICE", "UNFINISHED")
    with pytest.raises(ValueError):
        t.allowed_actions("SALES_INVOICE", "DRAFT")


def test_refusals_carry_code_and_403() -> None:
    with pytest.raises(KirjuriError) as caught:
        t.next_status(action="send", invoice_type="PURCHASE_INVOICE", status="APPROVED")
    assert (caught.value.code, caught.value.status, caught.value.field) == (NOT_FOR_TYPE, 403, None)
    with pytest.raises(KirjuriError) as caught:
        t.next_status(action="send", invoice_type="SALES_INVOICE", status="UNFINISHED")
    assert (caught.value.code, caught.value.status, caught.value.field) == (WRONG_STATUS, 403, None)


def test_a_table_naming_one_edge_twice_is_refused() -> None:
    twice = (
        t.Transition("send", ("SALES_INVOICE",), ("SENT",), "SENT"),
        t.Transition("send", ("SALES_INVOICE",), ("SENT",), "PAID"),
    )
    with pytest.raises(ValueError, match="two transitions"):
        t._index(twice)
