"""Conflicts and exclusions: who may not judge an idea, logged once, and a judge's recusal."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.conflicts.models import Exclusion, ExclusionKind
from services.judging.conflicts.schemas import ExclusionRead
from services.judging.ideas.models import Idea, IdeaFacts
from services.judging.ideas.service import get_known_idea, work_unit_key
from services.judging.scoring.models import ScoreSet, SetStatus
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import Message

CONFLICT_MESSAGE = Message(
    "Anda memiliki konflik kepentingan dengan gagasan ini", "You have a conflict of interest with this idea"
)


def conflict_of(
    idea: IdeaFacts, *, judge_id: uuid.UUID, agency_code: str | None, work_unit: str | None = None
) -> str | None:
    """Why a judge may not judge the idea ('on_team', 'same_work_unit', 'same_agency'), or None."""
    if str(judge_id) in idea.team_user_ids:
        return "on_team"
    # The closer tie is named first: colleagues of one unit kerja know each other's work.
    unit = work_unit_key(agency_code, work_unit)
    if unit is not None and unit in idea.team_work_units:
        return "same_work_unit"
    if agency_code and agency_code in idea.team_agency_codes:
        return "same_agency"
    return None


def record_exclusion(
    session: Session,
    *,
    idea: IdeaFacts,
    judge_id: uuid.UUID,
    judge_name: str,
    kind: ExclusionKind,
    reason: str,
    actor: Principal | None,
) -> bool:
    """Log an exclusion once (and in the audit log); True if it is new."""
    inserted = session.execute(
        pg_insert(Exclusion)
        .values(
            id=uuid.uuid4(),
            edition_code=idea.edition_code,
            idea_id=idea.id,
            judge_id=judge_id,
            judge_name=judge_name,
            kind=str(kind),
            reason=reason,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[Exclusion.idea_id, Exclusion.judge_id, Exclusion.kind])
        .returning(Exclusion.id)
    ).first()
    if inserted is None:
        return False
    record(
        session,
        edition_code=idea.edition_code,
        action=f"judge_excluded_{kind}",
        actor=actor,
        object_type="idea",
        object_id=idea.id,
        reason=reason,
        data={"judge_id": str(judge_id), "judge_name": judge_name},
    )
    return True


def recuse(session: Session, *, idea_id: uuid.UUID, principal: Principal, reason: str) -> ExclusionRead:
    """A judge steps aside from an idea, with a reason; their unsubmitted draft is discarded."""
    idea = get_known_idea(session, idea_id=idea_id)
    record_exclusion(
        session,
        idea=idea,
        judge_id=principal.user_id,
        judge_name=principal.name,
        kind=ExclusionKind.RECUSAL,
        reason=reason,
        actor=principal,
    )
    session.execute(
        delete(ScoreSet).where(
            ScoreSet.idea_id == idea.id, ScoreSet.judge_id == principal.user_id, ScoreSet.status == SetStatus.DRAFT
        )
    )
    session.commit()
    row = session.execute(
        select(Exclusion).where(
            Exclusion.idea_id == idea.id,
            Exclusion.judge_id == principal.user_id,
            Exclusion.kind == ExclusionKind.RECUSAL,
        )
    ).scalar_one()
    return ExclusionRead.model_validate(row, from_attributes=True)


def list_exclusions(session: Session, *, edition_code: str) -> list[ExclusionRead]:
    """Every logged exclusion of the edition, oldest first."""
    rows = session.scalars(
        select(Exclusion).where(Exclusion.edition_code == edition_code).order_by(Exclusion.created_at, Exclusion.id)
    ).all()
    return [ExclusionRead.model_validate(r, from_attributes=True) for r in rows]


def excluded_judges(session: Session, idea_ids: Sequence[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(idea_id, judge_id) pairs of every exclusion among these ideas."""
    rows = session.execute(select(Exclusion.idea_id, Exclusion.judge_id).where(Exclusion.idea_id.in_(idea_ids))).all()
    return {(r.idea_id, r.judge_id) for r in rows}


def exclude_conflicted_scorers(session: Session, idea_id: uuid.UUID) -> int:
    """After an idea's team changed, exclude (and log) judges who scored it and now have a conflict.

    Their scores stop counting in results; runs inside the caller's transaction (an event handler).
    """
    idea = session.get(Idea, idea_id)
    if idea is None:
        return 0
    excluded = 0
    for score_set in session.scalars(select(ScoreSet).where(ScoreSet.idea_id == idea_id)):
        reason = conflict_of(idea, judge_id=score_set.judge_id, agency_code=score_set.judge_agency_code)
        if reason and record_exclusion(
            session,
            idea=idea,
            judge_id=score_set.judge_id,
            judge_name=score_set.judge_name,
            kind=ExclusionKind.CONFLICT,
            reason=reason,
            actor=None,
        ):
            excluded += 1
    return excluded
