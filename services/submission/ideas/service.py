"""Ideas: draft, edit, submit, edit after submission (versioned), withdraw, teams, screening, listing.

Every state change that other services care about is published through the outbox in the same
transaction: idea.submitted.v1 (with a higher revision after each change), idea.screened.v1 and
idea.withdrawn.v1.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from services.submission.agencies.service import require_agency
from services.submission.attachments.models import Attachment
from services.submission.common import Page
from services.submission.db import audit_log
from services.submission.editions.models import Edition
from services.submission.editions.service import (
    get_edition,
    require_before_deadline,
    require_screening_open,
    require_submission_open,
    require_withdrawal_open,
    submission_deadline,
)
from services.submission.ideas import similarity
from services.submission.ideas.models import Idea, IdeaMember, IdeaStatus, IdeaVersion, MemberStatus
from services.submission.ideas.schemas import (
    AttachmentRead,
    DecisionRead,
    IdeaCreate,
    IdeaPage,
    IdeaRead,
    IdeaSummary,
    IdeaUpdate,
    ImplementationRead,
    PersonRead,
    ScreeningRead,
    SimilarIdea,
    SimilarIdeasRead,
    VersionRead,
)
from services.submission.participants.models import Participant
from services.submission.participants.service import participant_of
from shared.audit import record_audit
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, forbidden, invalid, not_found
from shared.events import (
    AttachmentRef,
    ExtraAnswer,
    IdeaScreened,
    IdeaScreenedPayload,
    IdeaSnapshot,
    IdeaSubmitted,
    IdeaSubmittedPayload,
    IdeaWithdrawn,
    IdeaWithdrawnPayload,
    NotificationTemplate,
    Partner,
    Person,
    PositionGroup,
)
from shared.notifications import team_notifications
from shared.outbox import publish

PRODUCER = "submission"
WIB = ZoneInfo("Asia/Jakarta")
AnySelect = Select[*tuple[Any, ...]]
MAX_CO_PROPOSERS = 4
EDITABLE = (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED)
SCREENED = (IdeaStatus.ELIGIBLE, IdeaStatus.NOT_ELIGIBLE)

# (field, Indonesian label, English label) of what an idea needs before it can be submitted.
REQUIRED_FIELDS = (
    ("title", "judul", "title"),
    ("problem", "permasalahan", "problem"),
    ("solution", "solusi yang diusulkan", "proposed solution"),
    ("beneficiaries", "penerima manfaat", "beneficiaries"),
    ("time_saved_minutes_per_case", "waktu yang dihemat per layanan (menit)", "time saved per case (minutes)"),
    ("cost_saved_per_year_rp", "biaya yang dihemat per tahun (Rp)", "cost saved per year (Rp)"),
    ("estimated_budget_rp", "perkiraan anggaran (Rp)", "estimated budget (Rp)"),
    ("target_agency_code", "perangkat daerah pelaksana", "implementing agency"),
    ("service_area", "bidang layanan", "service area"),
)

FROZEN = Message(
    "Gagasan sudah dikunci (sudah diseleksi, diundurkan, atau melewati batas waktu) dan tidak dapat diubah",
    "The idea is frozen (screened, withdrawn or past the deadline) and cannot be changed",
)


def _problem(field: str, message_id: str, message_en: str) -> dict[str, str]:
    return {"field": field, "message_id": message_id, "message_en": message_en}


# ---------------------------------------------------------------------------------------------- access


@dataclass(frozen=True)
class Access:
    """What the caller is to an idea."""

    committee: bool
    proposer: bool
    member_status: str | None  # invited / accepted / declined, for a co-proposer

    @property
    def can_view(self) -> bool:
        """Committee, proposer, and invited or accepted co-proposers see the idea."""
        return self.committee or self.proposer or self.member_status in (MemberStatus.INVITED, MemberStatus.ACCEPTED)

    @property
    def can_edit(self) -> bool:
        """The proposer and accepted co-proposers change the idea."""
        return self.proposer or self.member_status == MemberStatus.ACCEPTED


def _access(session: Session, idea: Idea, principal: Principal) -> tuple[Access, Participant | None]:
    if principal.has_role(Role.COMMITTEE):
        return Access(True, False, None), None
    if principal.role != Role.PARTICIPANT:
        raise forbidden({"reason": "only participants and the committee use ideas"})
    me = participant_of(session, principal)
    if idea.proposer_id == me.id:
        return Access(False, True, None), me
    status = session.scalar(
        select(IdeaMember.status).where(IdeaMember.idea_id == idea.id, IdeaMember.participant_id == me.id)
    )
    return Access(False, False, status), me


def _load(session: Session, idea_id: uuid.UUID, *, lock: bool = False) -> Idea:
    query = select(Idea).where(Idea.id == idea_id)
    idea = session.scalar(query.with_for_update() if lock else query)
    if idea is None:
        raise not_found("Gagasan", "Idea")
    return idea


def _viewable(session: Session, idea_id: uuid.UUID, principal: Principal, *, lock: bool = False) -> tuple[Idea, Access]:
    idea = _load(session, idea_id, lock=lock)
    access, _ = _access(session, idea, principal)
    if not access.can_view:
        raise not_found("Gagasan", "Idea")  # not theirs: do not reveal that it exists
    return idea, access


def _editable(session: Session, idea_id: uuid.UUID, principal: Principal) -> tuple[Idea, Edition]:
    idea, access = _viewable(session, idea_id, principal, lock=True)
    if not access.can_edit:
        raise forbidden({"reason": "only the proposer and accepted co-proposers change an idea"})
    edition = session.get_one(Edition, idea.edition_id)
    return idea, edition


def load_for_change(session: Session, idea_id: uuid.UUID, principal: Principal) -> tuple[Idea, Edition]:
    """An idea (locked) and its edition, for someone allowed to change it; 404/403 otherwise."""
    return _editable(session, idea_id, principal)


# ---------------------------------------------------------------------------------------------- validation


def _validate_answers(edition: Edition, answers: dict[str, Any], *, complete: bool) -> list[dict[str, str]]:
    """Problems with the extra questions' answers; `complete` also checks required ones are answered."""
    problems = []
    questions = {q["key"]: q for q in edition.extra_questions}
    for key in answers:
        if key not in questions:
            problems.append(_problem(f"extra_answers.{key}", "pertanyaan tidak dikenal", "unknown question"))
    for key, q in questions.items():
        value = answers.get(key)
        field = f"extra_answers.{key}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if complete and q.get("required"):
                problems.append(
                    _problem(field, f"'{q['label']}' wajib diisi", f"'{q.get('label_en') or q['label']}' is required")
                )
            continue
        if q["kind"] == "text":
            if not isinstance(value, str):
                problems.append(_problem(field, "harus berupa teks", "must be text"))
            elif len(value) > int(q.get("max_length", 2000)):
                problems.append(_problem(field, "terlalu panjang", "too long"))
        elif q["kind"] == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(_problem(field, "harus berupa angka", "must be a number"))
            elif (q.get("min_value") is not None and value < q["min_value"]) or (
                q.get("max_value") is not None and value > q["max_value"]
            ):
                problems.append(_problem(field, "di luar rentang yang diizinkan", "outside the allowed range"))
        elif q["kind"] == "choice" and value not in q.get("choices", []):
            problems.append(_problem(field, "bukan pilihan yang tersedia", "not one of the choices"))
    return problems


def _completeness(idea: Idea, edition: Edition) -> list[dict[str, str]]:
    """Every reason the idea cannot be submitted yet, all at once."""
    problems = []
    for field, label_id, label_en in REQUIRED_FIELDS:
        value = getattr(idea, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(_problem(field, f"{label_id} wajib diisi", f"{label_en} is required"))
    problems += _validate_answers(edition, idea.extra_answers or {}, complete=True)
    return problems


def _refuse_incomplete(problems: list[dict[str, str]]) -> AppError:
    return invalid(
        "idea_incomplete",
        Message(
            f"Gagasan belum lengkap: {len(problems)} isian perlu diperbaiki",
            f"The idea is incomplete: {len(problems)} fields need attention",
        ),
        problems,
    )


def _apply_fields(session: Session, idea: Idea, edition: Edition, values: dict[str, Any]) -> bool:
    """Set the given fields after checking them; True when anything changed."""
    if values.get("target_agency_code"):
        require_agency(session, values["target_agency_code"], "target_agency_code")
    if values.get("extra_answers") is not None:
        problems = _validate_answers(edition, values["extra_answers"], complete=False)
        if problems:
            raise invalid("invalid_answers", Message("Jawaban tidak sah", "Invalid answers"), problems)
    if "partners" in values:
        values["partners"] = [{"name": p["name"], "kind": str(p["kind"])} for p in (values["partners"] or [])]
    if "extra_answers" in values and values["extra_answers"] is None:
        values["extra_answers"] = {}
    changed = False
    for key, value in values.items():
        if key == "title" and value is None:
            continue
        if getattr(idea, key) != value:
            setattr(idea, key, value)
            changed = True
    return changed


# ---------------------------------------------------------------------------------------------- events


def _snapshot(idea: Idea) -> IdeaSnapshot:
    return IdeaSnapshot(
        title=idea.title,
        problem=idea.problem or "",
        solution=idea.solution or "",
        beneficiaries=idea.beneficiaries or "",
        time_saved_minutes_per_case=idea.time_saved_minutes_per_case,
        cost_saved_per_year_rp=idea.cost_saved_per_year_rp,
        estimated_budget_rp=idea.estimated_budget_rp or 0,
        partners=[Partner(name=p["name"], kind=p["kind"]) for p in idea.partners],
        target_agency_code=idea.target_agency_code or "",
        service_area=idea.service_area,
    )


def _person(p: Participant) -> Person:
    return Person(
        user_id=p.user_id, name=p.name, email=p.email, agency_code=p.agency_code, nip=p.nip, work_unit=p.work_unit
    )


def _extra_answers(idea: Idea, edition: Edition) -> list[ExtraAnswer]:
    """The answers in the order the edition asks its questions, each with the label as asked."""
    answers = idea.extra_answers or {}
    return [
        ExtraAnswer(key=q["key"], label=q["label"], answer=answers[q["key"]])
        for q in edition.extra_questions
        if answers.get(q["key"]) is not None
    ]


def _attachment_refs(session: Session, idea: Idea) -> list[AttachmentRef]:
    rows = session.scalars(
        select(Attachment).where(Attachment.idea_id == idea.id).order_by(Attachment.created_at, Attachment.id)
    )
    return [
        AttachmentRef(
            attachment_id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
            sha256=a.sha256,
        )
        for a in rows
    ]


def _co_proposers(session: Session, idea: Idea) -> list[Participant]:
    """The accepted co-proposers of an idea, by NIP."""
    return list(
        session.scalars(
            select(Participant)
            .join(IdeaMember, IdeaMember.participant_id == Participant.id)
            .where(IdeaMember.idea_id == idea.id, IdeaMember.status == MemberStatus.ACCEPTED)
            .order_by(Participant.nip)
        )
    )


def _team(session: Session, idea: Idea) -> list[Person]:
    """Everyone on the idea's team, the proposer first: who hears what happens to it."""
    return [_person(session.get_one(Participant, idea.proposer_id)), *map(_person, _co_proposers(session, idea))]


def _tell(
    session: Session,
    *,
    people: list[Person],
    cause: uuid.UUID | str,
    template: NotificationTemplate,
    idea: Idea,
    edition: Edition,
    **context: Any,
) -> None:
    """Notify these people about an idea, in the caller's transaction (one job per person, cause and template)."""
    base = {"idea_id": str(idea.id), "title": idea.title, "edition_code": edition.code}
    publish(
        session,
        *team_notifications(
            producer=PRODUCER, cause=cause, team=people, template=template, context={**base, **context}
        ),
    )


def _record_revision(session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID) -> IdeaSubmitted:
    """Store the new revision and publish it (idea.submitted.v1 with the revision number); returns the event."""
    proposer = session.get_one(Participant, idea.proposer_id)
    team = _co_proposers(session, idea)
    snapshot = _snapshot(idea)
    payload = IdeaSubmittedPayload(
        idea_id=idea.id,
        edition_code=edition.code,
        revision=idea.revision,
        position_group=PositionGroup(idea.position_group),
        proposer=_person(proposer),
        co_proposers=[_person(p) for p in team],
        idea=snapshot,
        submitted_at=idea.submitted_at or utcnow(),
        attachments=_attachment_refs(session, idea),
        extra_answers=_extra_answers(idea, edition),
    )
    version = snapshot.model_dump(mode="json") | {
        "extra_answers": idea.extra_answers,
        "co_proposer_nips": [p.nip for p in team],
    }
    session.add(IdeaVersion(idea_id=idea.id, revision=idea.revision, snapshot=version, changed_by=changed_by))
    event = IdeaSubmitted(producer=PRODUCER, payload=payload)
    publish(session, event)
    return event


def new_revision(session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID) -> IdeaSubmitted:
    """A submitted idea changed (its text, team or attachments): store and publish the next revision."""
    idea.revision += 1
    return _record_revision(session, idea, edition, changed_by)


# ---------------------------------------------------------------------------------------------- commands


def create_idea(session: Session, *, principal: Principal, data: IdeaCreate, now: datetime | None = None) -> Idea:
    """Start a draft in an edition the participant's group takes part in, within the idea limit."""
    now = now or utcnow()
    me = participant_of(session, principal)
    edition = get_edition(session, code=data.edition_code)
    require_before_deadline(edition, now)
    if me.position_group not in edition.position_groups:
        raise invalid(
            "group_not_taking_part",
            Message(
                f"Kelompok jabatan {me.position_group} tidak mengikuti edisi {edition.code}",
                f"Position group {me.position_group} does not take part in {edition.code}",
            ),
            {"position_groups": edition.position_groups},
        )
    # Lock the participant row so two parallel drafts cannot both slip under the limit.
    session.execute(select(Participant.id).where(Participant.id == me.id).with_for_update())
    count = session.scalar(
        select(func.count())
        .select_from(Idea)
        .where(Idea.edition_id == edition.id, Idea.proposer_id == me.id, Idea.status != IdeaStatus.WITHDRAWN)
    )
    if (count or 0) >= edition.max_ideas_per_participant:
        raise conflict(
            "idea_limit_reached",
            Message(
                f"Batas {edition.max_ideas_per_participant} gagasan per peserta pada edisi ini sudah tercapai",
                f"The limit of {edition.max_ideas_per_participant} ideas per participant in this edition is reached",
            ),
            {"limit": edition.max_ideas_per_participant},
        )
    idea = Idea(
        edition_id=edition.id,
        proposer_id=me.id,
        position_group=me.position_group,
        proposer_agency_code=me.agency_code,
        status=IdeaStatus.DRAFT,
        title=data.title,
        partners=[],
        extra_answers={},
    )
    _apply_fields(session, idea, edition, data.model_dump(exclude={"edition_code", "title"}, exclude_unset=True))
    session.add(idea)
    session.commit()
    return idea


def update_idea(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, data: IdeaUpdate, now: datetime | None = None
) -> Idea:
    """Change a draft, or a submitted idea until the deadline (then a new revision is published)."""
    now = now or utcnow()
    idea, edition = _editable(session, idea_id, principal)
    if idea.status not in EDITABLE:
        raise conflict("idea_frozen", FROZEN, {"status": idea.status})
    require_before_deadline(edition, now)
    changed = _apply_fields(session, idea, edition, data.model_dump(exclude_unset=True))
    if idea.status == IdeaStatus.SUBMITTED and changed:
        problems = _completeness(idea, edition)
        if problems:
            raise _refuse_incomplete(problems)
        new_revision(session, idea, edition, principal.user_id)
    session.commit()
    return idea


def submit_idea(session: Session, *, principal: Principal, idea_id: uuid.UUID, now: datetime | None = None) -> Idea:
    """Submit a complete draft within the submission window; publishes revision 1."""
    now = now or utcnow()
    idea, edition = _editable(session, idea_id, principal)
    if idea.status != IdeaStatus.DRAFT:
        raise conflict(
            "not_a_draft",
            Message("Hanya draf yang dapat diajukan", "Only a draft can be submitted"),
            {"status": idea.status},
        )
    require_submission_open(edition, now)
    problems = _completeness(idea, edition)
    if problems:
        raise _refuse_incomplete(problems)
    idea.status = IdeaStatus.SUBMITTED
    idea.submitted_at = now
    idea.submitted_late = now > edition.submission_closes_at
    event = new_revision(session, idea, edition, principal.user_id)
    _tell(
        session,
        people=[event.payload.proposer, *event.payload.co_proposers],
        cause=event.event_id,
        template=NotificationTemplate.IDEA_SUBMITTED,
        idea=idea,
        edition=edition,
        submitted_at=now.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
        late=idea.submitted_late,
    )
    session.commit()
    return idea


def withdraw_idea(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, reason: str, now: datetime | None = None
) -> Idea:
    """The proposer withdraws an idea with a reason, until decisions are published."""
    now = now or utcnow()
    idea, access = _viewable(session, idea_id, principal, lock=True)
    if not access.proposer and not access.committee:
        raise forbidden({"reason": "only the proposer withdraws an idea"})
    if idea.status == IdeaStatus.WITHDRAWN:
        raise conflict("already_withdrawn", Message("Gagasan sudah diundurkan", "The idea is already withdrawn"))
    edition = session.get_one(Edition, idea.edition_id)
    require_withdrawal_open(edition, now)
    idea.status = IdeaStatus.WITHDRAWN
    idea.withdrawn_at = now
    idea.withdraw_reason = reason.strip()
    if idea.revision > 0:  # other services only know submitted ideas
        payload = IdeaWithdrawnPayload(
            idea_id=idea.id, edition_code=edition.code, reason=idea.withdraw_reason, withdrawn_at=now
        )
        publish(session, IdeaWithdrawn(producer=PRODUCER, payload=payload))
    record_audit(
        session,
        table=audit_log,
        actor=principal,
        action="idea.withdrawn",
        object_type="idea",
        object_id=idea.id,
        details={"edition_code": edition.code, "reason": idea.withdraw_reason, "by_committee": access.committee},
    )
    session.commit()
    return idea


def screen_idea(
    session: Session,
    *,
    principal: Principal,
    idea_id: uuid.UUID,
    eligible: bool,
    reason: str | None,
    now: datetime | None = None,
) -> Idea:
    """The committee screens a submitted idea (or corrects a screening); publishes idea.screened.v1."""
    now = now or utcnow()
    idea = _load(session, idea_id, lock=True)
    if idea.status not in (IdeaStatus.SUBMITTED, *SCREENED):
        raise conflict(
            "not_submitted",
            Message("Hanya gagasan yang sudah diajukan dapat diseleksi", "Only submitted ideas can be screened"),
            {"status": idea.status},
        )
    previous = str(idea.status)
    reason = (reason or "").strip() or None
    if not eligible and reason is None:
        raise invalid(
            "reason_required",
            Message("Alasan wajib diisi bila gagasan tidak memenuhi syarat", "A reason is required when not eligible"),
            [_problem("reason", "wajib diisi", "required")],
        )
    edition = session.get_one(Edition, idea.edition_id)
    require_screening_open(edition, now)
    idea.status = IdeaStatus.ELIGIBLE if eligible else IdeaStatus.NOT_ELIGIBLE
    idea.screened_at, idea.screened_by, idea.screening_reason = now, principal.user_id, reason
    idea.screened_eligible = eligible
    payload = IdeaScreenedPayload(
        idea_id=idea.id, edition_code=edition.code, eligible=eligible, reason=reason, screened_at=now
    )
    screened = IdeaScreened(producer=PRODUCER, payload=payload)
    publish(session, screened)
    _tell(
        session,
        people=_team(session, idea),
        cause=screened.event_id,
        template=NotificationTemplate.IDEA_SCREENED,
        idea=idea,
        edition=edition,
        eligible=eligible,
        reason=reason,
    )
    record_audit(
        session,
        table=audit_log,
        actor=principal,
        action="idea.screened",
        object_type="idea",
        object_id=idea.id,
        details={"edition_code": edition.code, "eligible": eligible, "reason": reason, "previous_status": previous},
    )
    session.commit()
    return idea


# ---------------------------------------------------------------------------------------------- teams


def invite_co_proposer(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, nip: str, now: datetime | None = None
) -> Idea:
    """The proposer invites another participant by NIP."""
    now = now or utcnow()
    idea, access = _viewable(session, idea_id, principal, lock=True)
    if not access.proposer:
        raise forbidden({"reason": "only the proposer invites co-proposers"})
    if idea.status not in EDITABLE:
        raise conflict("idea_frozen", FROZEN, {"status": idea.status})
    require_before_deadline(session.get_one(Edition, idea.edition_id), now)
    invitee = session.scalar(select(Participant).where(Participant.nip == nip))
    if invitee is None:
        raise not_found("Peserta dengan NIP ini", "A participant with this NIP", {"nip": nip})
    if invitee.id == idea.proposer_id:
        raise invalid(
            "self_invite", Message("Pengusul tidak dapat mengundang diri sendiri", "You cannot invite yourself")
        )
    members = {m.participant_id: m for m in session.scalars(select(IdeaMember).where(IdeaMember.idea_id == idea.id))}
    if invitee.id in members and members[invitee.id].status != MemberStatus.DECLINED:
        raise conflict("already_invited", Message("Peserta ini sudah diundang", "This participant is already invited"))
    active = [m for m in members.values() if m.status != MemberStatus.DECLINED]
    if len(active) >= MAX_CO_PROPOSERS:
        raise conflict(
            "team_full",
            Message(
                f"Tim paling banyak {MAX_CO_PROPOSERS} pengusul pendamping", f"At most {MAX_CO_PROPOSERS} co-proposers"
            ),
        )
    if invitee.id in members:
        members[invitee.id].status, members[invitee.id].invited_at = MemberStatus.INVITED, now
        members[invitee.id].responded_at = None
    else:
        session.add(IdeaMember(idea_id=idea.id, participant_id=invitee.id, status=MemberStatus.INVITED, invited_at=now))
    proposer = session.get_one(Participant, idea.proposer_id)
    _tell(
        session,
        people=[_person(invitee)],
        cause=f"invitation:{idea.id}:{invitee.id}:{now.isoformat()}",
        template=NotificationTemplate.TEAM_INVITATION,
        idea=idea,
        edition=session.get_one(Edition, idea.edition_id),
        proposer_name=proposer.name,
    )
    session.commit()
    return idea


def respond_to_invitation(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, accept: bool, now: datetime | None = None
) -> Idea:
    """An invited participant accepts or declines; a team change of a submitted idea is a new revision."""
    now = now or utcnow()
    idea, access = _viewable(session, idea_id, principal, lock=True)
    if access.member_status != MemberStatus.INVITED:
        raise conflict("no_invitation", Message("Tidak ada undangan yang menunggu", "There is no pending invitation"))
    edition = session.get_one(Edition, idea.edition_id)
    if accept:
        if idea.status not in EDITABLE:
            raise conflict("idea_frozen", FROZEN, {"status": idea.status})
        require_before_deadline(edition, now)
    me = participant_of(session, principal)
    member = session.get_one(IdeaMember, (idea.id, me.id))
    member.status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    member.responded_at = now
    session.flush()
    _tell(
        session,
        people=[_person(session.get_one(Participant, idea.proposer_id))],
        cause=f"invitation-answer:{idea.id}:{me.id}:{now.isoformat()}",
        template=NotificationTemplate.TEAM_INVITATION_ANSWERED,
        idea=idea,
        edition=edition,
        member_name=me.name,
        accepted=accept,
    )
    if accept and idea.status == IdeaStatus.SUBMITTED:
        new_revision(session, idea, edition, principal.user_id)
    session.commit()
    return idea


def remove_co_proposer(
    session: Session,
    *,
    principal: Principal,
    idea_id: uuid.UUID,
    participant_id: uuid.UUID,
    now: datetime | None = None,
) -> Idea:
    """The proposer removes a team member (or a pending invitation); a submitted idea gets a new revision."""
    now = now or utcnow()
    idea, access = _viewable(session, idea_id, principal, lock=True)
    if not access.proposer:
        raise forbidden({"reason": "only the proposer changes the team"})
    if idea.status not in EDITABLE:
        raise conflict("idea_frozen", FROZEN, {"status": idea.status})
    edition = session.get_one(Edition, idea.edition_id)
    require_before_deadline(edition, now)
    member = session.get(IdeaMember, (idea.id, participant_id))
    if member is None:
        raise not_found("Anggota tim", "Team member")
    was_accepted = member.status == MemberStatus.ACCEPTED
    session.delete(member)
    session.flush()
    if was_accepted and idea.status == IdeaStatus.SUBMITTED:
        new_revision(session, idea, edition, principal.user_id)
    session.commit()
    return idea


# ---------------------------------------------------------------------------------------------- reading


def read_idea(session: Session, idea: Idea) -> IdeaRead:
    """An idea with its proposer, team, attachments and progress (four small queries)."""
    edition = session.get_one(Edition, idea.edition_id)
    proposer = session.get_one(Participant, idea.proposer_id)
    team = session.execute(
        select(Participant, IdeaMember.status)
        .join(IdeaMember, IdeaMember.participant_id == Participant.id)
        .where(IdeaMember.idea_id == idea.id)
        .order_by(IdeaMember.invited_at)
    ).all()
    attachments = session.scalars(
        select(Attachment).where(Attachment.idea_id == idea.id).order_by(Attachment.created_at)
    ).all()
    return IdeaRead(
        id=idea.id,
        edition_code=edition.code,
        status=idea.status,
        title=idea.title,
        problem=idea.problem,
        solution=idea.solution,
        beneficiaries=idea.beneficiaries,
        time_saved_minutes_per_case=idea.time_saved_minutes_per_case,
        cost_saved_per_year_rp=idea.cost_saved_per_year_rp,
        estimated_budget_rp=idea.estimated_budget_rp,
        partners=idea.partners,
        target_agency_code=idea.target_agency_code,
        service_area=idea.service_area,
        extra_answers=idea.extra_answers,
        position_group=PositionGroup(idea.position_group),
        proposer=PersonRead(
            participant_id=proposer.id, name=proposer.name, nip=proposer.nip, agency_code=proposer.agency_code
        ),
        team=[
            PersonRead(participant_id=p.id, name=p.name, nip=p.nip, agency_code=p.agency_code, status=status)
            for p, status in team
        ],
        revision=idea.revision,
        submitted_at=idea.submitted_at,
        submitted_late=idea.submitted_late,
        editable_until=submission_deadline(edition),
        withdrawn_at=idea.withdrawn_at,
        withdraw_reason=idea.withdraw_reason,
        screening=ScreeningRead(
            eligible=idea.screened_eligible, reason=idea.screening_reason, screened_at=idea.screened_at
        )
        if idea.screened_at is not None and idea.screened_eligible is not None
        else None,
        decision=DecisionRead(
            selected=idea.decision_selected,
            score=idea.decision_score,
            rank=idea.decision_rank,
            decided_at=idea.decided_at,
        )
        if idea.decision_selected is not None
        else None,
        implementation=ImplementationRead(
            ticket_id=idea.ticket_id, status=idea.ticket_status, updated_at=idea.ticket_status_at
        )
        if idea.ticket_id is not None
        else None,
        attachments=[
            AttachmentRead(
                id=a.id,
                filename=a.filename,
                content_type=a.content_type,
                size_bytes=a.size_bytes,
                sha256=a.sha256,
                created_at=a.created_at,
            )
            for a in attachments
        ],
        created_at=idea.created_at,
        updated_at=idea.updated_at,
    )


def get_idea(session: Session, *, principal: Principal, idea_id: uuid.UUID) -> Idea:
    """An idea the caller may see; 404 otherwise."""
    idea, _ = _viewable(session, idea_id, principal)
    return idea


def list_versions(session: Session, *, principal: Principal, idea_id: uuid.UUID) -> list[VersionRead]:
    """Every submitted revision of an idea, oldest first."""
    _viewable(session, idea_id, principal)
    rows = session.scalars(select(IdeaVersion).where(IdeaVersion.idea_id == idea_id).order_by(IdeaVersion.revision))
    return [
        VersionRead(revision=v.revision, snapshot=v.snapshot, changed_by=v.changed_by, created_at=v.created_at)
        for v in rows
    ]


@dataclass(frozen=True)
class IdeaFilters:
    """What a list or export is narrowed to."""

    edition_code: str | None = None
    status: str | None = None
    position_group: str | None = None
    agency_code: str | None = None
    target_agency_code: str | None = None
    service_area: str | None = None
    q: str | None = None


def _filtered(principal: Principal, filters: IdeaFilters) -> AnySelect:
    """The list query: ideas with edition code and proposer, narrowed by filters and by who asks."""
    query: AnySelect = (
        select(Idea, Edition.code, Participant.name, Participant.nip)
        .join(Edition, Edition.id == Idea.edition_id)
        .join(Participant, Participant.id == Idea.proposer_id)
    )
    if not principal.has_role(Role.COMMITTEE):
        # A subquery, not a lookup first: a participant's page is still one round trip.
        me = select(Participant.id).where(Participant.user_id == principal.user_id).scalar_subquery()
        team_ideas = select(IdeaMember.idea_id).where(
            IdeaMember.participant_id == me, IdeaMember.status != MemberStatus.DECLINED
        )
        query = query.where(or_(Idea.proposer_id == me, Idea.id.in_(team_ideas)))
    if filters.edition_code:
        query = query.where(Edition.code == filters.edition_code)
    if filters.status:
        query = query.where(Idea.status == filters.status)
    if filters.position_group:
        query = query.where(Idea.position_group == filters.position_group)
    if filters.agency_code:
        query = query.where(Idea.proposer_agency_code == filters.agency_code)
    if filters.target_agency_code:
        query = query.where(Idea.target_agency_code == filters.target_agency_code)
    if filters.service_area:
        query = query.where(func.lower(Idea.service_area) == filters.service_area.strip().lower())
    if filters.q and filters.q.strip():
        ts_query = func.websearch_to_tsquery("simple", filters.q.strip())
        query = query.where(Idea.search_vector.op("@@")(ts_query))
        query = query.add_columns(func.ts_rank(Idea.search_vector, ts_query).label("rank"))
        query = query.order_by(func.ts_rank(Idea.search_vector, ts_query).desc(), Idea.created_at.desc(), Idea.id)
    else:
        query = query.order_by(Idea.created_at.desc(), Idea.id)
    return query


def list_ideas(session: Session, *, principal: Principal, filters: IdeaFilters, page: Page) -> IdeaPage:
    """One page of the ideas the caller may see, with the total, in one query."""
    query = _filtered(principal, filters).add_columns(func.count().over().label("total"))
    rows = session.execute(query.limit(page.page_size).offset(page.offset)).all()
    items = [
        IdeaSummary(
            id=idea.id,
            edition_code=row[1],
            status=idea.status,
            title=idea.title,
            position_group=PositionGroup(idea.position_group),
            proposer_name=row[2],
            proposer_nip=row[3],
            proposer_agency_code=idea.proposer_agency_code,
            target_agency_code=idea.target_agency_code,
            service_area=idea.service_area,
            revision=idea.revision,
            submitted_at=idea.submitted_at,
            decision_selected=idea.decision_selected,
            ticket_status=idea.ticket_status,
            rank=float(row.rank) if "rank" in row._fields else None,
        )
        for row in rows
        for idea in (row[0],)
    ]
    return IdeaPage(items=items, total=rows[0].total if rows else 0, page=page.page, page_size=page.page_size)


def export_rows(session: Session, *, principal: Principal, filters: IdeaFilters, limit: int = 100_000) -> list[Any]:
    """Every matching idea for an export (committee), in one query."""
    return list(session.execute(_filtered(principal, filters).limit(limit)).all())


def _text(idea: Idea) -> str:
    return " ".join(x for x in (idea.title, idea.problem, idea.solution, idea.beneficiaries, idea.service_area) if x)


def similar_ideas(session: Session, *, principal: Principal, idea_id: uuid.UUID, limit: int = 5) -> SimilarIdeasRead:
    """The submitted ideas of the same edition that read most like this one (drafting and screening).

    The committee gets the ideas; a participant only whether any reads alike (at least NOTICE_SCORE).
    """
    idea, access = _viewable(session, idea_id, principal)
    candidates = session.execute(
        select(
            Idea.id,
            Idea.title,
            Idea.status,
            Idea.proposer_agency_code,
            Idea.problem,
            Idea.solution,
            Idea.beneficiaries,
            Idea.service_area,
        ).where(
            Idea.edition_id == idea.edition_id,
            Idea.id != idea.id,
            Idea.status.in_([IdeaStatus.SUBMITTED, IdeaStatus.ELIGIBLE, IdeaStatus.NOT_ELIGIBLE]),
        )
    ).all()
    by_id = {c.id: c for c in candidates}
    texts = [
        (c.id, " ".join(x for x in (c.title, c.problem, c.solution, c.beneficiaries, c.service_area) if x))
        for c in candidates
    ]
    ranked = similarity.most_similar(_text(idea), texts, limit=limit)
    similar_exist = bool(ranked) and ranked[0][1] >= similarity.NOTICE_SCORE
    if not access.committee:
        return SimilarIdeasRead(similar_exist=similar_exist, ideas=[])
    return SimilarIdeasRead(
        similar_exist=similar_exist,
        ideas=[
            SimilarIdea(
                id=by_id[key].id,
                title=by_id[key].title,
                status=by_id[key].status,
                proposer_agency_code=by_id[key].proposer_agency_code,
                score=score,
            )
            for key, score in ranked
        ],
    )
