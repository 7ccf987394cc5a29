"""An idea's revisions: the stored snapshot of each and the idea.submitted.v1 event other services read."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.attachments.models import Attachment
from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea, IdeaMember, IdeaStatus, IdeaVersion, MemberStatus
from services.submission.participants.models import Participant
from shared.db import utcnow
from shared.events import (
    AttachmentRef,
    ExtraAnswer,
    IdeaSnapshot,
    IdeaSubmitted,
    IdeaSubmittedPayload,
    Partner,
    Person,
    PositionGroup,
)
from shared.outbox import publish

PRODUCER = "submission"


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


def person(p: Participant) -> Person:
    """A participant as events and notifications name them."""
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


def co_proposers(session: Session, idea: Idea) -> list[Participant]:
    """The accepted co-proposers of an idea, by NIP."""
    return list(
        session.scalars(
            select(Participant)
            .join(IdeaMember, IdeaMember.participant_id == Participant.id)
            .where(IdeaMember.idea_id == idea.id, IdeaMember.status == MemberStatus.ACCEPTED)
            .order_by(Participant.nip)
        )
    )


def _record_revision(session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID) -> IdeaSubmitted:
    """Store the new revision and publish it (idea.submitted.v1 with the revision number); returns the event."""
    proposer = session.get_one(Participant, idea.proposer_id)
    team = co_proposers(session, idea)
    snapshot = _snapshot(idea)
    payload = IdeaSubmittedPayload(
        idea_id=idea.id,
        edition_code=edition.code,
        revision=idea.revision,
        position_group=PositionGroup(idea.position_group),
        proposer=person(proposer),
        co_proposers=[person(p) for p in team],
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


def revise_if_submitted(session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID) -> None:
    """After a change other services must see (text, team, attachments): a submitted idea gets its next revision."""
    if idea.status == IdeaStatus.SUBMITTED:
        session.flush()
        new_revision(session, idea, edition, changed_by)
