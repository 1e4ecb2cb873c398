"""The verbs of attachments: attach a received file, rename, delete, read (with the rights of the
owner's document type) and search. The only writer of `attachments` rows and of stored files.

Invariants:
- the metadata row and the stored bytes appear and disappear together, as far as anyone can
  see: a file is committed to the store only after every check passed, and removed again when the
  request's transaction rolls back; a deleted row's file is removed only after the deletion has
  committed (a failure to remove it is logged, never the request's failure — the bytes are then
  garbage no row points to);
- the owner exists in the caller's company when the file is attached (`owners`), and the
  owner's document type decides the rights: ALL_RIGHTS on its writing right to upload, rename
  or delete, viewing level on any of its reading rights to download or find it in the search;
- a rename keeps the extension, so the MIME type never changes after the upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import BinaryIO, Protocol

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session

from kirjuri.attachments import owners, repository, rules
from kirjuri.attachments.models import Attachment
from kirjuri.attachments.storage import FileStore, StagedFile
from kirjuri.companies import repository as companies
from kirjuri.core import clock
from kirjuri.core.errors import forbidden, not_found
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.counters import next_value

log = structlog.get_logger("kirjuri.attachments")

VersionCheck = Callable[[datetime], None]


class Access(Protocol):
    """What the service needs of the caller (`auth.dependencies.Principal` is one)."""

    def can(self, right: str, *, write: bool = False) -> bool: ...


def may_read(access: Access, document_type: str) -> bool:
    return any(access.can(right) for right in rules.rights_of(document_type).readers)


def may_write(access: Access, document_type: str) -> bool:
    return access.can(rules.rights_of(document_type).write, write=True)


def readable_types(access: Access) -> list[str]:
    return [t for t in rules.DOCUMENT_RIGHTS if may_read(access, t)]


def _after_transaction(
    session: Session, *, committed: Callable[[], None] | None = None, rolled_back: Callable[[], None] | None = None
) -> None:
    """Run `committed` or `rolled_back` once, when the session's transaction ends that way."""
    done = False

    def run(action: Callable[[], None] | None) -> None:
        nonlocal done
        if done:
            return
        done = True
        if action is not None:
            action()

    event.listen(session, "after_commit", lambda _s: run(committed))
    event.listen(session, "after_rollback", lambda _s: run(rolled_back))


def _remove(store: FileStore, key: str) -> None:
    try:
        store.delete(key)
    except Exception as exc:  # the row is gone or never was: the bytes are garbage, not an error
        log.error("attachment_file_not_removed", key=key, error=type(exc).__name__)


# --- writes ------------------------------------------------------------------------------------


def create_attachment(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    access: Access,
    name: str,
    reference_type: str,
    reference_id: int,
    send_with_invoice: bool,
    staged: StagedFile,
    store: FileStore,
) -> Attachment:
    """Attach the received file to its owner. The caller discards `staged` if this raises."""
    name = rules.sanitise_name(name, field="meta.name")
    document_type = owners.document_type(
        session, company_id=company_id, reference_type=reference_type, reference_id=reference_id, viewer=access
    )
    if not may_write(access, document_type):
        raise forbidden("INSUFFICIENT_RIGHTS")
    uploader = companies.member(session, company_id=company_id, user_id=user_id)
    attachment_id = next_value(session, company_id=company_id, name="attachment")
    key = store.commit(staged, company_id=company_id)
    # From here the bytes are visible in the store: take them back if the row does not commit.
    _after_transaction(session, rolled_back=lambda: _remove(store, key))
    now = clock.now()
    attachment = Attachment(
        company_id=company_id,
        id=attachment_id,
        name=name,
        mime_type=rules.mime_type(name),
        reference_type=reference_type,
        reference_id=reference_id,
        document_type=document_type,
        send_with_invoice=send_with_invoice,
        size=staged.size,
        sha256=staged.sha256,
        storage_key=key,
        created_by_user_id=user_id,
        created_by=uploader.username if uploader is not None else None,
        created_at=now,
        version=now,
    )
    session.add(attachment)
    session.flush()
    return attachment


def _writable(session: Session, *, company_id: int, attachment_id: int, access: Access) -> Attachment:
    attachment = repository.get(session, company_id=company_id, attachment_id=attachment_id, lock=True)
    if not may_write(access, attachment.document_type) or _owner_hidden(session, attachment, access):
        raise forbidden("INSUFFICIENT_RIGHTS")
    return attachment


def _owner_hidden(session: Session, attachment: Attachment, access: Access) -> bool:
    """Whether the attachment's owner is hidden from the caller (`owners.screen`): then so is the file."""
    return owners.is_hidden(
        session,
        company_id=attachment.company_id,
        viewer=access,
        reference_type=attachment.reference_type,
        reference_id=attachment.reference_id,
    )


def rename_attachment(
    session: Session,
    *,
    company_id: int,
    attachment_id: int,
    name: str,
    access: Access,
    check_version: VersionCheck | None = None,
) -> Attachment:
    attachment = _writable(session, company_id=company_id, attachment_id=attachment_id, access=access)
    if check_version is not None:
        check_version(attachment.version)
    new_name = rules.sanitise_name(name, field="name")
    rules.check_same_extension(attachment.name, new_name, field="name")
    attachment.name = new_name
    attachment.version = clock.now()
    session.flush()
    return attachment


def delete_attachment(
    session: Session,
    *,
    company_id: int,
    attachment_id: int,
    access: Access,
    store: FileStore,
    check_version: VersionCheck | None = None,
) -> None:
    attachment = _writable(session, company_id=company_id, attachment_id=attachment_id, access=access)
    if check_version is not None:
        check_version(attachment.version)
    key = attachment.storage_key
    session.delete(attachment)
    session.flush()
    _after_transaction(session, committed=lambda: _remove(store, key))


# --- reads -------------------------------------------------------------------------------------


def readable(session: Session, *, company_id: int, attachment_id: int, access: Access) -> Attachment:
    """The attachment, when the caller may read its owner's documents (403 otherwise)."""
    attachment = repository.get(session, company_id=company_id, attachment_id=attachment_id)
    if not may_read(access, attachment.document_type) or _owner_hidden(session, attachment, access):
        raise forbidden("INSUFFICIENT_RIGHTS")
    return attachment


def open_content(store: FileStore, attachment: Attachment) -> BinaryIO:
    """The stored bytes. A row whose bytes are gone is logged and answered as not found."""
    try:
        return store.open(attachment.storage_key)
    except (OSError, ValueError) as exc:
        log.error("attachment_file_missing", attachment=attachment.id, error=type(exc).__name__)
        raise not_found("attachmentId") from exc


def search(
    session: Session,
    *,
    company_id: int,
    access: Access,
    types: tuple[str, ...],
    filters: repository.Filter,
    order: repository.SearchOrder,
    page: PageRequest,
) -> tuple[list[Attachment], PageMeta]:
    """A page of the attachments whose document types the caller may read (and, when `types` is
    given, of those types), but for those of owners hidden from the caller. No readable type at
    all is 403."""
    allowed = readable_types(access)
    if not allowed:
        raise forbidden("INSUFFICIENT_RIGHTS")
    wanted = [t for t in allowed if t in types] if types else allowed
    if not wanted:
        return [], PageMeta(page_number=page.page, page_size=page.size, result_count=0, total_count=0)
    return repository.search(
        session,
        company_id=company_id,
        filters=replace(filters, document_types=wanted),
        order=order,
        page=page,
        exclude=owners.hidden(session, company_id=company_id, viewer=access),
    )
