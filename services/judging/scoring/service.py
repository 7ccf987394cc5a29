"""Scoring's entry point on audition day: a judge's autosave, in one context query and cached statements.

Every function that changes state commits its own unit of work. Saves are idempotent per
(judge, Idempotency-Key): the key and the answer are stored in the save's own transaction.
Who may score is in `access.py`, submit and reopen in `workflow.py`, reading scores in `reads.py`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, Table, Uuid, and_, bindparam, exists, or_, select, text, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased, load_only, outerjoin

from services.judging.audit.service import record
from services.judging.conflicts.models import Exclusion
from services.judging.declarations.models import ConflictDeclaration
from services.judging.declarations.rules import declaration_required
from services.judging.ideas.models import Idea
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, Round, RoundKind
from services.judging.schedule.models import PanelMember, Slot
from services.judging.scoring.access import authorise_judge
from services.judging.scoring.models import Score, ScoreRequest, ScoreSet, SetStatus
from services.judging.scoring.reads import Scored, SetRow, set_read
from services.judging.scoring.schemas import ScoreSetRead, ScoresIn
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import Message, conflict, invalid, not_found


def _request_hash(idea_id: uuid.UUID, kind: RoundKind, body: ScoresIn) -> str:
    return hashlib.sha256(f"{idea_id}|{kind}|{body.model_dump_json()}".encode()).hexdigest()


#: Upserts the saved scores and returns every score of the set in one statement, with no read-back: the
#: set's row is locked (`_lock_set`), so its other scores cannot change meanwhile; the statement's snapshot
#: gives the ones this save does not touch, its RETURNING the ones it wrote. The scores come as three
#: arrays, so this is one cached statement whatever the number of criteria.
_WRITE_SCORES = text(
    """
    WITH written AS (
        INSERT INTO score (score_set_id, criterion_key, value, comment, updated_at)
        SELECT :set_id, t.key, t.value, t.comment, :now
        FROM unnest(CAST(:keys AS text[]), CAST(:values AS float8[]), CAST(:comments AS text[]))
            AS t(key, value, comment)
        ON CONFLICT (score_set_id, criterion_key)
        DO UPDATE SET value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at
        RETURNING criterion_key, value, comment
    )
    SELECT criterion_key, value, comment FROM written
    UNION ALL
    SELECT criterion_key, value, comment FROM score
    WHERE score_set_id = :set_id AND criterion_key <> ALL(CAST(:keys AS text[]))
    """
).columns(Score.criterion_key, Score.value, Score.comment)


def _write_scores(session: Session, score_set_id: uuid.UUID, body: ScoresIn, now: datetime) -> Sequence[Scored]:
    """Upsert the body's scores; every score of the set (one statement)."""
    params = {
        "set_id": score_set_id,
        "now": now,
        "keys": [s.criterion for s in body.scores],
        "values": [s.value for s in body.scores],
        "comments": [s.comment for s in body.scores],
    }
    return session.execute(_WRITE_SCORES, params).all()


def _replay(session: Session, stored: ScoreRequest, request_hash: str) -> ScoreSetRead:
    """The answer first given for this Idempotency-Key, ending the transaction; 422 if the key came with
    another body. Read before the rollback, which would expire the row and load it again."""
    same_body, response = stored.request_hash == request_hash, stored.response
    session.rollback()
    if not same_body or response is None:
        raise invalid(
            "idempotency_key_reused",
            Message(
                "Kunci idempoten sudah dipakai untuk isian lain", "Idempotency-Key already used for another request"
            ),
        )
    return ScoreSetRead.model_validate(response)


@dataclass(frozen=True)
class _SaveContext:
    """What a score save needs to know before writing, read in one query."""

    idea: Idea
    round: Round
    criteria: list[Criterion]
    excluded: bool
    on_panel: bool  # True also when the round has no panels
    declared: bool  # the judge's declaration of conflicts for the edition, which scoring waits for


def _save_context_query() -> Select[Idea, Round, Criterion, bool, bool, bool, ScoreRequest]:
    """The statement of `_save_context`, built once (its cache key is then computed once, not per save)."""
    idea_id, judge_id = bindparam("idea_id", type_=Uuid()), bindparam("judge_id", type_=Uuid())
    excluded = exists().where(Exclusion.idea_id == Idea.id, Exclusion.judge_id == judge_id)
    declared = exists().where(
        ConflictDeclaration.edition_code == Idea.edition_code, ConflictDeclaration.judge_id == judge_id
    )
    # The rule of `panel_for`: no members in the round means no panels; a member without a room sits on
    # every idea of the round, a member of a room on the ideas auditioned in that room.
    has_panels = exists().where(PanelMember.round_id == Round.id)
    idea_room = select(Slot.room_id).where(Slot.idea_id == idea_id).scalar_subquery()
    seated = exists().where(
        PanelMember.round_id == Round.id,
        PanelMember.judge_id == judge_id,
        or_(PanelMember.room_id.is_(None), PanelMember.room_id == idea_room),
    )
    stored = aliased(
        ScoreRequest,
        select(ScoreRequest)
        .where(ScoreRequest.judge_id == judge_id, ScoreRequest.key == bindparam("key", type_=String()))
        .subquery(),
    )
    return (
        select(Idea, Round, Criterion, excluded, ~has_panels | seated, declared, stored)
        .select_from(
            outerjoin(Idea, Round, and_(Round.edition_code == Idea.edition_code, Round.kind == bindparam("kind")))
            .outerjoin(Criterion, Criterion.round_id == Round.id)
            .outerjoin(stored, true())
        )
        .where(Idea.id == idea_id)
        .order_by(Criterion.position)
        # Only what the save reads: the idea's snapshot and the rubric's level texts are JSON that would be
        # parsed once per criterion row for nothing.
        .options(
            load_only(
                Idea.edition_code,
                Idea.revision,
                Idea.eligible,
                Idea.withdrawn_at,
                Idea.team_user_ids,
                Idea.team_agency_codes,
                Idea.team_work_units,
            ),
            load_only(Round.edition_code, Round.kind),
            load_only(
                Criterion.round_id,
                Criterion.key,
                Criterion.weight,
                Criterion.min_score,
                Criterion.max_score,
                Criterion.counted,
                Criterion.position,
            ),
        )
    )


_SAVE_CONTEXT = _save_context_query()


def _save_context(
    session: Session, *, idea_id: uuid.UUID, kind: RoundKind, judge_id: uuid.UUID, idempotency_key: str
) -> _SaveContext | ScoreRequest:
    """The answer already given for this Idempotency-Key, if any; else the idea, its round's rubric and
    the judge's exclusion and panel seat. One query.

    A stored answer wins whatever else holds (the first answer is replayed even if the judge was excluded
    since); otherwise 404 before the idea is known and 409 when the round has no rubric.
    """
    params = {"idea_id": idea_id, "judge_id": judge_id, "key": idempotency_key, "kind": str(kind)}
    rows = session.execute(_SAVE_CONTEXT, params).all()
    if not rows:  # no such idea: a key stored with it can only be another request's
        request = session.get(ScoreRequest, (judge_id, idempotency_key))
        if request is None:
            raise not_found("Gagasan", "Idea", {"idea_id": str(idea_id)})
        return request
    idea, rnd, _, is_excluded, on_panel, is_declared, request = rows[0]
    if request is not None:
        return request
    if not idea.known:
        raise not_found("Gagasan", "Idea", {"idea_id": str(idea_id)})
    if rnd is None or rows[0][2] is None:
        raise conflict(
            "rubric_missing",
            Message("Rubrik babak ini belum ditetapkan", "This round has no rubric yet"),
            {"round": str(kind)},
        )
    criteria = [r[2] for r in rows if r[2] is not None]
    return _SaveContext(idea, rnd, criteria, bool(is_excluded), bool(on_panel), bool(is_declared))


def save_scores(
    session: Session,
    *,
    idea_id: uuid.UUID,
    principal: Principal,
    body: ScoresIn,
    idempotency_key: str,
    kind: RoundKind = DEFAULT_ROUND,
) -> ScoreSetRead:
    """Autosave some of a judge's scores of an idea; a repeated Idempotency-Key replays the first answer.

    The key is recorded with the answer at the end of the save's own transaction. Two copies of one
    request racing each other both do the work, but only one can insert the key: the other rolls
    back everything it did and replays the winner's answer, so a score is never applied twice.
    """
    request_hash = _request_hash(idea_id, kind, body)
    context = _save_context(
        session, idea_id=idea_id, kind=kind, judge_id=principal.user_id, idempotency_key=idempotency_key
    )
    if isinstance(context, ScoreRequest):  # a retry after the first answer was lost
        return _replay(session, context, request_hash)
    idea, rnd, criteria_list = context.idea, context.round, context.criteria
    if not context.declared:
        raise declaration_required(idea.edition_code)
    authorise_judge(session, idea, rnd, principal, excluded=context.excluded, on_panel=context.on_panel)
    criteria = {c.key: c for c in criteria_list}
    errors = []
    for s in body.scores:
        c = criteria.get(s.criterion)
        if c is None:
            errors.append({"criterion": s.criterion, "error": "unknown criterion"})
        elif not c.min_score <= s.value <= c.max_score:
            errors.append({"criterion": s.criterion, "error": f"must be within {c.min_score}..{c.max_score}"})
    if errors:
        raise invalid("invalid_scores", Message("Nilai tidak sah", "Invalid scores"), errors)

    score_set = _lock_set(session, rnd, idea, principal)
    if score_set.status == SetStatus.SUBMITTED:
        raise conflict(
            "score_set_locked",
            Message("Nilai sudah dikirim dan terkunci", "The scores were submitted and are locked"),
        )
    now = utcnow()
    scores = _write_scores(session, score_set.id, body, now)
    result = set_read(score_set, scores, criteria_list, kind)
    # In the save's transaction: a replayed key rolls back with the rest and answers without a new entry.
    record(
        session,
        edition_code=idea.edition_code,
        action="scores_saved",
        actor=principal,
        object_type="idea",
        object_id=idea.id,
        data={
            "round": str(kind),
            "score_set_id": str(score_set.id),
            "scores": {s.criterion: s.value for s in body.scores},
            "commented": sorted(s.criterion for s in body.scores if s.comment),
            "idempotency_key": idempotency_key,
        },
    )
    claimed = session.execute(
        _CLAIM_KEY,
        {
            "judge_id": principal.user_id,
            "key": idempotency_key,
            "request_hash": request_hash,
            "response": result.model_dump(mode="json"),
            "created_at": now,
        },
    ).first()
    if claimed is None:  # a copy of this request committed first: undo ours, answer as it did
        session.rollback()
        winner = session.get(ScoreRequest, (principal.user_id, idempotency_key), populate_existing=True)
        assert winner is not None
        return _replay(session, winner, request_hash)
    session.commit()
    return result


#: Creates the judge's set or touches it, locking its row until commit. Built once, on the table (not the
#: mapped class): the ORM's bulk-insert path would rebuild and re-key it on every save.
_score_set: Table = ScoreSet.__table__  # type: ignore[assignment]  # a declarative class's table is a Table
_score_request: Table = ScoreRequest.__table__  # type: ignore[assignment]
_LOCK_SET = (
    pg_insert(_score_set)
    .values(
        id=bindparam("id"),
        round_id=bindparam("round_id"),
        idea_id=bindparam("idea_id"),
        judge_id=bindparam("judge_id"),
        judge_name=bindparam("judge_name"),
        judge_agency_code=bindparam("judge_agency_code"),
        status=str(SetStatus.DRAFT),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
    .on_conflict_do_update(
        index_elements=[_score_set.c.round_id, _score_set.c.idea_id, _score_set.c.judge_id],
        set_={"updated_at": bindparam("now")},
    )
    .returning(
        _score_set.c.id,
        _score_set.c.idea_id,
        _score_set.c.judge_id,
        _score_set.c.judge_name,
        _score_set.c.status,
        _score_set.c.submitted_at,
    )
)
#: Records the key with its answer, unless a copy of the request did first (then nothing is returned).
_CLAIM_KEY = (
    pg_insert(_score_request)
    .values(
        judge_id=bindparam("judge_id"),
        key=bindparam("key"),
        request_hash=bindparam("request_hash"),
        response=bindparam("response", type_=_score_request.c.response.type),
        created_at=bindparam("created_at"),
    )
    .on_conflict_do_nothing(index_elements=["judge_id", "key"])
    .returning(_score_request.c.key)
)


def _lock_set(session: Session, rnd: Round, idea: Idea, principal: Principal) -> SetRow:
    """The judge's set for the idea, created if new, row-locked until commit (one statement)."""
    params = {
        "id": uuid.uuid4(),
        "round_id": rnd.id,
        "idea_id": idea.id,
        "judge_id": principal.user_id,
        "judge_name": principal.name,
        "judge_agency_code": principal.agency_code,
        "now": utcnow(),
    }
    row: SetRow = session.execute(_LOCK_SET, params).one()
    return row
