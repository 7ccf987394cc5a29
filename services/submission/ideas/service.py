"""The ideas' lifecycle: draft, edit, submit, edit after submission (versioned), withdraw, screening.

Every state change that other services care about is published through the outbox in the same
transaction: idea.submitted.v1 (with a higher revision after each change), idea.screened.v1 and
idea.withdrawn.v1.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.submission.db import audit
from services.submission.editions.models import Edition
from services.submission.editions.service import (
    get_edition,
    require_before_deadline,
    require_screening_open,
    require_submission_open,
    require_withdrawal_open,
)
from services.submission.ideas.access import load_for_change, load_idea, require_changeable, viewable
from services.submission.ideas.models import Idea, IdeaStatus
from services.submission.ideas.notices import notices, team_of, tell
from services.submission.ideas.revisions import PRODUCER, Related, related_of, revise_if_submitted, revision_event
from services.submission.ideas.schemas import IdeaCreate, IdeaUpdate
from services.submission.ideas.validation import apply_fields, completeness, problem, refuse_incomplete
from services.submission.participants.models import Participant
from services.submission.participants.service import participant_of
from shared.auth import Principal
from shared.clock import WIB
from shared.db import utcnow
from shared.errors import Message, conflict, forbidden, invalid
from shared.events import IdeaScreened, IdeaScreenedPayload, IdeaWithdrawn, IdeaWithdrawnPayload, NotificationTemplate
from shared.outbox import publish

SCREENED = (IdeaStatus.ELIGIBLE, IdeaStatus.NOT_ELIGIBLE)


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
    apply_fields(session, idea, edition, data.model_dump(exclude={"edition_code", "title"}, exclude_unset=True))
    session.add(idea)
    session.commit()
    return idea


def update_idea(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, data: IdeaUpdate, now: datetime | None = None
) -> Idea:
    """Change a draft, or a submitted idea until the deadline (then a new revision is published)."""
    now = now or utcnow()
    idea, edition = load_for_change(session, idea_id, principal)
    require_changeable(idea, edition, now)
    changed = apply_fields(session, idea, edition, data.model_dump(exclude_unset=True))
    if changed:
        if idea.status == IdeaStatus.SUBMITTED and (problems := completeness(idea, edition)):
            raise refuse_incomplete(problems)
        revise_if_submitted(session, idea, edition, principal.user_id)
    session.commit()
    return idea


def submit_idea(session: Session, *, principal: Principal, idea_id: uuid.UUID, now: datetime | None = None) -> Idea:
    """Submit a complete draft within the submission window; publishes revision 1."""
    return submit(session, principal=principal, idea_id=idea_id, now=now)[0]


def submit(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, now: datetime | None = None
) -> tuple[Idea, Related]:
    """Submit a draft (as submit_idea); also returns its team and attachments, so the answer needs no read-back."""
    now = now or utcnow()
    idea, edition = load_for_change(session, idea_id, principal)
    if idea.status != IdeaStatus.DRAFT:
        raise conflict(
            "not_a_draft",
            Message("Hanya draf yang dapat diajukan", "Only a draft can be submitted"),
            {"status": idea.status},
        )
    require_submission_open(edition, now)
    problems = completeness(idea, edition)
    if problems:
        raise refuse_incomplete(problems)
    related = related_of(session, idea)
    idea.status = IdeaStatus.SUBMITTED
    idea.submitted_at = now
    idea.submitted_late = now > edition.submission_closes_at
    idea.revision += 1
    event = revision_event(session, idea, edition, principal.user_id, related)
    told = notices(
        people=[event.payload.proposer, *event.payload.co_proposers],
        cause=event.event_id,
        template=NotificationTemplate.IDEA_SUBMITTED,
        idea=idea,
        edition=edition,
        submitted_at=now.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
        late=idea.submitted_late,
    )
    publish(session, event, *told)  # the event and its notices in one set of statements
    session.commit()
    return idea, related


def withdraw_idea(
    session: Session, *, principal: Principal, idea_id: uuid.UUID, reason: str, now: datetime | None = None
) -> Idea:
    """The proposer withdraws an idea with a reason, until decisions are published."""
    now = now or utcnow()
    idea, access = viewable(session, idea_id, principal, lock=True)
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
    audit.record(
        session,
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
    idea = load_idea(session, idea_id, lock=True)
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
            [problem("reason", "wajib diisi", "required")],
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
    tell(
        session,
        people=team_of(session, idea),
        cause=screened.event_id,
        template=NotificationTemplate.IDEA_SCREENED,
        idea=idea,
        edition=edition,
        eligible=eligible,
        reason=reason,
    )
    audit.record(
        session,
        actor=principal,
        action="idea.screened",
        object_type="idea",
        object_id=idea.id,
        details={"edition_code": edition.code, "eligible": eligible, "reason": reason, "previous_status": previous},
    )
    session.commit()
    return idea
