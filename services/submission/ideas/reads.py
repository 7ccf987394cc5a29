"""Reading one idea: its full view, its revisions and the ideas that read like it."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.editions.models import Edition
from services.submission.editions.service import submission_deadline
from services.submission.ideas import similarity
from services.submission.ideas.access import viewable
from services.submission.ideas.models import Idea, IdeaStatus, IdeaVersion
from services.submission.ideas.revisions import Related, related_of
from services.submission.ideas.schemas import (
    AttachmentRead,
    DecisionRead,
    IdeaRead,
    ImplementationRead,
    PersonRead,
    ScreeningRead,
    SimilarIdea,
    SimilarIdeasRead,
    VersionRead,
)
from services.submission.participants.models import Participant
from shared.auth import Principal
from shared.events import PositionGroup


def read_idea(session: Session, idea: Idea, related: Related | None = None) -> IdeaRead:
    """An idea with its proposer, team, attachments and progress (team and attachments loaded unless given)."""
    edition = session.get_one(Edition, idea.edition_id)
    proposer = session.get_one(Participant, idea.proposer_id)
    related = related or related_of(session, idea)
    team, attachments = related.members, related.attachments
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
        attachments=[AttachmentRead.model_validate(a, from_attributes=True) for a in attachments],
        created_at=idea.created_at,
        updated_at=idea.updated_at,
    )


def get_idea(session: Session, *, principal: Principal, idea_id: uuid.UUID) -> Idea:
    """An idea the caller may see; 404 otherwise."""
    idea, _ = viewable(session, idea_id, principal)
    return idea


def list_versions(session: Session, *, principal: Principal, idea_id: uuid.UUID) -> list[VersionRead]:
    """Every submitted revision of an idea, oldest first."""
    viewable(session, idea_id, principal)
    rows = session.scalars(select(IdeaVersion).where(IdeaVersion.idea_id == idea_id).order_by(IdeaVersion.revision))
    return [VersionRead.model_validate(v, from_attributes=True) for v in rows]


def _text(idea: Idea) -> str:
    return " ".join(x for x in (idea.title, idea.problem, idea.solution, idea.beneficiaries, idea.service_area) if x)


def similar_ideas(session: Session, *, principal: Principal, idea_id: uuid.UUID, limit: int = 5) -> SimilarIdeasRead:
    """The submitted ideas of the same edition that read most like this one (drafting and screening).

    The committee gets the ideas; a participant only whether any reads alike (at least NOTICE_SCORE).
    """
    idea, access = viewable(session, idea_id, principal)
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
