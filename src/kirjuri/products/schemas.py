"""Wire models of the product registers (§D.19) and of partners' default products, with the
conversions between them, the stored rows and the rules' drafts.

Invariants: contract names and fields exactly as in Procountor 26.04 (camelCase through
`WireModel`), plus one documented addition: `ProductSearchResult.products`, a deprecated alias
of `results` kept for clients written before 20.x (the PyPI `procountor` 2.4.0 client reads
`content['products']`). Decimals go out through `money.plain` (no trailing zeros, no exponent);
`productLocalizations` is shown on reads only when asked for (`includeLocalizations=true`), and
always in the answers to POST and PUT (the product as written) and in a partner's default
products (their `productInfo` is the full product). A price is refused (`TOO_MANY_DECIMALS`) rather
than rounded when it has more than 8 decimals, the scale it is stored with.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from kirjuri.api.schemas import Currency, Decimal2, Int32, Int64, Language, SearchResult, Unit, WireModel
from kirjuri.core.money import plain
from kirjuri.products import rules
from kirjuri.products.models import DefaultProduct as DefaultProductRow
from kirjuri.products.models import Product as ProductRow
from kirjuri.products.models import ProductGroup as ProductGroupRow


class ProductType(StrEnum):
    PURCHASE = "PURCHASE"
    SALES = "SALES"
    TRAVEL = "TRAVEL"


Account = Annotated[str, Field(max_length=12)]
Notes = Annotated[str, Field(max_length=1000)]


def _decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else plain(value)


def _blank_is_none(value: str | None) -> str | None:
    # Clients clear an optional code or account with "" as often as with null.
    return value if value else None


# --- products -------------------------------------------------------------------------------------


class ProductLocalization(WireModel):
    language: Language | None = None
    product_name: Annotated[str, Field(max_length=100)] | None = None


class Product(WireModel):
    id: Int64 | None = None
    type: ProductType
    name: Annotated[str, Field(min_length=1, max_length=100)]
    code: Annotated[str, Field(max_length=40)] | None = None
    unit: Unit | None = None
    discount: Annotated[Decimal2, Field(json_schema_extra={"minimum": 0, "maximum": 100})]
    price: Annotated[Decimal2, Field(description="At most 8 decimals (more is refused, never rounded).")]
    vat: Annotated[Decimal2, Field(description="0 or a Finnish VAT rate that is or was in force.")] | None = None
    active: bool
    default_account: Account | None = None
    vat_status: Int32 | None = None
    currency: Currency
    product_localizations: Annotated[list[ProductLocalization], Field(max_length=20)] | None = None
    product_group_id: Int32 | None = None
    start_date: date | None = None
    end_date: date | None = None
    bookkeeping_account: Account | None = None
    version: datetime | None = None

    def draft(self) -> rules.ProductDraft:
        return rules.ProductDraft(
            type=self.type.value,
            name=self.name,
            code=_blank_is_none(self.code),
            unit=self.unit.value if self.unit else None,
            price=self.price,
            discount=self.discount,
            vat=self.vat,
            vat_status=self.vat_status,
            active=self.active,
            default_account=_blank_is_none(self.default_account),
            currency=self.currency.value,
            group_id=self.product_group_id,
            localizations=tuple(
                rules.Localization(loc.language.value if loc.language else None, loc.product_name)
                for loc in self.product_localizations or ()
            ),
            start_date=self.start_date,
            end_date=self.end_date,
            bookkeeping_account=_blank_is_none(self.bookkeeping_account),
        )

    @classmethod
    def of(cls, product: ProductRow, *, include_localizations: bool = False) -> Product:
        return cls(
            id=product.id,
            type=ProductType(product.type),
            name=product.name,
            code=product.code,
            unit=product.unit,
            discount=plain(product.discount),
            price=plain(product.price),
            vat=_decimal(product.vat),
            active=product.active,
            default_account=product.default_account,
            vat_status=product.vat_status,
            currency=product.currency,
            product_localizations=(
                [ProductLocalization.model_validate(loc) for loc in product.localizations or []]
                if include_localizations
                else None
            ),
            product_group_id=product.group_id,
            start_date=product.start_date,
            end_date=product.end_date,
            bookkeeping_account=product.bookkeeping_account,
            version=product.version,
        )


class ProductBasicInfo(WireModel):
    """A product as invoice rows and bank allocations name it."""

    product_id: Int64 | None = None
    name: str | None = None
    code: str | None = None
    default_account: str | None = None
    price: Decimal2 | None = None
    currency: str | None = None
    unit: Unit | None = None

    @classmethod
    def of(cls, product: ProductRow) -> ProductBasicInfo:
        return cls(
            product_id=product.id,
            name=product.name,
            code=product.code,
            default_account=product.default_account,
            price=plain(product.price),
            currency=product.currency,
            unit=product.unit,
        )


class ProductSearchResult(SearchResult[Product]):
    products: Annotated[
        list[Product] | None,
        Field(
            description=(
                "Deprecated: the same list as `results`, kept for clients written against the "
                "pre-20.x shape `{products: [...]}` (e.g. the PyPI `procountor` client)."
            ),
            json_schema_extra={"deprecated": True},
        ),
    ] = None


# --- product groups -------------------------------------------------------------------------------


class ProductGroup(WireModel):
    id: Int32 | None = None
    name: Annotated[str, Field(min_length=1, max_length=80)]
    type: Annotated[ProductType, Field(description="Required when creating a group; never changes.")] | None = None

    @classmethod
    def of(cls, group: ProductGroupRow) -> ProductGroup:
        return cls(id=group.id, name=group.name, type=ProductType(group.type))


class ProductGroups(WireModel):
    product_groups: list[ProductGroup] = Field(default_factory=list)


# --- partners' default products ---------------------------------------------------------------------


class DefaultProductSettings(WireModel):
    use_special_discount: bool | None = None
    special_discount_percentage: Annotated[Decimal2, Field(json_schema_extra={"minimum": 0, "maximum": 100})] | None = (
        None
    )
    use_special_price: bool | None = None
    special_price: Decimal2 | None = None
    use_special_vat: bool | None = None
    special_vat_percentage: Decimal2 | None = None
    amount: Decimal2 | None = None
    comment: Notes | None = None


class ProductValidityPeriod(WireModel):
    start_date: date | None = None
    end_date: date | None = None
    notes: Notes | None = None


_SETTINGS_DECIMALS = ("special_discount_percentage", "special_price", "special_vat_percentage", "amount")


class DefaultProduct(WireModel):
    id: Int32 | None = None
    product_info: Product | None = None
    default_settings: DefaultProductSettings | None = None
    validity_periods: list[ProductValidityPeriod] | None = None

    @classmethod
    def of(cls, row: DefaultProductRow, product: ProductRow) -> DefaultProduct:
        stored = DefaultProductSettings.model_validate(row.settings or {})
        settings = stored.model_copy(update={name: _decimal(getattr(stored, name)) for name in _SETTINGS_DECIMALS})
        return cls(
            id=row.id,
            product_info=Product.of(product, include_localizations=True),
            default_settings=settings,
            validity_periods=[ProductValidityPeriod.model_validate(p) for p in row.validity_periods or []],
        )


class KirjuriProductReference(WireModel):
    """The product of a default product: only `id` is read (a full Product may be sent back as read)."""

    id: Int64 | None = None


class KirjuriDefaultProduct(WireModel):
    """One entry of `PUT /api/kirjuri/{businesspartners|persons}/{id}/defaults/products`: a
    `DefaultProduct` whose `productInfo` needs only `id`; an `id` of the partner's existing entry
    keeps that id, any other gets a new one."""

    id: Int32 | None = None
    product_info: KirjuriProductReference | None = None
    default_settings: DefaultProductSettings | None = None
    validity_periods: list[ProductValidityPeriod] | None = None

    def draft(self) -> rules.DefaultProductDraft:
        settings = self.default_settings or DefaultProductSettings()
        return rules.DefaultProductDraft(
            id=self.id,
            product_id=self.product_info.id if self.product_info else None,
            use_special_discount=settings.use_special_discount,
            special_discount_percentage=settings.special_discount_percentage,
            use_special_price=settings.use_special_price,
            special_price=settings.special_price,
            use_special_vat=settings.use_special_vat,
            special_vat_percentage=settings.special_vat_percentage,
            amount=settings.amount,
            comment=settings.comment,
            periods=tuple(rules.Period(p.start_date, p.end_date, p.notes) for p in self.validity_periods or ()),
        )
