"""The invoice wire models (`invoicing.schemas`, `row_schemas`, `lifecycle_schemas`) against the
contract: the §D.13.6 example parses and comes back unchanged; every contract field of every
schema is in the model's JSON schema under its camelCase name, with the contract's type, format,
maxLength, enum values, referenced schema name and required flag (looping over the contract JSON,
so a field left out fails); missing required fields are named at their wire paths; the ranges the
models state are refused with the client's codes; server-assigned fields are documented read-only.

The contract JSON lives beside the checkout (`../shared/contract`, as `make contract` finds it) or
at `KIRJURI_CONTRACT`; without it the contract-driven tests skip and the others still run.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from kirjuri.api import wire
from kirjuri.api.errors import json_path, validation_code
from kirjuri.api.schemas import Country, Currency, InvoiceChannel, Language, Unit
from kirjuri.attachments.schemas import Attachment
from kirjuri.invoicing import lifecycle_schemas as life
from kirjuri.invoicing import row_schemas as rows
from kirjuri.invoicing import schemas as inv

CONTRACT_PATH = Path(
    os.environ.get(
        "KIRJURI_CONTRACT",
        Path(__file__).resolve().parents[3] / "shared" / "contract" / "procountor-26.04.json",
    )
)

# Every contract schema of §D.13 (and the shared parts it names) → the class that serves it.
MODELS: dict[str, type[BaseModel]] = {
    "Invoice": inv.Invoice,
    "InvoiceRow": rows.InvoiceRow,
    "TravelInformationItem": rows.TravelInformationItem,
    "CounterParty": inv.CounterParty,
    "InvoiceCounterpartyAddress": inv.InvoiceCounterpartyAddress,
    "InvoiceBillingAddress": inv.InvoiceBillingAddress,
    "InvoiceDeliveryAddress": inv.InvoiceDeliveryAddress,
    "EInvoiceAddress": inv.EInvoiceAddress,
    "BankAccount": inv.BankAccount,
    "PaymentInfo": inv.PaymentInfo,
    "CashDiscount": inv.CashDiscount,
    "CashDiscountOption": inv.CashDiscountOption,
    "ExtraInfo": inv.ExtraInfo,
    "DeliveryTermsInfo": inv.DeliveryTermsInfo,
    "DeliveryTerms": inv.DeliveryTerms,
    "InvoiceOperatorInfo": inv.InvoiceOperatorInfo,
    "InvoiceApprovalInformation": inv.InvoiceApprovalInformation,
    "InvoiceCheckerInformation": inv.InvoiceCheckerInformation,
    "InvoiceSumInfo": inv.InvoiceSumInfo,
    "InvoiceBasicInfo": inv.InvoiceBasicInfo,
    "InvoiceSearchResult": inv.InvoiceSearchResult,
    "Attachment": Attachment,
    "InvoiceNotes": life.InvoiceNotes,
    "CheckingEvent": life.CheckingEvent,
    "InvoiceIds": life.InvoiceIds,
    "MarkInvoiceAsPaid": life.MarkInvoiceAsPaid,
    "PaymentEvent": life.PaymentEvent,
    "PaymentEventSearchResult": life.PaymentEventSearchResult,
    "Comment": life.Comment,
    "CommentWithTaggedUsers": life.CommentWithTaggedUsers,
    "Comments": life.Comments,
    "TaggedUsersInfo": life.TaggedUsersInfo,
    "TaggedUser": life.TaggedUser,
    "TaggableUser": life.TaggableUser,
    "TaggableUsers": life.TaggableUsers,
    "InvoiceTransaction": life.InvoiceTransaction,
    "InvoiceTransactions": life.InvoiceTransactions,
    "InvoiceTransactionsByInvoice": life.InvoiceTransactionsByInvoice,
    "InvoiceTransactionsByInvoicesDTO": life.InvoiceTransactionsByInvoicesDTO,
    "TransactionIdentifier": life.TransactionIdentifier,
}

# Required in the contract, optional here — each a decision of the area that owns the schema.
REQUIRED_EXCEPTIONS = {
    # The attachments area defaults it to false: the contract's own clients leave it out.
    ("Attachment", "sendWithInvoice"),
}


@cache
def contract() -> dict[str, Any]:
    if not CONTRACT_PATH.is_file():
        pytest.skip(f"contract not found at {CONTRACT_PATH}")
    schemas: dict[str, Any] = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))["schemas"]
    return schemas


@cache
def json_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = MODELS[name].model_json_schema(by_alias=True)
    return schema


def _non_null(node: dict[str, Any]) -> dict[str, Any]:
    """The one branch of `X | None` that is not null."""
    if "anyOf" in node:
        branches: list[dict[str, Any]] = [b for b in node["anyOf"] if b.get("type") != "null"]
        assert len(branches) == 1, node
        return branches[0]
    return node


def _resolve(name: str, node: dict[str, Any]) -> dict[str, Any]:
    node = _non_null(node)
    if "$ref" in node:
        ref = node["$ref"].rsplit("/", 1)[-1]
        resolved: dict[str, Any] = json_schema(name)["$defs"][ref]
        return resolved
    return node


def _property(name: str, field: str) -> dict[str, Any]:
    properties: dict[str, Any] = json_schema(name)["properties"]
    assert field in properties, f"{name}.{field} is missing from the model"
    return _non_null(properties[field])


def _ref_name(node: dict[str, Any]) -> str:
    assert "$ref" in node, node
    ref: str = node["$ref"]
    return ref.rsplit("/", 1)[-1]


# --- the contract, field by field ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_class_has_the_contract_name(name: str) -> None:
    assert MODELS[name].__name__ == name


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_contract_field_is_in_the_model_and_nothing_else(name: str) -> None:
    expected = set(contract()[name]["fields"])
    properties = set(json_schema(name)["properties"])
    assert expected - properties == set(), "missing"
    assert properties - expected == set(), "not in the contract"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_required_flags_are_the_contracts(name: str) -> None:
    fields = contract()[name]["fields"]
    expected = {f for f, spec in fields.items() if spec.get("required") and (name, f) not in REQUIRED_EXCEPTIONS}
    assert set(json_schema(name).get("required", [])) == expected


def _check_type(name: str, field: str, spec: dict[str, Any]) -> None:
    node = _property(name, field)
    kind = spec["type"]
    if kind == "ref":
        assert _ref_name(node) == spec["ref"]
    elif kind == "array":
        assert node["type"] == "array"
        items = spec["items"]
        if items["type"] == "ref":
            assert _ref_name(node["items"]) == items["ref"]
        else:
            allowed = {"number": {"number", "integer"}}.get(items["type"], {items["type"]})
            assert _non_null(node["items"])["type"] in allowed
    elif "enum" in spec:
        enum = _resolve(name, node)
        assert enum["type"] == "string"
        assert sorted(enum["enum"]) == sorted(spec["enum"])
    else:
        assert node["type"] == kind
        if "format" in spec:
            assert node["format"] == spec["format"]
        if "maxLength" in spec:
            assert node["maxLength"] == spec["maxLength"]
        if spec.get("minLength"):
            assert node["minLength"] == spec["minLength"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_types_formats_lengths_enums_and_references_are_the_contracts(name: str) -> None:
    for field, spec in contract()[name]["fields"].items():
        try:
            _check_type(name, field, spec)
        except AssertionError as exc:
            raise AssertionError(f"{name}.{field}: {spec}") from exc


# Our enums keep the contract's order too; the shared ones (api.schemas) keep their own module's.
OWN_ENUMS: list[tuple[type[StrEnum], str, str]] = [
    (inv.InvoiceType, "Invoice", "type"),
    (inv.InvoiceStatus, "Invoice", "status"),
    (inv.DeliveryMethod, "Invoice", "deliveryMethod"),
    (inv.InvoicePaymentMethod, "PaymentInfo", "paymentMethod"),
    (inv.BankReferenceCodeType, "PaymentInfo", "bankReferenceCodeType"),
    (inv.CashDiscountsTermType, "CashDiscount", "cashDiscountsTermType"),
    (life.PaymentMethodType, "MarkInvoiceAsPaid", "paymentMethodType"),
    (life.PaymentEventType, "PaymentEvent", "type"),
    (inv.InvoiceStatus, "PaymentEvent", "status"),
    (life.InvoiceTransactionAction, "InvoiceTransaction", "action"),
]
SHARED_ENUMS: list[tuple[type[StrEnum], str, str]] = [
    (InvoiceChannel, "Invoice", "invoiceChannel"),
    (Language, "Invoice", "language"),
    (Country, "Invoice", "vatCountry"),
    (Unit, "InvoiceRow", "unit"),
    (Currency, "PaymentInfo", "currency"),
    (Currency, "MarkInvoiceAsPaid", "currency"),
]


@pytest.mark.parametrize(("enum", "name", "field"), OWN_ENUMS)
def test_own_enums_list_the_contract_values_in_its_order(enum: type[StrEnum], name: str, field: str) -> None:
    assert [member.value for member in enum] == contract()[name]["fields"][field]["enum"]


@pytest.mark.parametrize(("enum", "name", "field"), SHARED_ENUMS)
def test_shared_enums_list_the_contract_values(enum: type[StrEnum], name: str, field: str) -> None:
    assert sorted(member.value for member in enum) == sorted(contract()[name]["fields"][field]["enum"])


def test_one_schema_per_name_in_a_document_of_all_of_them() -> None:
    """Put together, as the OpenAPI document will, no two classes share a name (a clash would
    turn both into `kirjuri__…__Name`)."""
    _, document = models_json_schema([(model, "validation") for model in MODELS.values()], by_alias=True)
    names = set(document["$defs"])
    assert set(MODELS) <= names
    assert [n for n in names if "__" in n or "-" in n] == []
    assert {"InvoiceType", "InvoiceStatus", "InvoicePaymentMethod", "BankReferenceCodeType"} <= names


# --- the §D.13.6 example -------------------------------------------------------------------------

EXAMPLE = b"""{
  "type": "SALES_INVOICE",
  "date": "2026-05-04",
  "counterParty": {
    "customerNumber": "C-1007",
    "email": "ap@example.fi",
    "counterPartyAddress": { "name": "Esimerkki Oy", "street": "Kauppakatu 3", "zip": "00100", "city": "Helsinki", "country": "FINLAND" }
  },
  "paymentInfo": {
    "paymentMethod": "BANK_TRANSFER",
    "currency": "EUR",
    "bankAccount": { "accountNumber": "FI2112345600000785" },
    "dueDate": "2026-05-18",
    "currencyRate": 1,
    "bankReferenceCode": ""
  },
  "extraInfo": { "accountingByRow": false, "unitPricesIncludeVat": false },
  "discountPercent": 0,
  "vatStatus": 1,
  "invoiceChannel": "EMAIL",
  "language": "FINNISH",
  "invoiceRows": [
    { "product": "Consulting, April", "quantity": 12.5, "unit": "HOUR", "unitPrice": 95.00, "discountPercent": 0, "vatPercent": 25.5 }
  ]
}"""  # noqa: E501 (the example verbatim, as the contract prints it)


def _example() -> dict[str, Any]:
    body: dict[str, Any] = wire.loads(EXAMPLE)
    return body


def test_the_contract_example_parses_to_exact_values() -> None:
    invoice = inv.Invoice.model_validate(_example())
    assert invoice.type is inv.InvoiceType.SALES_INVOICE
    assert str(invoice.date) == "2026-05-04"
    assert invoice.counter_party.customer_number == "C-1007"
    assert invoice.counter_party.counter_party_address.name == "Esimerkki Oy"
    assert invoice.counter_party.counter_party_address.country == Country("FINLAND")
    payment = invoice.payment_info
    assert payment.payment_method is inv.InvoicePaymentMethod.BANK_TRANSFER
    assert payment.currency == Currency("EUR")
    assert payment.bank_account is not None and payment.bank_account.account_number == "FI2112345600000785"
    assert str(payment.due_date) == "2026-05-18"
    assert payment.currency_rate == Decimal(1)
    assert payment.bank_reference_code == ""  # "generate one", not "none"
    assert invoice.extra_info.accounting_by_row is False and invoice.extra_info.unit_prices_include_vat is False
    assert invoice.discount_percent == 0 and invoice.vat_status == 1
    assert invoice.invoice_channel == InvoiceChannel("EMAIL") and invoice.language == Language("FINNISH")
    (row,) = invoice.invoice_rows
    assert row.product == "Consulting, April" and row.unit == Unit("HOUR")
    assert (row.quantity, row.unit_price, row.vat_percent) == (Decimal("12.5"), Decimal("95.00"), Decimal("25.5"))
    assert all(isinstance(v, Decimal) for v in (row.quantity, row.unit_price, row.discount_percent, row.vat_percent))
    # Omitted addresses stay omitted: the service fills in the counterparty's.
    assert invoice.billing_address is None and invoice.delivery_address is None
    assert invoice.id is None and invoice.status is None and invoice.invoice_sum_info is None


def test_the_contract_example_comes_back_unchanged() -> None:
    invoice = inv.Invoice.model_validate(_example())
    assert wire.loads(wire.dumps(invoice)) == _example()
    assert b'"unitPrice":95.00' in wire.dumps(invoice)  # every digit, no float on the way


def test_a_response_echoed_back_parses() -> None:
    """A client may PUT what it read: the server-assigned fields parse (the service ignores them)."""
    body = _example() | {
        "id": 41,
        "status": "SENT",
        "invoiceNumber": 1007,
        "ledgerReceiptId": 77,
        "version": "2026-05-04T10:15:00Z",
        "creatorId": 3,
        "paymentDate": "2026-05-10",
        "sum": 1489.06,
        "invoiceOperatorInfo": {"operator": "003721291126", "receivingAddress": "003712345678"},
        "attachments": [{"id": 5, "name": "liite.pdf", "referenceType": "INVOICE", "referenceId": 41}],
        "invoiceSumInfo": [
            {
                "currency": "EUR",
                "inAccountingCurrency": True,
                "excludingVatTotal": Decimal("1187.50"),
                "vatSumTotal": Decimal("302.81"),
                "invoiceSumTotal": Decimal("1490.31"),
            }
        ],
    }
    invoice = inv.Invoice.model_validate(body)
    assert invoice.status is inv.InvoiceStatus.SENT
    assert invoice.invoice_sum_info is not None and invoice.invoice_sum_info[0].vat_sum_total == Decimal("302.81")
    assert invoice.attachments is not None and invoice.attachments[0].name == "liite.pdf"


# --- absences that mean different things ---------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, None),  # omitted → no reference
        ({"bankReferenceCode": None}, None),
        ({"bankReferenceCode": ""}, ""),  # empty → the server generates one
        ({"bankReferenceCode": "RF471234567890"}, "RF471234567890"),  # given → validated by the rules
    ],
)
def test_reference_absent_empty_and_given_stay_apart(given: dict[str, Any], expected: str | None) -> None:
    base = {"paymentMethod": "CASH", "currency": "EUR", "dueDate": "2026-05-18", "currencyRate": 1}
    assert inv.PaymentInfo.model_validate(base | given).bank_reference_code == expected


def test_empty_address_is_not_a_missing_address() -> None:
    invoice = inv.Invoice.model_validate(_example() | {"billingAddress": {}})
    assert invoice.billing_address is not None
    assert invoice.billing_address.model_fields_set == set()
    assert invoice.billing_address.model_dump(exclude_none=True) == {}
    assert invoice.delivery_address is None


# --- required fields ----------------------------------------------------------------------------

ROW = {"product": "P", "quantity": 1, "unit": "PIECE", "unitPrice": 1, "discountPercent": 0, "vatPercent": 0}

MISSING = [
    (
        inv.Invoice,
        {},
        {
            "type",
            "date",
            "counterParty",
            "paymentInfo",
            "extraInfo",
            "discountPercent",
            "invoiceRows",
            "invoiceChannel",
        },
    ),
    (inv.Invoice, _example() | {"counterParty": {}}, {"counterParty.counterPartyAddress"}),
    (
        inv.Invoice,
        _example() | {"counterParty": {"counterPartyAddress": {"street": "Kauppakatu 3"}}},
        {"counterParty.counterPartyAddress.name"},
    ),
    (inv.Invoice, _example() | {"extraInfo": {}}, {"extraInfo.accountingByRow", "extraInfo.unitPricesIncludeVat"}),
    (
        inv.Invoice,
        _example() | {"paymentInfo": {}},
        {"paymentInfo.paymentMethod", "paymentInfo.currency", "paymentInfo.dueDate", "paymentInfo.currencyRate"},
    ),
    (
        inv.Invoice,
        _example() | {"invoiceRows": [ROW, {}]},
        {
            "invoiceRows[1].product",
            "invoiceRows[1].quantity",
            "invoiceRows[1].unit",
            "invoiceRows[1].unitPrice",
            "invoiceRows[1].discountPercent",
            "invoiceRows[1].vatPercent",
        },
    ),
    (
        inv.Invoice,
        _example() | {"invoiceApprovalInformation": {"verifiers": [{}]}},
        {"invoiceApprovalInformation.verifiers[0].userId"},
    ),
    (inv.InvoiceBasicInfo, {"id": 1}, {"counterParty"}),
    (life.MarkInvoiceAsPaid, {"description": "x"}, {"paymentDate", "amount", "currency"}),
    (life.InvoiceNotes, {}, {"notes"}),
    (life.Comment, {"author": "x"}, {"comment"}),
    (life.CommentWithTaggedUsers, {}, {"comment"}),
]


@pytest.mark.parametrize(("model", "body", "expected"), MISSING)
def test_missing_required_fields_are_named_at_their_wire_paths(
    model: type[BaseModel], body: dict[str, Any], expected: set[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    errors = caught.value.errors()
    assert {validation_code(e["type"]) for e in errors} == {"REQUIRED"}
    assert {json_path(e["loc"]) for e in errors} == expected


@pytest.mark.parametrize(
    "model", [life.CheckingEvent, life.InvoiceIds, life.PaymentEvent, life.Comments, inv.InvoiceSumInfo]
)
def test_bodies_without_required_fields_accept_an_empty_object(model: type[BaseModel]) -> None:
    assert model.model_validate({}).model_dump(exclude_none=True) == {}


# --- what the models refuse ---------------------------------------------------------------------


def _invoice(**changes: Any) -> dict[str, Any]:
    return _example() | changes


def _payment(**changes: Any) -> dict[str, Any]:
    payment: dict[str, Any] = _example()["paymentInfo"] | changes
    return _invoice(paymentInfo=payment)


def _party(**changes: Any) -> dict[str, Any]:
    party: dict[str, Any] = _example()["counterParty"] | changes
    return _invoice(counterParty=party)


REFUSED = [
    (_invoice(discountPercent=Decimal("100.01")), "discountPercent", "OUT_OF_RANGE"),
    (_invoice(discountPercent=-1), "discountPercent", "OUT_OF_RANGE"),
    (_payment(currencyRate=0), "paymentInfo.currencyRate", "OUT_OF_RANGE"),
    (_payment(currencyRate=Decimal("1000000.01")), "paymentInfo.currencyRate", "OUT_OF_RANGE"),
    (_payment(currencyRate=Decimal("Infinity")), "paymentInfo.currencyRate", "INVALID_DECIMAL"),
    (_payment(paymentMethod="DIRECT_DEBIT"), "paymentInfo.paymentMethod", "INVALID_ENUM_VALUE"),
    (_payment(bankReferenceCodeType="XX"), "paymentInfo.bankReferenceCodeType", "INVALID_ENUM_VALUE"),
    (_payment(clearingCode="C" * 51), "paymentInfo.clearingCode", "TOO_LONG"),
    (_invoice(type="SELF_ASSESSED_TAX"), "type", "INVALID_ENUM_VALUE"),
    (_invoice(invoiceChannel="FAX"), "invoiceChannel", "INVALID_ENUM_VALUE"),
    (_invoice(deliveryMethod="DRONE"), "deliveryMethod", "INVALID_ENUM_VALUE"),
    (_invoice(orderReference="R" * 71), "orderReference", "TOO_LONG"),
    (_invoice(originalInvoiceNumber="9" * 41), "originalInvoiceNumber", "TOO_LONG"),
    (_invoice(additionalInformation="a" * 10001), "additionalInformation", "TOO_LONG"),
    (_invoice(notes="n" * 10001), "notes", "TOO_LONG"),
    (_invoice(deliveryInstructions="d" * 256), "deliveryInstructions", "TOO_LONG"),
    (_invoice(buyerReferenceIdentifier="b" * 71), "buyerReferenceIdentifier", "TOO_LONG"),
    (_invoice(vatStatus=2**31), "vatStatus", "OUT_OF_RANGE"),
    (_invoice(date="2026-02-30"), "date", "INVALID_DATE"),
    (_invoice(travelInformationItems=[{"places": "p" * 256}]), "travelInformationItems[0].places", "TOO_LONG"),
    (_party(contactPersonName="c" * 71), "counterParty.contactPersonName", "TOO_LONG"),
    (
        _party(bccAddresses=["a@x.fi", "b@x.fi", "c@x.fi", "d@x.fi", "e@x.fi"]),
        "counterParty.bccAddresses",
        "TOO_MANY_ITEMS",
    ),
    (_party(bccAddresses=["a" * 250 + "@x.fi.fi"]), "counterParty.bccAddresses[0]", "TOO_LONG"),
    (
        _party(counterPartyAddress={"name": "N", "zip": "0" * 21}),
        "counterParty.counterPartyAddress.zip",
        "TOO_LONG",
    ),
    (_invoice(billingAddress={"city": "c" * 41}), "billingAddress.city", "TOO_LONG"),
    (_invoice(deliveryAddress={"country": "NARNIA"}), "deliveryAddress.country", "INVALID_ENUM_VALUE"),
    (_invoice(invoiceRows=[ROW | {"product": ""}]), "invoiceRows[0].product", "TOO_SHORT"),
    (_invoice(invoiceRows=[ROW | {"unit": "PARSEC"}]), "invoiceRows[0].unit", "INVALID_ENUM_VALUE"),
    (_invoice(invoiceRows=[ROW | {"comment": "c" * 513}]), "invoiceRows[0].comment", "TOO_LONG"),
    (_invoice(invoiceRows=[ROW | {"quantity": "abc"}]), "invoiceRows[0].quantity", "INVALID_DECIMAL"),
    (_invoice(invoiceRows=[ROW | {"unitPrice": Decimal("1e20")}]), "invoiceRows[0].unitPrice", "OUT_OF_RANGE"),
    # Windows-1252 holds the euro sign but no macron: refused at the field, as every wire model does.
    (_invoice(invoiceRows=[ROW | {"product": "Kāpiti"}]), "invoiceRows[0].product", "INVALID_CHARACTERS"),
]


@pytest.mark.parametrize(("body", "field", "code"), REFUSED)
def test_the_models_refuse_what_they_state(body: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        inv.Invoice.model_validate(body)
    assert [(json_path(e["loc"]), validation_code(e["type"])) for e in caught.value.errors()] == [(field, code)]


ACCEPTED = [
    _invoice(discountPercent=100),
    _invoice(discountPercent=Decimal("12.3456")),
    _payment(currencyRate=1_000_000),
    _payment(currencyRate=Decimal("0.000001")),
    _payment(paymentMethod="CASH", bankAccount=None),
    _party(bccAddresses=["a@x.fi", "b@x.fi", "c@x.fi", "d@x.fi"]),
    _invoice(orderReference="R" * 70, notes="n" * 10000),
    _invoice(invoiceRows=[ROW | {"product": "Kahvi 1 €", "quantity": -2}]),  # a credit row, € is in 1252
    _invoice(type="PERIODIC_TAX_RETURN", invoiceRows=[]),  # read back with no rows; writes are the rules'
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_the_models_accept_the_edges(body: dict[str, Any]) -> None:
    inv.Invoice.model_validate(body)


LIFECYCLE_REFUSED = [
    (life.CheckingEvent, {"comment": "c" * 101}, "comment", "TOO_LONG"),
    (life.InvoiceNotes, {"notes": "n" * 10001}, "notes", "TOO_LONG"),
    (
        life.MarkInvoiceAsPaid,
        {"paymentDate": "2026-05-20", "amount": 10, "currency": "EUR", "description": "d" * 141},
        "description",
        "TOO_LONG",
    ),
    (
        life.MarkInvoiceAsPaid,
        {"paymentDate": "2026-05-20", "amount": 10, "currency": "EUR", "paymentMethodType": "CHEQUE"},
        "paymentMethodType",
        "INVALID_ENUM_VALUE",
    ),
    (
        life.MarkInvoiceAsPaid,
        {"paymentDate": "2026-05-20", "amount": 10, "currency": "EURO"},
        "currency",
        "INVALID_ENUM_VALUE",
    ),
    (life.InvoiceIds, {"invoiceIds": [1, "x"]}, "invoiceIds[1]", "INVALID_INTEGER"),
]


@pytest.mark.parametrize(("model", "body", "field", "code"), LIFECYCLE_REFUSED)
def test_lifecycle_bodies_refuse_what_they_state(
    model: type[BaseModel], body: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    assert [(json_path(e["loc"]), validation_code(e["type"])) for e in caught.value.errors()] == [(field, code)]


def test_mark_paid_keeps_the_amount_exact() -> None:
    body = wire.loads(
        b'{"paymentDate": "2026-05-20", "amount": 1490.31, "currency": "EUR", "paymentMethodType": "CASH"}'
    )
    paid = life.MarkInvoiceAsPaid.model_validate(body)
    assert paid.amount == Decimal("1490.31") and paid.payment_method_type is life.PaymentMethodType.CASH


# --- documentation -------------------------------------------------------------------------------

SERVER_ASSIGNED = [
    ("Invoice", "id"),
    ("Invoice", "status"),
    ("Invoice", "invoiceNumber"),
    ("Invoice", "ledgerReceiptId"),
    ("Invoice", "paymentDate"),
    ("Invoice", "invoiceSumInfo"),
    ("Invoice", "creatorId"),
    ("Invoice", "attachments"),
    ("Invoice", "invoiceOperatorInfo"),
    ("Invoice", "sum"),
    ("InvoiceRow", "id"),
    ("PaymentInfo", "newDueDate"),
]


@pytest.mark.parametrize(("name", "field"), SERVER_ASSIGNED)
def test_server_assigned_fields_are_documented_read_only(name: str, field: str) -> None:
    assert field not in json_schema(name).get("required", [])
    assert json_schema(name)["properties"][field]["readOnly"] is True


def test_version_is_not_read_only_because_put_needs_it() -> None:
    assert "readOnly" not in json_schema("Invoice")["properties"]["version"]


def test_the_bounds_are_in_the_document() -> None:
    properties = json_schema("Invoice")["properties"]
    assert (properties["discountPercent"]["minimum"], properties["discountPercent"]["maximum"]) == (0, 100)
    rate = json_schema("PaymentInfo")["properties"]["currencyRate"]
    assert (rate["type"], rate["exclusiveMinimum"], rate["maximum"]) == ("number", 0, 1_000_000)
