"""Attachments: type checked by content, size limited, stored by generated key, served only to those allowed."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.submission.attachments.models import Attachment
from services.submission.ideas.access import load_for_change, require_changeable
from services.submission.ideas.models import Idea, IdeaStatus
from services.submission.ideas.reads import get_idea
from services.submission.ideas.revisions import revise_if_submitted
from shared.attachment_links import AttachmentGrant, verify
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, not_found
from shared.files import ALLOWED, Storage, checked_type, display_name

MAX_ATTACHMENTS_PER_IDEA = 10


def upload(
    session: Session,
    *,
    storage: Storage,
    principal: Principal,
    idea_id: uuid.UUID,
    filename: str | None,
    content: bytes,
    max_bytes: int,
    now: datetime | None = None,
) -> Attachment:
    """Attach a file to an idea the caller may change, before the deadline."""
    now = now or utcnow()
    idea, edition = load_for_change(session, idea_id, principal)
    require_changeable(idea, edition, now)
    content_type = checked_type(
        content, max_bytes=max_bytes, allowed=ALLOWED, code="attachment", noun=Message("Lampiran", "The attachment")
    )
    count = session.scalar(select(func.count()).select_from(Attachment).where(Attachment.idea_id == idea.id)) or 0
    if count >= MAX_ATTACHMENTS_PER_IDEA:
        raise conflict(
            "too_many_attachments",
            Message(
                f"Paling banyak {MAX_ATTACHMENTS_PER_IDEA} lampiran per gagasan",
                f"At most {MAX_ATTACHMENTS_PER_IDEA} attachments per idea",
            ),
        )
    key = uuid.uuid4().hex
    storage.put(key, content)
    attachment = Attachment(
        idea_id=idea.id,
        uploaded_by=principal.user_id,
        filename=display_name(filename),
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_key=key,
    )
    session.add(attachment)
    revise_if_submitted(session, idea, edition, principal.user_id)  # judging learns the file list from it
    try:
        session.commit()
    except BaseException:
        storage.delete(key)  # no orphaned bytes when the row could not be written
        raise
    return attachment


#: A judge's signed link works while the idea is submitted (never a draft, nor a withdrawn idea).
JUDGED_STATUSES = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.ELIGIBLE, IdeaStatus.NOT_ELIGIBLE})


def _check_idea_visible(session: Session, principal: Principal, idea_id: uuid.UUID) -> None:
    """The idea's team and the committee, as for the idea itself; 404 otherwise.

    Judges do not read here with their token: the judging service, which knows the panels, gives them
    a signed link (`download_signed`).
    """
    try:
        get_idea(session, principal=principal, idea_id=idea_id)
    except AppError as exc:
        if exc.status_code == 404:
            raise not_found("Lampiran", "Attachment") from exc
        raise


def _visible(session: Session, principal: Principal, attachment_id: uuid.UUID) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise not_found("Lampiran", "Attachment")
    _check_idea_visible(session, principal, attachment.idea_id)
    return attachment


def list_for_idea(session: Session, *, principal: Principal, idea_id: uuid.UUID) -> list[Attachment]:
    """An idea's attachments (its pitch deck) for those who may see them, oldest first."""
    _check_idea_visible(session, principal, idea_id)
    return list(
        session.scalars(select(Attachment).where(Attachment.idea_id == idea_id).order_by(Attachment.created_at))
    )


def _read(storage: Storage, attachment: Attachment) -> bytes:
    try:
        return storage.get(attachment.storage_key)
    except FileNotFoundError as exc:
        raise not_found("Berkas lampiran", "Attachment file") from exc


def download(
    session: Session, *, storage: Storage, principal: Principal, attachment_id: uuid.UUID
) -> tuple[Attachment, bytes]:
    """The file, for those who may see its idea."""
    attachment = _visible(session, principal, attachment_id)
    return attachment, _read(storage, attachment)


def download_signed(
    session: Session,
    *,
    storage: Storage,
    secret: SecretStr,
    grant: AttachmentGrant,
    signature: str,
    now: datetime | None = None,
) -> tuple[Attachment, bytes]:
    """The file named by a judging-signed link: signature, expiry, then that the file and its idea still stand."""
    verify(secret, grant, signature, now=now)
    attachment = session.get(Attachment, grant.attachment_id)
    idea = session.get(Idea, grant.idea_id)
    if attachment is None or attachment.idea_id != grant.idea_id or idea is None or idea.status not in JUDGED_STATUSES:
        raise not_found("Lampiran", "Attachment")
    return attachment, _read(storage, attachment)


def remove(
    session: Session, *, storage: Storage, principal: Principal, attachment_id: uuid.UUID, now: datetime | None = None
) -> None:
    """Delete an attachment of an idea the caller may still change."""
    now = now or utcnow()
    attachment = _visible(session, principal, attachment_id)
    idea, edition = load_for_change(session, attachment.idea_id, principal)
    require_changeable(idea, edition, now)
    key = attachment.storage_key
    session.delete(attachment)
    revise_if_submitted(session, idea, edition, principal.user_id)
    session.commit()
    storage.delete(key)
