"""An idea's revisions: the stored snapshot of each and the idea.submitted.v1 event other services read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

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


def attachments_of(session: Session, idea: Idea) -> list[Attachment]:
    """An idea's attachments, oldest first."""
    return list(
        session.scalars(
            select(Attachment).where(Attachment.idea_id == idea.id).order_by(Attachment.created_at, Attachment.id)
        )
    )


def _attachment_refs(attachments: list[Attachment]) -> list[AttachmentRef]:
    return [
        AttachmentRef(
            attachment_id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
            sha256=a.sha256,
        )
        for a in attachments
    ]


def members_of(session: Session, idea: Idea) -> list[tuple[Participant, str]]:
    """Everyone invited to an idea's team with their answer (invited / accepted / declined), in invitation order."""
    rows = session.execute(
        select(Participant, IdeaMember.status)
        .join(IdeaMember, IdeaMember.participant_id == Participant.id)
        .where(IdeaMember.idea_id == idea.id)
        .order_by(IdeaMember.invited_at)
    )
    return [(p, status) for p, status in rows]


def co_proposers(session: Session, idea: Idea) -> list[Participant]:
    """The accepted co-proposers of an idea, by NIP."""
    return accepted(members_of(session, idea))


def accepted(members: list[tuple[Participant, str]]) -> list[Participant]:
    """The accepted co-proposers among an idea's members, by NIP."""
    return sorted((p for p, status in members if status == MemberStatus.ACCEPTED), key=lambda p: p.nip)


@dataclass(frozen=True)
class Related:
    """What a revision and the idea's answer both need: its team (with their answers) and attachments."""

    members: list[tuple[Participant, str]]
    attachments: list[Attachment]


def related_of(session: Session, idea: Idea) -> Related:
    """An idea's team and attachments (two queries), loaded once for the revision and the answer."""
    return Related(members_of(session, idea), attachments_of(session, idea))


def revision_event(
    session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID, related: Related
) -> IdeaSubmitted:
    """Store the idea's current revision; returns its idea.submitted.v1 event for the caller to publish."""
    proposer = session.get_one(Participant, idea.proposer_id)
    team = accepted(related.members)
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
        attachments=_attachment_refs(related.attachments),
        extra_answers=_extra_answers(idea, edition),
    )
    version = snapshot.model_dump(mode="json") | {
        "extra_answers": idea.extra_answers,
        "co_proposer_nips": [p.nip for p in team],
    }
    session.add(IdeaVersion(idea_id=idea.id, revision=idea.revision, snapshot=version, changed_by=changed_by))
    return IdeaSubmitted(producer=PRODUCER, payload=payload)


def new_revision(session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID) -> IdeaSubmitted:
    """A submitted idea changed (its text, team or attachments): store and publish the next revision."""
    idea.revision += 1
    event = revision_event(session, idea, edition, changed_by, related_of(session, idea))
    publish(session, event)
    return event


def revise_if_submitted(session: Session, idea: Idea, edition: Edition, changed_by: uuid.UUID) -> None:
    """After a change other services must see (text, team, attachments): a submitted idea gets its next revision."""
    if idea.status == IdeaStatus.SUBMITTED:
        session.flush()
        new_revision(session, idea, edition, changed_by)
