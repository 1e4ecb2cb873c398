"""The writes of the customer and supplier registers (§D.4) — create, replace, patch — and of a
partner's defaults (accounts, dimension splits), plus the reads that assemble a full partner.

Invariants:
- the service is the only writer of `business_partners`: the searchable columns (type, name,
  customer number, identifier and its type, active) always equal the stored document, and
  `version` changes on every write (defaults included);
- a request is validated whole — document, groups, accounts — before anything is written, and
  every finding is answered at once;
- the company comes from the caller only; a partner of another company, or of a type the caller
  cannot read, is 404; changing one needs ALL_RIGHTS on its type (and on the new type);
- persons are written through `/persons` only (`USE_PERSONS_ENDPOINT`), default accounts are
  not for persons (`NOT_FOR_PERSONS`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.attachments import repository as attachments
from kirjuri.attachments.models import Attachment
from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.db.counters import next_value
from kirjuri.ledger import accounts, default_splits
from kirjuri.ledger.models import LedgerAccount
from kirjuri.partners import groups, repository, rules
from kirjuri.partners.models import BusinessPartner, PartnerGroup

VersionCheck = Callable[[datetime], None]


def _membership_path(index: int) -> str:
    return f"registryInfo.partnerGroups[{index}].id"


def _split_groups(document: dict[str, Any]) -> tuple[dict[str, Any], list[int | None]]:
    """The document without `registryInfo.partnerGroups`, and the group ids it named."""
    registry = dict(document.get("registryInfo") or {})
    refs = registry.pop("partnerGroups", None) or []
    return {**document, "registryInfo": registry}, [ref.get("id") for ref in refs]


def _validated(
    session: Session, *, company_id: int, document: dict[str, Any], group_ids: Sequence[int | None] | None
) -> tuple[dict[str, Any], list[int] | None]:
    """The stored form of the document and the checked groups (None: keep the memberships)."""
    errors: list[ErrorItem] = []
    stored = document
    try:
        stored = rules.check_partner(document)
    except KirjuriError as error:
        errors.extend(error.items)
    chosen: list[int] | None = None
    if group_ids is not None and document.get("type") in rules.PARTNER_TYPES:
        chosen, found = groups.check_memberships(
            session, company_id=company_id, partner_type=document["type"], group_ids=group_ids, path=_membership_path
        )
        errors.extend(found)
    if errors:
        raise KirjuriError.many(errors)
    return stored, chosen


def _check_type(new_type: Any, writable: Collection[str]) -> None:
    """Persons go through /persons (400); a customer or supplier needs write rights on its type."""
    if new_type == rules.PERSON:
        raise KirjuriError("USE_PERSONS_ENDPOINT", 400, "type")
    if new_type in rules.PARTNER_TYPES:
        rules.require_writable(new_type, writable)


def _apply(row: BusinessPartner, document: dict[str, Any]) -> None:
    invoicing = document.get("invoicingInfo") or {}
    row.type = document["type"]
    row.name = document["name"]
    row.customer_number = invoicing.get("customerNumber")
    row.identifier = invoicing.get("identifier")
    row.identifier_type = invoicing.get("identifierType")
    row.active = document["registryInfo"]["active"]
    row.document = document
    row.version = clock.now()


def _editable(session: Session, *, company_id: int, partner_id: int, readable: Collection[str]) -> BusinessPartner:
    row = repository.get(session, company_id=company_id, partner_id=partner_id, types=readable)
    if row.type == rules.PERSON:
        raise KirjuriError("USE_PERSONS_ENDPOINT", 400, "id")
    return row


def create_partner(
    session: Session, *, company_id: int, document: dict[str, Any], writable: Collection[str]
) -> BusinessPartner:
    """A new customer or supplier from the wire document (see `schemas.document_of`)."""
    _check_type(document.get("type"), writable)
    document, group_ids = _split_groups(document)
    stored, chosen = _validated(session, company_id=company_id, document=document, group_ids=group_ids)
    row = BusinessPartner(company_id=company_id, id=next_value(session, company_id=company_id, name="partner"))
    _apply(row, stored)
    row.created_at = row.version
    session.add(row)
    session.flush()
    groups.set_memberships(session, company_id=company_id, partner_id=row.id, group_ids=chosen or [])
    return row


def replace_partner(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    document: dict[str, Any],
    readable: Collection[str],
    writable: Collection[str],
    check_version: VersionCheck,
) -> BusinessPartner:
    """PUT: the whole partner replaced — fields (and group memberships) left out are cleared. The
    type may move between CUSTOMER and SUPPLIER."""
    row = _editable(session, company_id=company_id, partner_id=partner_id, readable=readable)
    rules.require_writable(row.type, writable)
    check_version(row.version)
    _check_type(document.get("type"), writable)
    document, group_ids = _split_groups(document)
    stored, chosen = _validated(session, company_id=company_id, document=document, group_ids=group_ids)
    _apply(row, stored)
    groups.set_memberships(session, company_id=company_id, partner_id=row.id, group_ids=chosen or [])
    return row


def patch_partner(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    patch: dict[str, Any],
    versions: Sequence[datetime | None],
    readable: Collection[str],
    writable: Collection[str],
    check_version: Callable[[datetime, datetime], None],
    check_if_match: VersionCheck,
) -> BusinessPartner:
    """PATCH: `name`, `type`, `address`, `invoicingInfo` and `paymentInfo` merged into the stored
    partner (see `rules.merge_patch`). A version — in the body or the query — is required, and
    every one given must be the current one."""
    row = _editable(session, company_id=company_id, partner_id=partner_id, readable=readable)
    rules.require_writable(row.type, writable)
    check_if_match(row.version)
    given = [v for v in versions if v is not None]
    if not given:
        raise KirjuriError("VERSION_REQUIRED", 400, "version")
    for version in given:
        check_version(row.version, version)
    merged = rules.merge_patch(row.document, patch)
    _check_type(merged.get("type"), writable)
    stored, _ = _validated(session, company_id=company_id, document=merged, group_ids=None)
    if stored["type"] != row.type:
        member_of = repository.groups_of(session, company_id=company_id, partner_ids=[row.id])[row.id]
        if member_of:
            # The groups are the old register's: moving registers drops them only by a PUT.
            raise KirjuriError("PARTNER_GROUP_TYPE_MISMATCH", 400, "type")
    _apply(row, stored)
    session.flush()
    return row


# --- reads ---------------------------------------------------------------------------------------


def details(
    session: Session, *, company_id: int, rows: Sequence[BusinessPartner]
) -> tuple[dict[int, list[PartnerGroup]], dict[int, list[Attachment]]]:
    """Groups and attachments of the partners (two queries however many partners). A partner's
    files are looked up under every register's owner type: ids are shared by the registers, and a
    partner keeps its files when it moves between customers and suppliers."""
    ids = [row.id for row in rows]
    member_of = repository.groups_of(session, company_id=company_id, partner_ids=ids)
    owners = [(owner, partner_id) for partner_id in ids for owner in rules.ATTACHMENT_OWNERS.values()]
    files: dict[int, list[Attachment]] = {partner_id: [] for partner_id in ids}
    for attachment in attachments.for_owners(session, company_id=company_id, owners=owners):
        files.setdefault(attachment.reference_id, []).append(attachment)
    return member_of, files


# --- default accounts ------------------------------------------------------------------------------


def _not_person(session: Session, *, company_id: int, partner_id: int, readable: Collection[str]) -> BusinessPartner:
    row = repository.get(session, company_id=company_id, partner_id=partner_id, types=readable)
    if row.type == rules.PERSON:
        raise KirjuriError("NOT_FOR_PERSONS", 400, "id")
    return row


def default_accounts(
    session: Session, *, company_id: int, partner_id: int, readable: Collection[str]
) -> tuple[dict[str, Any] | None, dict[str, LedgerAccount]]:
    """The partner's stored default accounts and VAT, and the chart's accounts they name."""
    row = _not_person(session, company_id=company_id, partner_id=partner_id, readable=readable)
    codes = rules.account_codes(row.default_accounts or {}).values()
    return row.default_accounts, accounts.by_codes(session, company_id=company_id, codes=codes)


def set_default_accounts(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    document: dict[str, Any],
    readable: Collection[str],
    writable: Collection[str],
) -> tuple[dict[str, Any] | None, dict[str, LedgerAccount]]:
    """Replace the default accounts and VAT: every account must be an active account of the
    company's chart, the VAT status one of the partner's side, the percentage a rate in force."""
    row = _not_person(session, company_id=company_id, partner_id=partner_id, readable=readable)
    rules.require_writable(row.type, writable)
    errors: list[ErrorItem] = []
    stored: dict[str, Any] = {}
    try:
        stored = rules.check_default_accounts(document, partner_type=row.type, today=clock.now().date())
    except KirjuriError as error:
        errors.extend(error.items)
    named = rules.account_codes(document)
    chart = accounts.by_codes(session, company_id=company_id, codes=named.values())
    for path, code in named.items():
        if code not in chart:
            errors.append(ErrorItem(400, "ACCOUNT_NOT_FOUND", path))
        elif not chart[code].active:
            errors.append(ErrorItem(400, "ACCOUNT_INACTIVE", path))
    if errors:
        raise KirjuriError.many(errors)
    row.default_accounts = stored
    row.version = clock.now()
    session.flush()
    return row.default_accounts, chart


# --- default dimensions ----------------------------------------------------------------------------


def default_dimensions(
    session: Session, *, company_id: int, partner_id: int, readable: Collection[str]
) -> list[default_splits.Split]:
    repository.get(session, company_id=company_id, partner_id=partner_id, types=readable)
    return default_splits.splits_of(
        session, company_id=company_id, owner_kind=default_splits.PARTNER, owner_id=partner_id
    )


def default_dimension(
    session: Session, *, company_id: int, partner_id: int, dimension_id: int, readable: Collection[str]
) -> default_splits.Split:
    repository.get(session, company_id=company_id, partner_id=partner_id, types=readable)
    return default_splits.split_of(
        session,
        company_id=company_id,
        owner_kind=default_splits.PARTNER,
        owner_id=partner_id,
        dimension_id=dimension_id,
    )


def set_default_dimension(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    dimension_id: int,
    items: Sequence[default_splits.WantedItem],
    readable: Collection[str],
    writable: Collection[str],
) -> default_splits.Split:
    """Replace the partner's split of one dimension (persons' too: they share partner ids)."""
    row = repository.get(session, company_id=company_id, partner_id=partner_id, types=readable)
    rules.require_writable(row.type, writable)
    split = default_splits.replace_split(
        session,
        company_id=company_id,
        owner_kind=default_splits.PARTNER,
        owner_id=partner_id,
        dimension_id=dimension_id,
        items=items,
    )
    row.version = clock.now()
    session.flush()
    return split
