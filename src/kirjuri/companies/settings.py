"""Reading the company's settings documents and invoice-circulation verifier lists (service part
of the settings sub-resource).

Invariants: every answer comes from the stored documents of the principal's company (no canned
data); verifiers and acceptors are shown with the names of users who are still members of the
company — a stored entry whose user left the company is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.companies import repository
from kirjuri.core.errors import not_found

# Names of the stored documents (created with the company, see service.DEFAULT_SETTINGS).
USAGE = "usage"
INVOICE_TEMPLATES = "invoice_templates"
DELIVERY_TERMS = "delivery_terms"
EINVOICE = "einvoice"
COLLECTION_PENAL = "collection_penal"
CIRCULATION = "circulation"
# Kirjuri's own document: {"reportingPeriod": MONTH | QUARTER | YEAR}, the company's VAT period
# (kausiveroilmoituksen verokausi). A company without the document reports monthly, the Finnish default.
VAT = "vat"
VAT_PERIODS: tuple[str, ...] = ("MONTH", "QUARTER", "YEAR")
DEFAULT_VAT_PERIOD = "MONTH"


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    order_no: int
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True)
class ResolvedList:
    id: int
    name: str
    verifiers: list[Member]
    acceptors: list[Member]


def document(session: Session, *, company_id: int, name: str) -> dict[str, Any]:
    stored = repository.setting(session, company_id=company_id, name=name)
    if stored is None:
        raise not_found()
    return dict(stored.value)


def vat_period(session: Session, *, company_id: int) -> str:
    """The company's VAT reporting period: MONTH, QUARTER or YEAR (MONTH when never set)."""
    stored = repository.setting(session, company_id=company_id, name=VAT)
    found = (stored.value if stored is not None else {}).get("reportingPeriod")
    return found if found in VAT_PERIODS else DEFAULT_VAT_PERIOD


def default_invoice_template(session: Session, *, company_id: int) -> dict[str, Any]:
    """The contract answers one InvoiceTemplate: the company's first (default) template."""
    templates = document(session, company_id=company_id, name=INVOICE_TEMPLATES).get("templates") or []
    return dict(templates[0]) if templates else {}


def circulation(session: Session, *, company_id: int) -> dict[str, Any]:
    """Circulation settings; verifiers/acceptors (`{userId, orderNo}` stored) get their names."""
    value = document(session, company_id=company_id, name=CIRCULATION)
    entries = [*(value.get("verifiers") or []), *(value.get("acceptors") or [])]
    ids = sorted({int(e["userId"]) for e in entries if e.get("userId") is not None})
    members = repository.members_by_ids(session, company_id=company_id, user_ids=ids)
    for role in ("verifiers", "acceptors"):
        resolved = []
        for entry in value.get(role) or []:
            found = members.get(int(entry.get("userId") or 0))
            if found is None:
                continue
            user = found[0]
            resolved.append(
                {
                    "userId": user.id,
                    "orderNo": entry.get("orderNo"),
                    "firstname": user.first_name,
                    "surname": user.last_name,
                }
            )
        value[role] = sorted(resolved, key=lambda e: (e["orderNo"] is None, e["orderNo"] or 0, e["userId"]))
    return value


def _resolve(session: Session, *, company_id: int, lists: list[Any]) -> list[ResolvedList]:
    rows = repository.verifier_list_members(session, company_id=company_id, list_ids=[vl.id for vl in lists])
    result = {vl.id: ResolvedList(id=vl.id, name=vl.name, verifiers=[], acceptors=[]) for vl in lists}
    for member, user in rows:
        target = result[member.list_id].verifiers if member.role == "VERIFIER" else result[member.list_id].acceptors
        target.append(Member(user.id, member.order_no, user.first_name, user.last_name))
    return list(result.values())


def verifier_lists(session: Session, *, company_id: int) -> list[ResolvedList]:
    return _resolve(session, company_id=company_id, lists=repository.verifier_lists(session, company_id=company_id))


def verifier_list(session: Session, *, company_id: int, list_id: int) -> ResolvedList:
    found = repository.verifier_list(session, company_id=company_id, list_id=list_id)
    if found is None:
        raise not_found("id")
    return _resolve(session, company_id=company_id, lists=[found])[0]
