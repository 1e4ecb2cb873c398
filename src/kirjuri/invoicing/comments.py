"""Discussion comments of an invoice (§D.13: `/invoices/{id}/comments`): posting, tagging users,
reading and marking read.

Invariants:
- comments exist for purchase, travel and expense invoices only, in a company whose invoice
  discussion is on (`Company.invoice_discussion_enabled` and the circulation setting
  `allowInvoiceSpecificDiscussion`); anything else is 403 `COMMENTS_NOT_AVAILABLE`;
- a comment is never changed after it is posted; only its tags' read times are set, once each,
  by the tagged user themself (403 `USER_NOT_TAGGED` for anyone else);
- a user can be tagged only while they are a member of the company who may read invoices of the
  invoice's type (`access.READ_RIGHTS`): the taggable users.

Decisions (the contract: "users are tagged by their generated displayName"):
- A user's `displayName` is "firstName lastName"; when two taggable users share one, each gets
  their user id appended — "Matti Virtanen (12)" — so every display name tags one user.
  `fullName` is always "firstName lastName".
- Tags are read from the comment's text: `@` followed by a display name (case-insensitive) that
  does not run on into a letter or digit; at each `@` the longest display name that fits wins
  ("@Anna Lisa" tags Anna Lisa, not Anna). Text that tags nobody is just text. A user tagged twice
  counts once.
- `taggedUsers[].userTagId` is the tagged user's id (a tag has no id of its own); `read` is when
  they marked the comment read. `readByAllTaggedUsers` is true when every tagged user has read the
  comment — also when nobody is tagged (nothing is waiting) — and the GET filter of that name
  compares with it.
- The text is required (400 `REQUIRED` at `comment` when empty or blank) and at most 10 000
  characters (400 `TOO_LONG`, like the notes). Comments are discussion, not accounting: they are
  allowed in any status and period, need only the right to read the invoice, and do not change
  the invoice's `version`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies_repository
from kirjuri.companies import rules as rights_rules
from kirjuri.companies.models import CompanyUser, User
from kirjuri.companies.settings import CIRCULATION
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.db.counters import next_value
from kirjuri.invoicing import access, events
from kirjuri.invoicing.lifecycle_schemas import (
    Comment,
    CommentWithTaggedUsers,
    TaggableUser,
    TaggedUser,
    TaggedUsersInfo,
)
from kirjuri.invoicing.models import CommentTag, Invoice, InvoiceComment
from kirjuri.invoicing.transitions import BILL_OF_CHARGES, PURCHASE_INVOICE, TRAVEL_INVOICE

COMMENTED_TYPES: tuple[str, ...] = (PURCHASE_INVOICE, TRAVEL_INVOICE, BILL_OF_CHARGES)
MAX_LENGTH = 10_000


@dataclass(frozen=True, slots=True)
class Person:
    """A taggable (or tagged) user as comments show them."""

    user_id: int
    display_name: str
    full_name: str


@dataclass(frozen=True, slots=True)
class Posted:
    """A comment and its tags (with who is tagged)."""

    comment: InvoiceComment
    tags: list[tuple[CommentTag, Person]]


def _full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.username


def check_available(session: Session, *, invoice: Invoice) -> None:
    """403 `COMMENTS_NOT_AVAILABLE` unless the invoice's type has discussions and the company has
    them switched on."""
    if invoice.type not in COMMENTED_TYPES:
        raise KirjuriError("COMMENTS_NOT_AVAILABLE", 403)
    company = companies_repository.company(session, invoice.company_id)
    setting = companies_repository.setting(session, company_id=invoice.company_id, name=CIRCULATION)
    allowed = (setting.value if setting is not None else {}).get("allowInvoiceSpecificDiscussion") is not False
    if company is None or not company.invoice_discussion_enabled or not allowed:
        raise KirjuriError("COMMENTS_NOT_AVAILABLE", 403)


def taggable_users(session: Session, *, invoice: Invoice) -> list[Person]:
    """The members who may read invoices of the type, by name (namesakes by user id)."""
    readers = access.READ_RIGHTS[invoice.type]
    members = [
        user
        for user, rights in session.execute(
            select(User, CompanyUser.rights)
            .join(CompanyUser, CompanyUser.user_id == User.id)
            .where(CompanyUser.company_id == invoice.company_id)
        ).all()
        if rights_rules.allows_any(rights or {}, readers)
    ]
    counts = Counter(_full_name(u).casefold() for u in members)
    people = [
        Person(
            user_id=u.id,
            display_name=_full_name(u) if counts[_full_name(u).casefold()] == 1 else f"{_full_name(u)} ({u.id})",
            full_name=_full_name(u),
        )
        for u in members
    ]
    return sorted(people, key=lambda p: (p.full_name.casefold(), p.user_id))


def parse_tags(text: str, people: Sequence[Person]) -> list[int]:
    """The ids of the users `text` tags (`@Display Name`), in order of first appearance."""
    by_length = sorted(people, key=lambda p: -len(p.display_name))
    found: list[int] = []
    for at in re.finditer("@", text):
        start = at.end()
        for person in by_length:
            name = person.display_name
            candidate = text[start : start + len(name)]
            after = text[start + len(name) : start + len(name) + 1]
            if candidate.casefold() == name.casefold() and not (after.isalnum() or after == "_"):
                if person.user_id not in found:
                    found.append(person.user_id)
                break
    return found


def add_comment(session: Session, *, invoice: Invoice, user_id: int, text: str) -> Posted:
    """`POST /invoices/{id}/comments`: a new comment with the users its text tags."""
    check_available(session, invoice=invoice)
    if not text.strip():
        raise KirjuriError("REQUIRED", 400, "comment")
    if len(text) > MAX_LENGTH:
        raise KirjuriError("TOO_LONG", 400, "comment")
    people = {p.user_id: p for p in taggable_users(session, invoice=invoice)}
    tagged = parse_tags(text, list(people.values()))
    comment = InvoiceComment(
        company_id=invoice.company_id,
        id=next_value(session, company_id=invoice.company_id, name="invoice_comment"),
        invoice_id=invoice.id,
        user_id=user_id,
        author=events.actor_name(session, company_id=invoice.company_id, user_id=user_id),
        comment=text,
        at=clock.now(),
    )
    session.add(comment)
    session.flush()
    tags = [CommentTag(company_id=invoice.company_id, comment_id=comment.id, user_id=u, read_at=None) for u in tagged]
    session.add_all(tags)
    session.flush()
    return Posted(comment=comment, tags=[(tag, people[tag.user_id]) for tag in tags])


def _tags_of(
    session: Session, *, invoice: Invoice, comment_ids: list[int]
) -> dict[int, list[tuple[CommentTag, Person]]]:
    found: dict[int, list[tuple[CommentTag, Person]]] = defaultdict(list)
    if not comment_ids:
        return found
    people = {p.user_id: p for p in taggable_users(session, invoice=invoice)}
    for tag, user in session.execute(
        select(CommentTag, User)
        .join(User, User.id == CommentTag.user_id)
        .where(CommentTag.company_id == invoice.company_id, CommentTag.comment_id.in_(comment_ids))
        .order_by(CommentTag.comment_id, CommentTag.user_id)
    ).all():
        # A user no longer taggable is still shown, by their name.
        person = people.get(user.id) or Person(user.id, _full_name(user), _full_name(user))
        found[tag.comment_id].append((tag, person))
    return found


def _read_by_all(tags: Sequence[tuple[CommentTag, Person]]) -> bool:
    return all(tag.read_at is not None for tag, _person in tags)


def comments_of(session: Session, *, invoice: Invoice, read_by_all: bool | None = None) -> list[Posted]:
    """`GET /invoices/{id}/comments`: oldest first, optionally only those (not) read by all tagged."""
    check_available(session, invoice=invoice)
    rows = list(
        session.scalars(
            select(InvoiceComment)
            .where(InvoiceComment.company_id == invoice.company_id, InvoiceComment.invoice_id == invoice.id)
            .order_by(InvoiceComment.id)
        )
    )
    tags = _tags_of(session, invoice=invoice, comment_ids=[c.id for c in rows])
    posted = [Posted(comment=c, tags=tags.get(c.id, [])) for c in rows]
    if read_by_all is None:
        return posted
    return [p for p in posted if _read_by_all(p.tags) == read_by_all]


def _comment(session: Session, *, invoice: Invoice, comment_id: int) -> InvoiceComment:
    found = session.scalars(
        select(InvoiceComment).where(
            InvoiceComment.company_id == invoice.company_id,
            InvoiceComment.invoice_id == invoice.id,
            InvoiceComment.id == comment_id,
        )
    ).first()
    if found is None:
        raise not_found("commentId")
    return found


def get_comment(session: Session, *, invoice: Invoice, comment_id: int) -> Posted:
    """`GET /invoices/{id}/comments/{commentId}`; 404 at `commentId` for another invoice's."""
    check_available(session, invoice=invoice)
    comment = _comment(session, invoice=invoice, comment_id=comment_id)
    return Posted(
        comment=comment, tags=_tags_of(session, invoice=invoice, comment_ids=[comment.id]).get(comment.id, [])
    )


def mark_read(session: Session, *, invoice: Invoice, comment_id: int, user_id: int) -> datetime:
    """`PUT /invoices/{id}/comments/{commentId}/read` by a tagged user: the read time (the first
    one stays when marked again)."""
    check_available(session, invoice=invoice)
    comment = _comment(session, invoice=invoice, comment_id=comment_id)
    tag = session.get(CommentTag, (invoice.company_id, comment.id, user_id), with_for_update=True)
    if tag is None:
        raise KirjuriError("USER_NOT_TAGGED", 403)
    if tag.read_at is None:
        tag.read_at = clock.now()
        session.flush()
    return tag.read_at


# --- wire ---------------------------------------------------------------------------------------


def _info(posted: Posted) -> TaggedUsersInfo:
    return TaggedUsersInfo(num_tagged_users=len(posted.tags), read_by_all_tagged_users=_read_by_all(posted.tags))


def to_wire(posted: Posted) -> Comment:
    c = posted.comment
    return Comment(id=c.id, author=c.author, date_time=c.at, comment=c.comment, tagged_users_info=_info(posted))


def to_wire_with_tags(posted: Posted) -> CommentWithTaggedUsers:
    c = posted.comment
    return CommentWithTaggedUsers(
        id=c.id,
        author=c.author,
        date_time=c.at,
        comment=c.comment,
        tagged_users_info=_info(posted),
        tagged_users=[
            TaggedUser(
                user_tag_id=person.user_id,
                display_name=person.display_name,
                full_name=person.full_name,
                read=tag.read_at,
            )
            for tag, person in posted.tags
        ],
    )


def taggable_to_wire(people: Sequence[Person]) -> list[TaggableUser]:
    return [TaggableUser(display_name=p.display_name, full_name=p.full_name) for p in people]
