"""The verbs of the product registers: create, replace and delete products and product groups, and
set a product's default dimension splits. The only writers of `products` and `product_groups`.

Invariants:
- a request is validated whole (rules first, then the references: chart accounts, the group of
  the same type) before anything is written — never a partial write;
- a product's and a group's type never change; TRAVEL products and groups are never deleted;
- a product named by a partner's default products, and a group with products, are not deleted:
  409 with the ids of what refers to them in the message;
- deleting a product also deletes its default dimension splits;
- `version` changes on every write; a stale `version` or `If-Match` refuses the write (the
  router's `check_version` callback);
- the caller passes the types it may read (`readable`: others are 404) and write (`writable`:
  others are 403 once found).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError, forbidden
from kirjuri.db.counters import next_value
from kirjuri.ledger import accounts, default_splits
from kirjuri.products import repository, rules
from kirjuri.products.models import Product, ProductGroup

VersionCheck = Callable[[datetime], None]
# How many referring ids a 409 message names before it only counts the rest.
MAX_NAMED_IDS = 50


def in_use(code: str, what: str, ids: Sequence[int]) -> KirjuriError:
    """409 `code`, naming (the first `MAX_NAMED_IDS` of) the referring ids: `PRODUCT_IN_USE:
    partners 3, 7`."""
    named = ", ".join(str(i) for i in ids[:MAX_NAMED_IDS])
    rest = len(ids) - MAX_NAMED_IDS
    return KirjuriError(f"{code}: {what} {named}{f' and {rest} more' if rest > 0 else ''}", 409)


def _may_write(product_type: str, writable: Collection[str]) -> None:
    if product_type not in writable:
        raise forbidden("INSUFFICIENT_RIGHTS")


# --- products -------------------------------------------------------------------------------------


def _check_references(session: Session, *, company_id: int, draft: rules.ProductDraft) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    named = draft.accounts
    if named:
        chart = accounts.by_codes(session, company_id=company_id, codes=named.values())
        errors += [ErrorItem(400, "ACCOUNT_NOT_FOUND", path) for path, code in named.items() if code not in chart]
    if draft.group_id is not None:
        group = repository.find_group(session, company_id=company_id, group_id=draft.group_id)
        if group is None:
            errors.append(ErrorItem(400, "PRODUCT_GROUP_NOT_FOUND", "productGroupId"))
        elif group.type != draft.type:
            errors.append(ErrorItem(400, "PRODUCT_GROUP_TYPE_MISMATCH", "productGroupId"))
    return errors


def _validate(session: Session, *, company_id: int, draft: rules.ProductDraft) -> None:
    errors = rules.check_product(draft)
    errors += _check_references(session, company_id=company_id, draft=draft)
    if errors:
        raise KirjuriError.many(errors)


def _apply(product: Product, draft: rules.ProductDraft) -> None:
    product.type = draft.type
    product.name = draft.name
    product.code = draft.code
    product.unit = draft.unit
    product.price = draft.price
    product.discount = draft.discount
    product.vat = draft.vat
    product.vat_status = draft.vat_status
    product.active = draft.active
    product.default_account = draft.default_account
    product.currency = draft.currency
    product.group_id = draft.group_id
    # Stored under the wire names, so that reading them back is a plain validation.
    product.localizations = [{"language": loc.language, "productName": loc.name} for loc in draft.localizations]
    product.start_date = draft.start_date
    product.end_date = draft.end_date
    product.bookkeeping_account = draft.bookkeeping_account
    product.version = clock.now()


def create_product(
    session: Session, *, company_id: int, draft: rules.ProductDraft, writable: Collection[str] = rules.TYPES
) -> Product:
    """A new product with the next id of the company."""
    _may_write(draft.type, writable)
    _validate(session, company_id=company_id, draft=draft)
    product = Product(company_id=company_id, id=next_value(session, company_id=company_id, name="product"))
    _apply(product, draft)
    product.created_at = product.version
    session.add(product)
    session.flush()
    return product


def replace_product(
    session: Session,
    *,
    company_id: int,
    product_id: int,
    draft: rules.ProductDraft,
    readable: Collection[str] = rules.TYPES,
    writable: Collection[str] = rules.TYPES,
    check_version: VersionCheck | None = None,
) -> Product:
    """Replace every field of a product (PUT); its type stays what it was."""
    product = repository.get(session, company_id=company_id, product_id=product_id, types=readable, for_update=True)
    _may_write(product.type, writable)
    if check_version is not None:
        check_version(product.version)
    if draft.type != product.type:
        raise KirjuriError("PRODUCT_TYPE_CANNOT_BE_CHANGED", 400, "type")
    _validate(session, company_id=company_id, draft=draft)
    _apply(product, draft)
    session.flush()
    return product


def delete_product(
    session: Session,
    *,
    company_id: int,
    product_id: int,
    readable: Collection[str] = rules.TYPES,
    writable: Collection[str] = rules.TYPES,
    check_version: VersionCheck | None = None,
) -> None:
    """Delete a product and its default dimension splits."""
    product = repository.get(session, company_id=company_id, product_id=product_id, types=readable, for_update=True)
    _may_write(product.type, writable)
    if check_version is not None:
        check_version(product.version)
    if product.type == rules.TRAVEL:
        raise KirjuriError("TRAVEL_PRODUCT_CANNOT_BE_DELETED", 400, "productId")
    partners = repository.partner_ids_using(session, company_id=company_id, product_id=product.id)
    if partners:
        raise in_use("PRODUCT_IN_USE", "partners", partners)
    default_splits.remove_owner(session, company_id=company_id, owner_kind=default_splits.PRODUCT, owner_id=product.id)
    session.delete(product)
    session.flush()


# --- product groups -------------------------------------------------------------------------------


def _group_name(name: str) -> str:
    if not name.strip():
        raise KirjuriError("REQUIRED", 400, "name")
    return name


def create_group(
    session: Session,
    *,
    company_id: int,
    name: str,
    group_type: str | None,
    writable: Collection[str] = rules.TYPES,
) -> ProductGroup:
    """A new group of one type (required: groups of the three registers never mix)."""
    if group_type is None:
        raise KirjuriError("REQUIRED", 400, "type")
    _may_write(group_type, writable)
    group = ProductGroup(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="product_group"),
        name=_group_name(name),
        type=group_type,
        version=clock.now(),
    )
    session.add(group)
    session.flush()
    return group


def rename_group(
    session: Session,
    *,
    company_id: int,
    group_id: int,
    name: str,
    group_type: str | None = None,
    readable: Collection[str] = rules.TYPES,
    writable: Collection[str] = rules.TYPES,
    check_version: VersionCheck | None = None,
) -> ProductGroup:
    """Rename a group; a `type` given must be the group's own."""
    group = repository.get_group(session, company_id=company_id, group_id=group_id, types=readable, for_update=True)
    _may_write(group.type, writable)
    if check_version is not None:
        check_version(group.version)
    if group_type is not None and group_type != group.type:
        raise KirjuriError("PRODUCT_GROUP_TYPE_CANNOT_BE_CHANGED", 400, "type")
    group.name = _group_name(name)
    group.version = clock.now()
    session.flush()
    return group


def delete_group(
    session: Session,
    *,
    company_id: int,
    group_id: int,
    readable: Collection[str] = rules.TYPES,
    writable: Collection[str] = rules.TYPES,
    check_version: VersionCheck | None = None,
) -> None:
    group = repository.get_group(session, company_id=company_id, group_id=group_id, types=readable, for_update=True)
    _may_write(group.type, writable)
    if check_version is not None:
        check_version(group.version)
    if group.type == rules.TRAVEL:
        raise KirjuriError("TRAVEL_PRODUCT_GROUP_CANNOT_BE_DELETED", 400, "groupId")
    products = repository.product_ids_in_group(session, company_id=company_id, group_id=group.id)
    if products:
        raise in_use("PRODUCT_GROUP_IN_USE", "products", products)
    session.delete(group)
    session.flush()


# --- default dimension splits -------------------------------------------------------------------------


def product_splits(
    session: Session, *, company_id: int, product_id: int, readable: Collection[str] = rules.TYPES
) -> list[default_splits.Split]:
    product = repository.get(session, company_id=company_id, product_id=product_id, types=readable)
    return default_splits.splits_of(
        session, company_id=company_id, owner_kind=default_splits.PRODUCT, owner_id=product.id
    )


def product_split(
    session: Session, *, company_id: int, product_id: int, dimension_id: int, readable: Collection[str] = rules.TYPES
) -> default_splits.Split:
    product = repository.get(session, company_id=company_id, product_id=product_id, types=readable)
    return default_splits.split_of(
        session,
        company_id=company_id,
        owner_kind=default_splits.PRODUCT,
        owner_id=product.id,
        dimension_id=dimension_id,
    )


def replace_product_split(
    session: Session,
    *,
    company_id: int,
    product_id: int,
    dimension_id: int,
    items: Sequence[default_splits.WantedItem],
    readable: Collection[str] = rules.TYPES,
    writable: Collection[str] = rules.TYPES,
) -> default_splits.Split:
    """Replace the product's split of one dimension (an empty list removes it)."""
    product = repository.get(session, company_id=company_id, product_id=product_id, types=readable)
    _may_write(product.type, writable)
    return default_splits.replace_split(
        session,
        company_id=company_id,
        owner_kind=default_splits.PRODUCT,
        owner_id=product.id,
        dimension_id=dimension_id,
        items=items,
    )
