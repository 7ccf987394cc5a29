"""Evidence files: the ticket's agency uploads them to its progress updates, the ticket's readers download them,
and the public sees the photos of implemented ideas."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from services.implementation.evidence.models import EvidenceFile
from services.implementation.tickets.access import load_for_agency_work, load_ticket
from services.implementation.tickets.audit import audit_ticket
from services.implementation.tickets.models import ProgressUpdate, Ticket, TicketStatus
from shared.auth import Principal
from shared.errors import AppError, Message, conflict, not_found
from shared.files import ALLOWED, IMAGES, Storage, checked_type, display_name
from shared.logging import get_logger

log = get_logger(__name__)


def upload(
    session: Session,
    *,
    storage: Storage,
    principal: Principal,
    update_id: uuid.UUID,
    filename: str | None,
    content: bytes,
    max_bytes: int,
) -> EvidenceFile:
    """Attach a file to a progress update of a ticket the caller's agency implements (any status but cancelled)."""
    update = session.get(ProgressUpdate, update_id)
    if update is None:
        raise not_found("Laporan kemajuan", "Progress update")
    with _missing_as(Message("Laporan kemajuan", "Progress update")):
        ticket = load_for_agency_work(session, principal, update.ticket_id)
    if ticket.status == TicketStatus.CANCELLED:
        raise conflict(
            "ticket_closed", Message("Tiket sudah dibatalkan", "The ticket was cancelled"), {"status": ticket.status}
        )
    content_type = checked_type(
        content, max_bytes=max_bytes, allowed=ALLOWED, code="evidence", noun=Message("Bukti", "The evidence")
    )
    key = uuid.uuid4().hex
    storage.put(key, content)
    evidence = EvidenceFile(
        ticket_id=ticket.id,
        update_id=update.id,
        uploaded_by=principal.user_id,
        filename=display_name(filename, default="bukti"),
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_key=key,
    )
    session.add(evidence)
    session.flush()
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.evidence_added",
        details=_audited(evidence),
    )
    try:
        session.commit()
    except BaseException:
        storage.delete(key)  # no orphaned bytes when the row could not be written
        raise
    return evidence


def _audited(evidence: EvidenceFile) -> dict[str, object]:
    return {
        "update_id": str(evidence.update_id),
        "evidence_id": str(evidence.id),
        "content_type": evidence.content_type,
        "size_bytes": evidence.size_bytes,
        "sha256": evidence.sha256,
    }


@contextmanager
def _missing_as(thing: Message) -> Iterator[None]:
    # Never confirm that another agency's ticket exists: a ticket the caller may not read is this thing missing.
    try:
        yield
    except AppError as exc:
        if exc.status_code == 404:
            raise not_found(thing.id, thing.en) from exc
        raise


def _read(storage: Storage, evidence: EvidenceFile) -> bytes:
    try:
        return storage.get(evidence.storage_key)
    except FileNotFoundError as exc:
        raise not_found("Berkas bukti", "Evidence file") from exc


def download(
    session: Session, *, storage: Storage, principal: Principal, evidence_id: uuid.UUID
) -> tuple[EvidenceFile, bytes]:
    """The file, for the ticket's readers (its agency, the committee, the idea's team); 404 for anyone else."""
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        raise not_found("Bukti", "Evidence")
    with _missing_as(Message("Bukti", "Evidence")):
        load_ticket(session, principal, evidence.ticket_id)
    return evidence, _read(storage, evidence)


def delete(session: Session, *, storage: Storage, principal: Principal, evidence_id: uuid.UUID) -> None:
    """Remove a file of a ticket the caller's agency implements (any status: a wrong or private file must be
    removable even from a closed ticket); 404 for a file the caller may not read, 403 for its other readers."""
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        raise not_found("Bukti", "Evidence")
    with _missing_as(Message("Bukti", "Evidence")):
        ticket = load_for_agency_work(session, principal, evidence.ticket_id)
    key = evidence.storage_key
    audit_ticket(
        session,
        ticket=ticket,
        actor=principal,
        action="ticket.evidence_removed",
        details={**_audited(evidence), "filename": evidence.filename},  # what was lost, once the row is gone
    )
    session.delete(evidence)
    session.commit()
    # The bytes go only once the row is gone: a failed commit leaves the file whole. A failure here leaves an
    # orphan nobody can reach (the row is gone), which is logged rather than shown to the officer as a failure.
    try:
        storage.delete(key)
    except OSError as exc:
        log.warning("evidence bytes not removed", storage_key=key, error=str(exc))


def public_photo(session: Session, *, storage: Storage, evidence_id: uuid.UUID) -> tuple[EvidenceFile, bytes]:
    """A photo of an implemented ticket, for anyone; every other file is 404."""
    evidence = session.get(EvidenceFile, evidence_id)
    ticket = session.get(Ticket, evidence.ticket_id) if evidence is not None else None
    if evidence is None or ticket is None or not is_public_photo(evidence, ticket):
        raise not_found("Foto", "Photo")
    return evidence, _read(storage, evidence)


def is_public_photo(evidence: EvidenceFile, ticket: Ticket) -> bool:
    """Whether the public may see the file: an image (sniffed) of an implemented ticket."""
    return evidence.content_type in IMAGES and ticket.status == TicketStatus.IMPLEMENTED
