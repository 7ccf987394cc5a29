"""HTTP routes of scoring: autosave, submit, reopen, reading scores, the ideas to judge."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from starlette.concurrency import run_in_threadpool

from services.judging.conflicts.schemas import ReasonIn
from services.judging.db import SessionDep, runtime
from services.judging.declarations.deps import declared
from services.judging.deps import JudgeOrCommittee, RoundQuery
from services.judging.rubric.models import DEFAULT_ROUND, RoundKind
from services.judging.scoring import reads, service, workflow
from services.judging.scoring.schemas import IdeaScoresRead, IdeaToJudgeRead, ScoreSetRead, ScoresIn
from shared.auth import Committee, Judge, Principal
from shared.errors import Message, invalid
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["scoring"], responses=errors(401, 403))


@router.put(
    "/ideas/{idea_id}/scores",
    summary="Save some or all of a judge's scores (judge, idempotent)",
    response_model=ScoreSetRead,
    responses=errors(404, 409),
)
async def save_scores(
    idea_id: uuid.UUID,
    body: ScoresIn,
    principal: Judge,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    round_kind: RoundQuery = DEFAULT_ROUND,
) -> ScoreSetRead:
    """Autosave some or all of the judge's scores; a retry with the same Idempotency-Key changes nothing."""
    if not idempotency_key or not idempotency_key.strip():
        raise invalid(
            "idempotency_key_required",
            Message("Header Idempotency-Key wajib diisi", "The Idempotency-Key header is required"),
        )
    # The hot route of audition day: the session and the save run in one worker thread, where SessionDep and a
    # sync route would take three hand-offs between the event loop and the thread pool (bench/RESULTS.md).
    return await run_in_threadpool(
        _save_in_session,
        idea_id=idea_id,
        principal=principal,
        body=body,
        idempotency_key=idempotency_key.strip(),
        kind=round_kind,
    )


def _save_in_session(
    *, idea_id: uuid.UUID, principal: Principal, body: ScoresIn, idempotency_key: str, kind: RoundKind
) -> ScoreSetRead:
    with runtime.session_factory() as session:  # as SessionDep: rolled back unless the save committed
        return service.save_scores(
            session,
            idea_id=idea_id,
            principal=principal,
            body=body,
            idempotency_key=idempotency_key,
            kind=kind,
        )


@router.post(
    "/ideas/{idea_id}/scores/submit",
    summary="Submit and lock a judge's complete set (judge)",
    response_model=ScoreSetRead,
    dependencies=[Depends(declared)],
    responses=errors(404, 409),
)
def submit_scores(
    idea_id: uuid.UUID, session: SessionDep, principal: Judge, round_kind: RoundQuery = DEFAULT_ROUND
) -> ScoreSetRead:
    """Submit the judge's complete set, which locks it."""
    return workflow.submit_scores(session, idea_id=idea_id, principal=principal, kind=round_kind)


@router.get(
    "/ideas/{idea_id}/scores",
    summary="An idea's scores: own set, others' once all submitted",
    response_model=IdeaScoresRead,
    responses=errors(404, 409),
)
def get_scores(
    idea_id: uuid.UUID,
    session: SessionDep,
    principal: JudgeOrCommittee,
    round_kind: RoundQuery = DEFAULT_ROUND,
) -> IdeaScoresRead:
    """The judge's own set, and others' once the whole panel submitted; the committee sees all."""
    return reads.idea_scores(session, idea_id=idea_id, principal=principal, kind=round_kind)


@router.post(
    "/ideas/{idea_id}/scores/{judge_id}/reopen",
    summary="Unlock a judge's submitted set, with a reason (committee)",
    response_model=ScoreSetRead,
    responses=errors(404, 409),
)
def reopen(
    idea_id: uuid.UUID,
    judge_id: uuid.UUID,
    body: ReasonIn,
    session: SessionDep,
    principal: Committee,
    round_kind: RoundQuery = DEFAULT_ROUND,
) -> ScoreSetRead:
    """Unlock a judge's submitted set (committee), with a logged reason."""
    return workflow.reopen_set(
        session, idea_id=idea_id, judge_id=judge_id, reason=body.reason, principal=principal, kind=round_kind
    )


@router.get(
    "/editions/{edition_code}/ideas",
    summary="The ideas to judge in a round (judge, committee)",
    response_model=list[IdeaToJudgeRead],
)
def ideas_to_judge(
    edition_code: str,
    session: SessionDep,
    principal: JudgeOrCommittee,
    round_kind: RoundQuery = DEFAULT_ROUND,
) -> list[IdeaToJudgeRead]:
    """The ideas to judge in a round: a judge sees their panels' ideas with conflicts and own progress."""
    return reads.ideas_to_judge(session, edition_code=edition_code, principal=principal, kind=round_kind)
