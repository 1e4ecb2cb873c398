"""Default dimension splits of partners, persons and products (`…/defaults/dimensions`).

Invariants: a split names items of one dimension of the same company, each once, each with a
percentage above 0 and at most 100 with at most four decimals, and the percentages add up to
exactly 100; an empty item list removes the split. Replacing a split replaces all its items in
one write. Owners are identified by kind (`PARTNER`: customers, suppliers and persons share ids;
`PRODUCT`) and id; the owning area checks that the owner exists before calling in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.ledger.models import DefaultSplit, Dimension, DimensionItem

PARTNER = "PARTNER"
PRODUCT = "PRODUCT"
HUNDRED = Decimal(100)
_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class SplitItem:
    item: DimensionItem
    percent: Decimal


@dataclass(frozen=True, slots=True)
class Split:
    dimension: Dimension
    items: list[SplitItem]


@dataclass(frozen=True, slots=True)
class WantedItem:
    """One item of a requested split: by id, or by code name when no id is given."""

    item_id: int | None
    code_name: str | None
    percent: Decimal


def splits_of(session: Session, *, company_id: int, owner_kind: str, owner_id: int) -> list[Split]:
    """Every default split of the owner, by dimension id, items by id."""
    rows = session.execute(
        select(DefaultSplit, DimensionItem, Dimension)
        .join(
            DimensionItem,
            (DimensionItem.company_id == DefaultSplit.company_id) & (DimensionItem.id == DefaultSplit.item_id),
        )
        .join(
            Dimension, (Dimension.company_id == DefaultSplit.company_id) & (Dimension.id == DefaultSplit.dimension_id)
        )
        .where(
            DefaultSplit.company_id == company_id,
            DefaultSplit.owner_kind == owner_kind,
            DefaultSplit.owner_id == owner_id,
        )
        .order_by(DefaultSplit.dimension_id, DefaultSplit.item_id)
    ).all()
    found: dict[int, Split] = {}
    for split, item, dimension in rows:
        found.setdefault(dimension.id, Split(dimension, [])).items.append(SplitItem(item, split.percent))
    return list(found.values())


def shares_of_owners(
    session: Session, *, company_id: int, owners: Collection[tuple[str, int]]
) -> dict[tuple[str, int], list[tuple[int, int, Decimal]]]:
    """{(owner kind, owner id): [(dimension id, item id, percent)]} of several owners, in one query
    (owners without a split are absent)."""
    found: dict[tuple[str, int], list[tuple[int, int, Decimal]]] = {}
    wanted = set(owners)
    if not wanted:
        return found
    rows = session.scalars(
        select(DefaultSplit)
        .where(
            DefaultSplit.company_id == company_id,
            or_(
                *(
                    (DefaultSplit.owner_kind == kind)
                    & DefaultSplit.owner_id.in_(sorted({i for k, i in wanted if k == kind}))
                    for kind in sorted({k for k, _i in wanted})
                )
            ),
        )
        .order_by(DefaultSplit.owner_kind, DefaultSplit.owner_id, DefaultSplit.dimension_id, DefaultSplit.item_id)
    )
    for row in rows:
        found.setdefault((row.owner_kind, row.owner_id), []).append((row.dimension_id, row.item_id, row.percent))
    return found


def split_of(session: Session, *, company_id: int, owner_kind: str, owner_id: int, dimension_id: int) -> Split:
    """The owner's split of one dimension; a dimension without a split has no items (404 if the
    dimension itself does not exist)."""
    dimension = session.get(Dimension, (company_id, dimension_id))
    if dimension is None:
        raise not_found("dimensionId")
    for split in splits_of(session, company_id=company_id, owner_kind=owner_kind, owner_id=owner_id):
        if split.dimension.id == dimension_id:
            return split
    return Split(dimension, [])


def replace_split(
    session: Session,
    *,
    company_id: int,
    owner_kind: str,
    owner_id: int,
    dimension_id: int,
    items: Sequence[WantedItem],
) -> Split:
    """Replace the owner's split of one dimension with `items` (validated as a whole first)."""
    dimension = session.get(Dimension, (company_id, dimension_id))
    if dimension is None:
        raise not_found("dimensionId")
    known = list(
        session.scalars(
            select(DimensionItem).where(
                DimensionItem.company_id == company_id, DimensionItem.dimension_id == dimension_id
            )
        )
    )
    chosen = _resolve(known, items)
    session.execute(
        delete(DefaultSplit).where(
            DefaultSplit.company_id == company_id,
            DefaultSplit.owner_kind == owner_kind,
            DefaultSplit.owner_id == owner_id,
            DefaultSplit.dimension_id == dimension_id,
        )
    )
    session.add_all(
        DefaultSplit(
            company_id=company_id,
            owner_kind=owner_kind,
            owner_id=owner_id,
            dimension_id=dimension_id,
            item_id=chosen_item.item.id,
            percent=chosen_item.percent,
        )
        for chosen_item in chosen
    )
    session.flush()
    return Split(dimension, sorted(chosen, key=lambda s: s.item.id))


def remove_owner(session: Session, *, company_id: int, owner_kind: str, owner_id: int) -> None:
    """Forget every split of a deleted owner."""
    session.execute(
        delete(DefaultSplit).where(
            DefaultSplit.company_id == company_id,
            DefaultSplit.owner_kind == owner_kind,
            DefaultSplit.owner_id == owner_id,
        )
    )


def _resolve(known: Sequence[DimensionItem], wanted: Sequence[WantedItem]) -> list[SplitItem]:
    by_id = {item.id: item for item in known}
    by_code = {item.code_name: item for item in known}
    chosen: list[SplitItem] = []
    seen: set[int] = set()
    for index, want in enumerate(wanted):
        field = f"items[{index}]"
        item = by_id.get(want.item_id) if want.item_id is not None else by_code.get(want.code_name or "")
        if item is None:
            raise KirjuriError("DIMENSION_ITEM_NOT_FOUND", 400, f"{field}.{'id' if want.item_id else 'codeName'}")
        if not item.active:
            raise KirjuriError("DIMENSION_ITEM_INACTIVE", 400, f"{field}.codeName")
        if item.id in seen:
            raise KirjuriError("DUPLICATE_DIMENSION_ITEM", 400, f"{field}.codeName")
        if not Decimal(0) < want.percent <= HUNDRED or want.percent != want.percent.quantize(_PLACES):
            raise KirjuriError("INVALID_DIMENSION_PERCENT", 400, f"{field}.percent")
        seen.add(item.id)
        chosen.append(SplitItem(item, want.percent))
    if chosen and sum((c.percent for c in chosen), Decimal(0)) != HUNDRED:
        raise KirjuriError("DIMENSION_PERCENTS_NOT_100", 400, "items")
    return chosen
