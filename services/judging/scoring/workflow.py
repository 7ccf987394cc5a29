"""A score set's lifecycle after the saves: the judge submits (and locks) it, the committee reopens it."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.ideas.service import get_known_idea
from services.judging.rubric.models import DEFAULT_ROUND, RoundKind
from services.judging.rubric.service import criteria_of
from services.judging.scoring.access import authorise_judge, rubric_round
from services.judging.scoring.models import ScoreSet, SetStatus
from services.judging.scoring.reads import read_set
from services.judging.scoring.schemas import ScoreSetRead
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import Message, conflict, invalid, not_found


def submit_scores(
    session: Session, *, idea_id: uuid.UUID, principal: Principal, kind: RoundKind = DEFAULT_ROUND
) -> ScoreSetRead:
    """Submit (and lock) the judge's set; every counted criterion must be scored. Repeating is harmless."""
    idea = get_known_idea(session, idea_id=idea_id)
    rnd = rubric_round(session, idea.edition_code, kind)
    authorise_judge(session, idea, rnd.id, principal)
    score_set = session.execute(
        select(ScoreSet)
        .where(ScoreSet.round_id == rnd.id, ScoreSet.idea_id == idea.id, ScoreSet.judge_id == principal.user_id)
        .with_for_update()
    ).scalar_one_or_none()
    if score_set is None:
        raise not_found("Lembar nilai", "Score set", {"idea_id": str(idea_id)})
    criteria = criteria_of(session, rnd.id)
    result = read_set(session, score_set, criteria, kind)
    if score_set.status == SetStatus.SUBMITTED:
        session.rollback()
        return result
    if not result.complete:
        raise invalid(
            "score_set_incomplete",
            Message("Masih ada kriteria yang belum dinilai", "Some criteria are not scored yet"),
            {"missing": result.missing},
        )
    score_set.status = str(SetStatus.SUBMITTED)
    score_set.submitted_at = utcnow()
    record(
        session,
        edition_code=idea.edition_code,
        action="scores_submitted",
        actor=principal,
        object_type="idea",
        object_id=idea.id,
        data={
            "round": str(kind),
            "score_set_id": str(score_set.id),
            "scores": {s.criterion: s.value for s in result.scores},
            "weighted_score": result.weighted_score,
        },
    )
    session.commit()
    return result.model_copy(update={"status": score_set.status, "submitted_at": score_set.submitted_at})


def reopen_set(
    session: Session,
    *,
    idea_id: uuid.UUID,
    judge_id: uuid.UUID,
    reason: str,
    principal: Principal,
    kind: RoundKind = DEFAULT_ROUND,
) -> ScoreSetRead:
    """The committee unlocks a judge's submitted set, with a logged reason."""
    idea = get_known_idea(session, idea_id=idea_id)
    rnd = rubric_round(session, idea.edition_code, kind)
    score_set = session.execute(
        select(ScoreSet)
        .where(ScoreSet.round_id == rnd.id, ScoreSet.idea_id == idea.id, ScoreSet.judge_id == judge_id)
        .with_for_update()
    ).scalar_one_or_none()
    if score_set is None:
        raise not_found("Lembar nilai", "Score set", {"idea_id": str(idea_id), "judge_id": str(judge_id)})
    if score_set.status != SetStatus.SUBMITTED:
        raise conflict("score_set_not_locked", Message("Lembar nilai belum dikirim", "The score set is not submitted"))
    score_set.status = str(SetStatus.DRAFT)
    score_set.submitted_at = None
    record(
        session,
        edition_code=idea.edition_code,
        action="score_set_reopened",
        actor=principal,
        object_type="idea",
        object_id=idea.id,
        reason=reason,
        data={"judge_id": str(judge_id), "round": str(kind), "score_set_id": str(score_set.id)},
    )
    session.commit()
    return read_set(session, score_set, criteria_of(session, rnd.id), kind)
