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
from typing import Any

from sqlalchemy import Select, String, Table, Uuid, and_, bindparam, exists, or_, select, text, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, outerjoin

from services.judging.audit.service import record
from services.judging.conflicts.models import Exclusion
from services.judging.declarations.models import ConflictDeclaration
from services.judging.declarations.rules import declaration_required
from services.judging.ideas.models import Idea, IdeaFacts
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, CriterionFacts, Round, RoundKind
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


def _replay(session: Session, request_hash: str, stored_hash: str, response: object) -> ScoreSetRead:
    """The answer first given for this Idempotency-Key (its stored hash and answer), ending the
    transaction; 422 if the key came with another body."""
    session.rollback()
    if stored_hash != request_hash or response is None:
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

    idea: IdeaFacts
    round_id: uuid.UUID
    criteria: list[CriterionFacts]
    excluded: bool
    on_panel: bool  # True also when the round has no panels
    declared: bool  # the judge's declaration of conflicts for the edition, which scoring waits for


@dataclass(frozen=True)
class _Stored:
    """The answer already given for an Idempotency-Key: the hash of its request and the answer."""

    request_hash: str
    response: object


# The save's reads go through the tables (Core), not the mapped classes: rows come back as tuples, where the
# ORM would build, identity-map and track an Idea, a Round and six Criterion objects on every save.
_idea: Table = Idea.__table__  # type: ignore[assignment]  # a declarative class's table is a Table
_round: Table = Round.__table__  # type: ignore[assignment]
_criterion: Table = Criterion.__table__  # type: ignore[assignment]
_exclusion: Table = Exclusion.__table__  # type: ignore[assignment]
_declaration: Table = ConflictDeclaration.__table__  # type: ignore[assignment]
_panel_member: Table = PanelMember.__table__  # type: ignore[assignment]
_slot: Table = Slot.__table__  # type: ignore[assignment]
_score_set: Table = ScoreSet.__table__  # type: ignore[assignment]
_score_request: Table = ScoreRequest.__table__  # type: ignore[assignment]


def _save_context_query() -> Select[Any]:
    """The statement of `_save_context`, built once (its cache key is then computed once, not per save)."""
    idea, rnd, criterion, stored_request = _idea.c, _round.c, _criterion.c, _score_request.c
    idea_id, judge_id = bindparam("idea_id", type_=Uuid()), bindparam("judge_id", type_=Uuid())
    excluded = exists().where(_exclusion.c.idea_id == idea.id, _exclusion.c.judge_id == judge_id)
    declared = exists().where(_declaration.c.edition_code == idea.edition_code, _declaration.c.judge_id == judge_id)
    # The rule of `panel_for`: no members in the round means no panels; a member without a room sits on
    # every idea of the round, a member of a room on the ideas auditioned in that room.
    member = _panel_member.c
    has_panels = exists().where(member.round_id == rnd.id)
    idea_room = select(_slot.c.room_id).where(_slot.c.idea_id == idea_id).scalar_subquery()
    seated = exists().where(
        member.round_id == rnd.id,
        member.judge_id == judge_id,
        or_(member.room_id.is_(None), member.room_id == idea_room),
    )
    stored = (
        select(stored_request.request_hash, stored_request.response)
        .where(stored_request.judge_id == judge_id, stored_request.key == bindparam("key", type_=String()))
        .subquery()
    )
    return (
        select(
            # the idea as `IdeaFacts` reads it
            idea.id,
            idea.edition_code,
            idea.revision,
            idea.eligible,
            idea.withdrawn_at,
            idea.team_user_ids,
            idea.team_agency_codes,
            idea.team_work_units,
            rnd.id.label("round_id"),
            # the criterion as `CriterionFacts` reads it, one row each
            criterion.key,
            criterion.weight,
            criterion.min_score,
            criterion.max_score,
            criterion.counted,
            excluded.label("excluded"),
            (~has_panels | seated).label("on_panel"),
            declared.label("declared"),
            stored.c.request_hash,
            stored.c.response,
        )
        .select_from(
            outerjoin(_idea, _round, and_(rnd.edition_code == idea.edition_code, rnd.kind == bindparam("kind")))
            .outerjoin(_criterion, criterion.round_id == rnd.id)
            .outerjoin(stored, true())
        )
        .where(idea.id == idea_id)
        .order_by(criterion.position)
    )


_SAVE_CONTEXT = _save_context_query()
#: The answer stored for a judge's key (after a lost race, or when the idea is unknown).
_STORED_ANSWER = select(_score_request.c.request_hash, _score_request.c.response).where(
    _score_request.c.judge_id == bindparam("judge_id"), _score_request.c.key == bindparam("key")
)


def _stored_answer(session: Session, judge_id: uuid.UUID, key: str) -> _Stored | None:
    """The answer stored for the judge's Idempotency-Key, if any."""
    row = session.execute(_STORED_ANSWER, {"judge_id": judge_id, "key": key}).first()
    return None if row is None else _Stored(row.request_hash, row.response)


def _save_context(
    session: Session, *, idea_id: uuid.UUID, kind: RoundKind, judge_id: uuid.UUID, idempotency_key: str
) -> _SaveContext | _Stored:
    """The answer already given for this Idempotency-Key, if any; else the idea, its round's rubric and
    the judge's exclusion and panel seat. One query.

    A stored answer wins whatever else holds (the first answer is replayed even if the judge was excluded
    since); otherwise 404 before the idea is known and 409 when the round has no rubric.
    """
    params = {"idea_id": idea_id, "judge_id": judge_id, "key": idempotency_key, "kind": str(kind)}
    rows = session.execute(_SAVE_CONTEXT, params).all()
    if not rows:  # no such idea: a key stored with it can only be another request's
        request = _stored_answer(session, judge_id, idempotency_key)
        if request is None:
            raise not_found("Gagasan", "Idea", {"idea_id": str(idea_id)})
        return request
    first = rows[0]
    if first.request_hash is not None:
        return _Stored(first.request_hash, first.response)
    if first.revision <= 0:  # not known yet: only a screening or withdrawal arrived
        raise not_found("Gagasan", "Idea", {"idea_id": str(idea_id)})
    if first.round_id is None or first.key is None:
        raise conflict(
            "rubric_missing",
            Message("Rubrik babak ini belum ditetapkan", "This round has no rubric yet"),
            {"round": str(kind)},
        )
    criteria: list[CriterionFacts] = list(rows)
    return _SaveContext(first, first.round_id, criteria, first.excluded, first.on_panel, first.declared)


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
    if isinstance(context, _Stored):  # a retry after the first answer was lost
        return _replay(session, request_hash, context.request_hash, context.response)
    idea, criteria_list = context.idea, context.criteria
    if not context.declared:
        raise declaration_required(idea.edition_code)
    authorise_judge(session, idea, context.round_id, principal, excluded=context.excluded, on_panel=context.on_panel)
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

    score_set = _lock_set(session, context.round_id, idea.id, principal)
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
        winner = _stored_answer(session, principal.user_id, idempotency_key)
        assert winner is not None
        return _replay(session, request_hash, winner.request_hash, winner.response)
    session.commit()
    return result


#: Creates the judge's set or touches it, locking its row until commit. Built once, on the table (not the
#: mapped class): the ORM's bulk-insert path would rebuild and re-key it on every save.
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


def _lock_set(session: Session, round_id: uuid.UUID, idea_id: uuid.UUID, principal: Principal) -> SetRow:
    """The judge's set for the idea, created if new, row-locked until commit (one statement)."""
    params = {
        "id": uuid.uuid4(),
        "round_id": round_id,
        "idea_id": idea_id,
        "judge_id": principal.user_id,
        "judge_name": principal.name,
        "judge_agency_code": principal.agency_code,
        "now": utcnow(),
    }
    row: SetRow = session.execute(_LOCK_SET, params).one()
    return row
