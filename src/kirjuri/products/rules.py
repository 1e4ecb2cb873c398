"""Pure rules of the product registers: who may read and write which product type, and the checks
of a product and of a partner's default products that need no database.

Invariants:
- a product type is readable and writable only with the rights of `TYPE_RIGHTS`; a product of a
  type the caller cannot read does not exist for them (404; lists leave it out);
- a stored price fits NUMERIC(24, 8): at most 8 decimals (more is refused with
  `TOO_MANY_DECIMALS`, never rounded away) and less than 10^16 in magnitude; a discount is 0–100
  with at most 4 decimals; a VAT percentage is 0 or a Finnish rate that is or was in force;
- a VAT status exists and is allowed on the product's side (SALES → sales statuses, PURCHASE and
  TRAVEL → purchase statuses);
- start and end dates and the bookkeeping account belong to TRAVEL products only, and a start
  never falls after its end; a localization names each language once.

Every check returns all its findings (`ErrorItem`s at wire paths) so that a request is refused
whole, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kirjuri.core import vat
from kirjuri.core.errors import ErrorItem
from kirjuri.core.money import decimal_places

SALES = "SALES"
PURCHASE = "PURCHASE"
TRAVEL = "TRAVEL"
TYPES = (SALES, PURCHASE, TRAVEL)
# `GET /products` and `GET /products/groups` without `type`.
LISTED_BY_DEFAULT = (SALES, PURCHASE)


@dataclass(frozen=True, slots=True)
class TypeRights:
    """`read`: any of these at viewing level; `write`: this one with ALL_RIGHTS."""

    read: tuple[str, ...]
    write: str


# Whoever invoices on a side needs its products (to pick them on rows), so invoicing rights read
# them too; travel products are shared by both registers and by travel invoicing.
TYPE_RIGHTS: dict[str, TypeRights] = {
    SALES: TypeRights(
        read=("sales.productRegister", "sales.salesOrGroupInvoices", "sales.salesInvoiceSearch"),
        write="sales.productRegister",
    ),
    PURCHASE: TypeRights(
        read=("purchases.productRegister", "purchases.purchaseInvoices", "purchases.purchaseInvoiceSearch"),
        write="purchases.productRegister",
    ),
    TRAVEL: TypeRights(
        read=("sales.productRegister", "purchases.productRegister", "travelAndExpenses.travelAndExpenseInvoices"),
        write="purchases.productRegister",
    ),
}
ANY_READ_RIGHT: tuple[str, ...] = tuple(dict.fromkeys(r for t in TYPE_RIGHTS.values() for r in t.read))
ANY_WRITE_RIGHT: tuple[str, ...] = tuple(dict.fromkeys(t.write for t in TYPE_RIGHTS.values()))


def readable_types(can_read: Callable[[str], bool]) -> frozenset[str]:
    """The product types a principal may read; `can_read(right)` answers for viewing level."""
    return frozenset(t for t, rights in TYPE_RIGHTS.items() if any(can_read(r) for r in rights.read))


def writable_types(can_write: Callable[[str], bool]) -> frozenset[str]:
    """The product types a principal may create, change and delete; `can_write(right)` answers
    for ALL_RIGHTS."""
    return frozenset(t for t, rights in TYPE_RIGHTS.items() if can_write(rights.write))


def listed_types(requested: str | None, readable: frozenset[str]) -> tuple[str, ...]:
    """The types a list shows: the one asked for, else SALES and PURCHASE — of those, the readable."""
    wanted = (requested,) if requested else LISTED_BY_DEFAULT
    return tuple(t for t in wanted if t in readable)


# --- partners' default products -------------------------------------------------------------------

# The partner types (the partners area owns them and the rights to each register).
CUSTOMER = "CUSTOMER"
SUPPLIER = "SUPPLIER"
PERSON = "PERSON"

# A customer is sold sales products and a supplier sells purchase products; a person (an
# employee, a private customer) may have any.
DEFAULT_PRODUCT_TYPES: dict[str, frozenset[str]] = {
    CUSTOMER: frozenset({SALES}),
    SUPPLIER: frozenset({PURCHASE}),
    PERSON: frozenset(TYPES),
}
MAX_DEFAULT_PRODUCTS = 500
MAX_VALIDITY_PERIODS = 100


# --- numbers ------------------------------------------------------------------------------------

PRICE_PLACES = 8
PRICE_LIMIT = Decimal(10) ** 16  # NUMERIC(24, 8): 16 digits before the point
PERCENT_PLACES = 4
HUNDRED = Decimal(100)
ZERO = Decimal(0)
VAT_PERCENTAGES: frozenset[Decimal] = frozenset(vat.all_fi_percentages())


def check_price(value: Decimal, path: str) -> list[ErrorItem]:
    """A price or quantity: at most 8 decimals, below 10^16 in magnitude (negative allowed: a
    credit or a deposit refund is a product too)."""
    if abs(value) >= PRICE_LIMIT:
        return [ErrorItem(400, "OUT_OF_RANGE", path)]
    if decimal_places(value) > PRICE_PLACES:
        return [ErrorItem(400, "TOO_MANY_DECIMALS", path)]
    return []


def check_percent(value: Decimal, path: str) -> list[ErrorItem]:
    """A discount: 0–100 with at most 4 decimals."""
    if not ZERO <= value <= HUNDRED:
        return [ErrorItem(400, "OUT_OF_RANGE", path)]
    if decimal_places(value) > PERCENT_PLACES:
        return [ErrorItem(400, "TOO_MANY_DECIMALS", path)]
    return []


def check_vat_percent(value: Decimal, path: str) -> list[ErrorItem]:
    """0 or a Finnish VAT rate that is or was in force (a product has no supply date)."""
    if value not in VAT_PERCENTAGES:
        return [ErrorItem(400, "INVALID_VAT_PERCENTAGE", path)]
    return []


def side_of(product_type: str) -> vat.Side:
    """Travel and expense products are bought: they take purchase VAT statuses."""
    return vat.Side.SALES if product_type == SALES else vat.Side.PURCHASE


def check_vat_status(status: int, product_type: str, path: str) -> list[ErrorItem]:
    known = vat.STATUSES.get(status)
    if known is None or known.treatment(side_of(product_type)) is None:
        return [ErrorItem(400, "INVALID_VAT_STATUS", path)]
    return []


# --- products -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Localization:
    language: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """A product as the client wants it (POST, or the whole of a PUT)."""

    type: str
    name: str
    price: Decimal
    discount: Decimal
    currency: str
    active: bool = True
    code: str | None = None
    unit: str | None = None
    vat: Decimal | None = None
    vat_status: int | None = None
    default_account: str | None = None
    group_id: int | None = None
    localizations: tuple[Localization, ...] = ()
    start_date: date | None = None
    end_date: date | None = None
    bookkeeping_account: str | None = None

    @property
    def accounts(self) -> dict[str, str]:
        """{wire field: account code} of the accounts the product names."""
        named = (("defaultAccount", self.default_account), ("bookkeepingAccount", self.bookkeeping_account))
        return {path: code for path, code in named if code is not None}


TRAVEL_ONLY = ("startDate", "endDate", "bookkeepingAccount")


def check_product(draft: ProductDraft) -> list[ErrorItem]:
    """Everything about a product that needs no database."""
    errors: list[ErrorItem] = []
    if not draft.name.strip():
        errors.append(ErrorItem(400, "REQUIRED", "name"))
    errors += check_price(draft.price, "price")
    errors += check_percent(draft.discount, "discount")
    if draft.vat is not None:
        errors += check_vat_percent(draft.vat, "vat")
    if draft.vat_status is not None:
        errors += check_vat_status(draft.vat_status, draft.type, "vatStatus")
    errors += check_localizations(draft.localizations)
    errors += check_travel_fields(draft)
    return errors


def check_localizations(localizations: Sequence[Localization]) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    seen: set[str] = set()
    for i, localization in enumerate(localizations):
        path = f"productLocalizations[{i}]"
        if localization.language is None:
            errors.append(ErrorItem(400, "REQUIRED", f"{path}.language"))
        elif localization.language in seen:
            errors.append(ErrorItem(400, "DUPLICATE_LANGUAGE", f"{path}.language"))
        else:
            seen.add(localization.language)
        if not (localization.name or "").strip():
            errors.append(ErrorItem(400, "REQUIRED", f"{path}.productName"))
    return errors


def check_travel_fields(draft: ProductDraft) -> list[ErrorItem]:
    values = (draft.start_date, draft.end_date, draft.bookkeeping_account)
    if draft.type != TRAVEL:
        return [
            ErrorItem(400, "ONLY_FOR_TRAVEL_PRODUCTS", path)
            for path, value in zip(TRAVEL_ONLY, values, strict=True)
            if value is not None
        ]
    if draft.start_date and draft.end_date and draft.start_date > draft.end_date:
        return [ErrorItem(400, "START_DATE_AFTER_END_DATE", "startDate")]
    return []


# --- partners' default products --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class DefaultProductDraft:
    """One default product of a partner as the client wants it; `id` keeps an existing entry's id."""

    product_id: int | None
    id: int | None = None
    use_special_discount: bool | None = None
    special_discount_percentage: Decimal | None = None
    use_special_price: bool | None = None
    special_price: Decimal | None = None
    use_special_vat: bool | None = None
    special_vat_percentage: Decimal | None = None
    amount: Decimal | None = None
    comment: str | None = None
    periods: tuple[Period, ...] = field(default_factory=tuple)


def check_default_products(drafts: Sequence[DefaultProductDraft]) -> list[ErrorItem]:
    """A partner's whole list: each product once, numbers in range, a value behind every `use…`
    flag, validity periods that start no later than they end."""
    if len(drafts) > MAX_DEFAULT_PRODUCTS:
        return [ErrorItem(400, "TOO_MANY_ITEMS", None)]
    errors: list[ErrorItem] = []
    seen: set[int] = set()
    for i, draft in enumerate(drafts):
        path = f"[{i}]"
        if draft.product_id is None:
            errors.append(ErrorItem(400, "REQUIRED", f"{path}.productInfo.id"))
        elif draft.product_id in seen:
            errors.append(ErrorItem(400, "DUPLICATE_PRODUCT", f"{path}.productInfo.id"))
        else:
            seen.add(draft.product_id)
        errors += _check_settings(draft, f"{path}.defaultSettings")
        if len(draft.periods) > MAX_VALIDITY_PERIODS:
            errors.append(ErrorItem(400, "TOO_MANY_ITEMS", f"{path}.validityPeriods"))
        for j, period in enumerate(draft.periods):
            if period.start_date and period.end_date and period.start_date > period.end_date:
                errors.append(ErrorItem(400, "START_DATE_AFTER_END_DATE", f"{path}.validityPeriods[{j}].startDate"))
    return errors


def _check_settings(draft: DefaultProductDraft, path: str) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    checks: tuple[tuple[bool | None, Decimal | None, str, Callable[[Decimal, str], list[ErrorItem]]], ...] = (
        (draft.use_special_discount, draft.special_discount_percentage, "specialDiscountPercentage", check_percent),
        (draft.use_special_price, draft.special_price, "specialPrice", check_price),
        (draft.use_special_vat, draft.special_vat_percentage, "specialVatPercentage", check_vat_percent),
    )
    for used, value, name, check in checks:
        if value is not None:
            errors += check(value, f"{path}.{name}")
        elif used:
            errors.append(ErrorItem(400, "REQUIRED", f"{path}.{name}"))
    if draft.amount is not None:
        errors += check_price(draft.amount, f"{path}.amount")
    return errors
