"""Participants: self-registration with NIP checks, and BKPSDM's bulk import (dry run, all or nothing)."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.submission.accounts.links import Purpose, has_live_link, lifetime, send_link
from services.submission.accounts.models import User
from services.submission.accounts.passwords import hash_password
from services.submission.accounts.ratelimit import LinkLimiter
from services.submission.accounts.schemas import LinkSent
from services.submission.accounts.service import development_token, normalise_email, self_actor
from services.submission.accounts.sessions import end_sessions
from services.submission.agencies.service import active_codes, require_agency
from services.submission.common import Page
from services.submission.db import audit
from services.submission.participants.importer import CleanRow, ImportFileError, clean, read_rows
from services.submission.participants.models import Participant
from services.submission.participants.nip import nip_problems
from services.submission.participants.schemas import (
    ImportReport,
    ImportRowError,
    ParticipantPage,
    ParticipantRead,
    ParticipantRegister,
)
from shared.auth import Principal, Role
from shared.errors import Message, conflict, forbidden, invalid

EMAIL_TAKEN = Message("email milik akun lain", "email belongs to another account")


def register(session: Session, *, data: ParticipantRegister, limiter: LinkLimiter, client_ip: str) -> LinkSent:
    """Register a participant, or claim an account imported by BKPSDM (same NIP and email); both by email link.

    Nobody signs in until the link sent to the email is used: a new registration is kept unverified, and
    a claim keeps the chosen password aside until then, so knowing a colleague's NIP and email is not
    enough to take over their account. A registration whose link expired unused no longer holds its NIP
    or email; registering again with the same NIP and email sends a new link.
    """
    problems = nip_problems(data.nip)
    if problems:
        # `problems` stays English (as before); `problems_id` is the same list in Indonesian.
        details = {"field": "nip", "problems": [p.en for p in problems], "problems_id": [p.id for p in problems]}
        raise invalid("invalid_nip", Message("NIP tidak sah", "Invalid NIP"), details)
    require_agency(session, data.agency_code)
    email = normalise_email(data.email)
    limiter.check(email, client_ip)
    existing = session.scalar(select(Participant).where(Participant.nip == data.nip))
    if existing is not None:
        user = session.get(User, existing.user_id)
        if user is not None and existing.email == email and user.email_verified_at is None:
            return _send(session, user=user, participant=existing, data=data)
        if user is None or not _abandoned(session, user) or not _forget(session, user=user, participant=existing):
            raise conflict(
                "nip_registered",
                Message("NIP ini sudah terdaftar", "This NIP is already registered"),
                {"field": "nip"},
            )
    holder = session.scalar(select(User).where(User.email == email))
    if holder is not None:
        held = session.scalar(select(Participant).where(Participant.user_id == holder.id))
        if held is None or not _abandoned(session, holder) or not _forget(session, user=holder, participant=held):
            raise conflict(
                "email_taken",
                Message("Email sudah dipakai akun lain", "This email is already used"),
                {"field": "email"},
            )
    user = User(
        email=email,
        nip=data.nip,
        name=data.name,
        role=str(Role.PARTICIPANT),
        agency_code=data.agency_code,
        work_unit=data.work_unit,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    participant = Participant(
        user_id=user.id,
        nip=data.nip,
        name=data.name,
        email=email,
        phone=data.phone,
        position_group=str(data.position_group),
        agency_code=data.agency_code,
        work_unit=data.work_unit,
    )
    session.add(participant)
    session.flush()
    audit.record(
        session,
        actor=self_actor(user),
        action="participant.registered",
        object_type="user",
        object_id=user.id,
        details={"participant_id": str(participant.id), "role": user.role, "agency_code": user.agency_code},
    )
    return _send(session, user=user, participant=participant, data=None)


def _send(session: Session, *, user: User, participant: Participant, data: ParticipantRegister | None) -> LinkSent:
    """Email the link that completes a registration (`data` None) or a claim or a repeated registration."""
    if data is not None and user.password_hash is None:
        # Claiming an imported account: the password waits in the link; HR data stays as BKPSDM imported it.
        secret = send_link(session, user=user, purpose=Purpose.CLAIM, password_hash=hash_password(data.password))
        action = "participant.claim_requested"
    else:
        if data is not None:  # registering again before verifying: the latest answers count
            user.password_hash = hash_password(data.password)
            participant.name = user.name = data.name
            participant.phone = data.phone
            participant.position_group = str(data.position_group)
            participant.agency_code = user.agency_code = data.agency_code
            participant.work_unit = user.work_unit = data.work_unit
        secret = send_link(session, user=user, purpose=Purpose.VERIFY_EMAIL)
        action = "participant.verification_sent"
    audit.record(
        session,
        actor=self_actor(user),
        action=action,
        object_type="user",
        object_id=user.id,
        details={"participant_id": str(participant.id)},
    )
    session.commit()
    return LinkSent(
        valid_minutes=int(lifetime(Purpose.VERIFY_EMAIL).total_seconds() // 60),
        development_token=development_token(secret),
    )


def _abandoned(session: Session, user: User) -> bool:
    """A self-registration never verified whose link expired: it no longer holds its NIP or email."""
    return (
        user.email_verified_at is None
        and user.password_hash is not None
        and not has_live_link(session, user=user, purpose=Purpose.VERIFY_EMAIL)
    )


def _forget(session: Session, *, user: User, participant: Participant) -> bool:
    """Remove an abandoned registration; False (and nothing removed) if something refers to it (an invitation)."""
    try:
        with session.begin_nested():
            session.delete(participant)
            session.flush()
            session.delete(user)
            session.flush()
    except IntegrityError:
        return False
    audit.record(
        session,
        actor=None,
        action="participant.registration_abandoned",
        object_type="user",
        object_id=user.id,
        details={"nip": participant.nip},
    )
    return True


def participant_of(session: Session, principal: Principal) -> Participant:
    """The participant record of the signed-in participant; 403 for anyone else."""
    participant = session.scalar(select(Participant).where(Participant.user_id == principal.user_id))
    if participant is None:
        raise forbidden({"reason": "the caller has no participant profile"})
    return participant


def list_participants(
    session: Session, *, page: Page, position_group: str | None, agency_code: str | None, q: str | None
) -> ParticipantPage:
    """One page of participants with the total, in one query (committee)."""
    total = func.count().over().label("total")
    query = select(Participant, total).order_by(Participant.name, Participant.nip)
    if position_group:
        query = query.where(Participant.position_group == position_group)
    if agency_code:
        query = query.where(Participant.agency_code == agency_code)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Participant.name.ilike(pattern), Participant.nip.like(pattern)))
    rows = session.execute(query.limit(page.page_size).offset(page.offset)).all()
    return ParticipantPage(
        items=[ParticipantRead.model_validate(r[0]) for r in rows],
        total=rows[0][1] if rows else 0,
        page=page.page,
        page_size=page.page_size,
    )


# ---------------------------------------------------------------------------------------------- import


def import_participants(
    session: Session, *, content: bytes, dry_run: bool, actor: Principal | None = None
) -> ImportReport:
    """Import participants from CSV/XLSX: every bad row reported; nothing written unless the file is clean.

    Rows are matched by NIP, so importing the same file again changes nothing, and a corrected file
    updates only what changed. Imported accounts have no password until the person registers with the
    same NIP and email (which claims the account).
    """
    try:
        parsed = read_rows(content)
    except ImportFileError as exc:
        raise invalid(
            "unreadable_import",
            Message("Berkas impor tidak dapat dibaca", "The import file cannot be read"),
            {"reason": exc.reason.en, "reason_id": exc.reason.id},
        ) from exc
    codes = active_codes(session)
    rows: list[CleanRow] = []
    errors: list[ImportRowError] = []
    seen_nip: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for raw in parsed:
        row = clean(raw, codes)
        errors.extend(raw.errors)
        if row is None:
            continue
        if row.nip in seen_nip:
            first = seen_nip[row.nip]
            errors.append(
                ImportRowError.of(
                    row.line, "nip", Message(f"NIP sama dengan baris {first}", f"same NIP as line {first}")
                )
            )
            continue
        if row.email in seen_email:
            first = seen_email[row.email]
            errors.append(
                ImportRowError.of(
                    row.line, "email", Message(f"email sama dengan baris {first}", f"same email as line {first}")
                )
            )
            continue
        seen_nip[row.nip], seen_email[row.email] = row.line, row.line
        rows.append(row)

    existing = {p.nip: p for p in session.scalars(select(Participant).where(Participant.nip.in_(seen_nip)))}
    email_owner = {u.email: u.nip for u in session.scalars(select(User).where(User.email.in_(seen_email)))}
    created, updated, unchanged = [], [], 0
    for row in rows:
        owner_nip = email_owner.get(row.email, row.nip)
        if owner_nip != row.nip:
            errors.append(ImportRowError.of(row.line, "email", EMAIL_TAKEN))
            continue
        current = existing.get(row.nip)
        if current is None:
            created.append(row)
        elif (
            current.name,
            current.email,
            current.phone,
            current.position_group,
            current.agency_code,
            current.work_unit,
        ) == (
            row.name,
            row.email,
            row.phone,
            str(row.position_group),
            row.agency_code,
            row.work_unit or current.work_unit,
        ):
            unchanged += 1
        else:
            updated.append((current, row))
    errors.sort(key=lambda e: e.line)
    report = ImportReport(
        dry_run=dry_run,
        imported=False,
        total_rows=len(parsed),
        created=len(created),
        updated=len(updated),
        unchanged=unchanged,
        errors=errors,
    )
    if errors and not dry_run:
        raise invalid(
            "import_has_errors",
            Message(
                f"Berkas memiliki {len(errors)} kesalahan; tidak ada data yang diimpor",
                f"The file has {len(errors)} errors; nothing was imported",
            ),
            report.model_dump(),
        )
    if dry_run:
        return report
    _apply(session, created, updated)
    audit.record(
        session,
        actor=actor,
        action="participants.imported",
        object_type="participant_import",
        details={
            "total_rows": report.total_rows,
            "created_nips": [r.nip for r in created],
            "updated_nips": [row.nip for _, row in updated],
            "unchanged": unchanged,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    session.commit()
    report.imported = True
    return report


def _apply(session: Session, created: list[CleanRow], updated: list[tuple[Participant, CleanRow]]) -> None:
    users = {u.nip: u for u in session.scalars(select(User).where(User.nip.in_([p.nip for p, _ in updated])))}
    for participant, row in updated:
        participant.name, participant.email, participant.phone = row.name, row.email, row.phone
        participant.position_group, participant.agency_code = str(row.position_group), row.agency_code
        participant.work_unit = row.work_unit or participant.work_unit
        user = users.get(row.nip)
        if user is not None:
            moved = (user.email, user.agency_code) != (row.email, row.agency_code)
            user.name, user.email, user.agency_code = row.name, row.email, row.agency_code
            user.work_unit = participant.work_unit
            if moved and user.password_hash is not None:  # tokens carry the agency and email: issue new ones
                end_sessions(session, user=user, reason="participant import changed agency or email", actor=None)
    new_users = [
        User(
            email=r.email,
            nip=r.nip,
            name=r.name,
            role=str(Role.PARTICIPANT),
            agency_code=r.agency_code,
            work_unit=r.work_unit,
        )
        for r in created
    ]
    session.add_all(new_users)
    session.flush()
    session.add_all(
        Participant(
            user_id=u.id,
            nip=r.nip,
            name=r.name,
            email=r.email,
            phone=r.phone,
            position_group=str(r.position_group),
            agency_code=r.agency_code,
            work_unit=r.work_unit,
        )
        for u, r in zip(new_users, created, strict=True)
    )
