"""Scoring: conflicts and panels decide who may score; autosaved sets lock on submit.

Every function that changes state commits its own unit of work. Saves are idempotent per
(judge, Idempotency-Key): the key and the answer are stored in the save's own transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Select, String, Table, Uuid, and_, bindparam, delete, exists, or_, select, text, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased, load_only, outerjoin

from services.judging.audit.service import record
from services.judging.declarations.models import ConflictDeclaration
from services.judging.declarations.rules import declaration_required
from services.judging.ideas.models import Idea
from services.judging.ideas.service import get_known_idea, work_unit_key
from services.judging.results.service import judgeable_ideas
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, Round, RoundKind
from services.judging.rubric.service import criteria_of, find_round, weighted_score
from services.judging.schedule.models import PanelMember, Slot
from services.judging.scoring.models import Exclusion, ExclusionKind, Score, ScoreRequest, ScoreSet, SetStatus
from services.judging.scoring.schemas import (
    ExclusionRead,
    IdeaScoresRead,
    IdeaToJudgeRead,
    ScoreRead,
    ScoreSetRead,
    ScoresIn,
)
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, invalid, not_found

CONFLICT_MESSAGE = Message(
    "Anda memiliki konflik kepentingan dengan gagasan ini", "You have a conflict of interest with this idea"
)


def conflict_of(
    idea: Idea, *, judge_id: uuid.UUID, agency_code: str | None, work_unit: str | None = None
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
    idea: Idea,
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


def panel_for(session: Session, rnd: Round, idea_id: uuid.UUID) -> list[PanelMember] | None:
    """The judges who may score the idea in this round; None when the round has no panels at all.

    Members without a room sit on every idea of the round; members of a room judge the ideas whose
    audition slot is in that room. One query: the round's members with the idea's room alongside.
    """
    idea_room = select(Slot.room_id).where(Slot.idea_id == idea_id).scalar_subquery()
    rows = session.execute(select(PanelMember, idea_room).where(PanelMember.round_id == rnd.id)).all()
    if not rows:
        return None
    return [m for m, room_id in rows if m.room_id is None or m.room_id == room_id]


def _round(session: Session, edition_code: str, kind: RoundKind) -> Round:
    rnd = find_round(session, edition_code, kind)
    if rnd is None:
        raise conflict(
            "rubric_missing",
            Message("Rubrik babak ini belum ditetapkan", "This round has no rubric yet"),
            {"round": str(kind)},
        )
    return rnd


def _authorise_judge(
    session: Session,
    idea: Idea,
    rnd: Round,
    principal: Principal,
    *,
    excluded: bool | None = None,
    on_panel: bool | None = None,
) -> None:
    """Refuse a judge who is excluded, conflicted (logging it) or not on the idea's panel.

    `excluded` and `on_panel` (True also when the round has no panels) are looked up unless the caller
    already read them (the score save reads everything in one query).
    """
    if not idea.judgeable:
        raise conflict(
            "idea_not_judgeable",
            Message(
                "Gagasan ini tidak dapat dinilai (belum lolos seleksi atau ditarik)",
                "This idea cannot be judged (not screened eligible, or withdrawn)",
            ),
            {"eligible": idea.eligible, "withdrawn": idea.withdrawn},
        )
    reason = conflict_of(
        idea, judge_id=principal.user_id, agency_code=principal.agency_code, work_unit=principal.work_unit
    )
    if reason is not None:
        if record_exclusion(
            session,
            idea=idea,
            judge_id=principal.user_id,
            judge_name=principal.name,
            kind=ExclusionKind.CONFLICT,
            reason=reason,
            actor=principal,
        ):
            session.commit()  # the refusal is logged even though the request fails
        raise AppError(403, "conflict_of_interest", CONFLICT_MESSAGE, {"reason": reason})
    if excluded is None:
        excluded = (
            session.scalar(
                select(Exclusion.id).where(Exclusion.idea_id == idea.id, Exclusion.judge_id == principal.user_id)
            )
            is not None
        )
    if excluded:
        raise AppError(
            403,
            "judge_excluded",
            Message(
                "Anda dikecualikan dari gagasan ini (mundur atau konflik)",
                "You are excluded from this idea (recusal or conflict)",
            ),
        )
    if on_panel is None:
        panel = panel_for(session, rnd, idea.id)
        on_panel = panel is None or principal.user_id in {m.judge_id for m in panel}
    if not on_panel:
        raise AppError(
            403,
            "not_on_panel",
            Message("Anda bukan anggota panel gagasan ini", "You are not on this idea's panel"),
        )


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


def _write_scores(session: Session, score_set_id: uuid.UUID, body: ScoresIn, now: datetime) -> Sequence[_Scored]:
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


class _Scored(Protocol):
    """A stored score as `_set_read` reads it: a `Score` row, or a row of `_write_scores`."""

    @property
    def criterion_key(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def comment(self) -> str | None: ...


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
    *,
    session: Session,
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
    _authorise_judge(session, idea, rnd, principal, excluded=context.excluded, on_panel=context.on_panel)
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
    result = _set_read(score_set, scores, criteria_list, kind)
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


class _SetRow(Protocol):
    """A score set as `_set_read` reads it: a `ScoreSet`, or the row `_lock_set` returns."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def idea_id(self) -> uuid.UUID: ...
    @property
    def judge_id(self) -> uuid.UUID: ...
    @property
    def judge_name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def submitted_at(self) -> datetime | None: ...


def _lock_set(session: Session, rnd: Round, idea: Idea, principal: Principal) -> _SetRow:
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
    row: _SetRow = session.execute(_LOCK_SET, params).one()
    return row


def read_set(
    session: Session, score_set: ScoreSet, criteria: Sequence[Criterion], kind: RoundKind, *, with_judge: bool = True
) -> ScoreSetRead:
    """A score set with its scores, completeness and weighted score."""
    scores = session.scalars(
        select(Score).where(Score.score_set_id == score_set.id).order_by(Score.criterion_key)
    ).all()
    return _set_read(score_set, scores, criteria, kind, with_judge=with_judge)


def _set_read(
    score_set: _SetRow,
    scores: Sequence[_Scored],
    criteria: Sequence[Criterion],
    kind: RoundKind | str,
    *,
    with_judge: bool = True,
) -> ScoreSetRead:
    values = {s.criterion_key: s.value for s in scores}
    position = {c.key: i for i, c in enumerate(criteria)}
    scores = sorted(scores, key=lambda s: (position.get(s.criterion_key, len(position)), s.criterion_key))
    missing = [c.key for c in criteria if c.counted and c.key not in values]
    return ScoreSetRead(
        id=score_set.id,
        idea_id=score_set.idea_id,
        round=str(kind),
        judge_id=score_set.judge_id if with_judge else None,
        judge_name=score_set.judge_name if with_judge else None,
        status=score_set.status,
        submitted_at=score_set.submitted_at,
        complete=not missing,
        missing=missing,
        weighted_score=weighted_score(criteria, values),
        scores=[ScoreRead(criterion=s.criterion_key, value=s.value, comment=s.comment) for s in scores],
    )


def submit_scores(
    *, session: Session, idea_id: uuid.UUID, principal: Principal, kind: RoundKind = DEFAULT_ROUND
) -> ScoreSetRead:
    """Submit (and lock) the judge's set; every counted criterion must be scored. Repeating is harmless."""
    idea = get_known_idea(session=session, idea_id=idea_id)
    rnd = _round(session, idea.edition_code, kind)
    _authorise_judge(session, idea, rnd, principal)
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
    *,
    session: Session,
    idea_id: uuid.UUID,
    judge_id: uuid.UUID,
    reason: str,
    principal: Principal,
    kind: RoundKind = DEFAULT_ROUND,
) -> ScoreSetRead:
    """The committee unlocks a judge's submitted set, with a logged reason."""
    idea = get_known_idea(session=session, idea_id=idea_id)
    rnd = _round(session, idea.edition_code, kind)
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


def recuse(*, session: Session, idea_id: uuid.UUID, principal: Principal, reason: str) -> ExclusionRead:
    """A judge steps aside from an idea, with a reason; their unsubmitted draft is discarded."""
    idea = get_known_idea(session=session, idea_id=idea_id)
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
    return _exclusion_read(row)


def _exclusion_read(row: Exclusion) -> ExclusionRead:
    return ExclusionRead(
        id=row.id,
        idea_id=row.idea_id,
        judge_id=row.judge_id,
        judge_name=row.judge_name,
        kind=row.kind,
        reason=row.reason,
        created_at=row.created_at,
    )


def list_exclusions(*, session: Session, edition_code: str) -> list[ExclusionRead]:
    """Every logged exclusion of the edition, oldest first."""
    rows = session.scalars(
        select(Exclusion).where(Exclusion.edition_code == edition_code).order_by(Exclusion.created_at, Exclusion.id)
    ).all()
    return [_exclusion_read(r) for r in rows]


def excluded_judges(session: Session, idea_ids: Sequence[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(idea_id, judge_id) pairs of every exclusion among these ideas."""
    rows = session.execute(select(Exclusion.idea_id, Exclusion.judge_id).where(Exclusion.idea_id.in_(idea_ids))).all()
    return {(r.idea_id, r.judge_id) for r in rows}


def idea_scores(
    *, session: Session, idea_id: uuid.UUID, principal: Principal, kind: RoundKind = DEFAULT_ROUND
) -> IdeaScoresRead:
    """An idea's score sets: the committee sees all; a judge sees others' once every assigned judge submitted."""
    idea = get_known_idea(session=session, idea_id=idea_id)
    rnd = _round(session, idea.edition_code, kind)
    if principal.role not in (Role.COMMITTEE, Role.ADMIN):
        _authorise_judge(session, idea, rnd, principal)  # conflicted or off-panel judges see nothing
    criteria = criteria_of(session, rnd.id)
    sets = session.scalars(
        select(ScoreSet).where(ScoreSet.round_id == rnd.id, ScoreSet.idea_id == idea.id).order_by(ScoreSet.created_at)
    ).all()
    scores = session.scalars(select(Score).where(Score.score_set_id.in_([s.id for s in sets]))).all()
    by_set: dict[uuid.UUID, list[Score]] = {}
    for sc in scores:
        by_set.setdefault(sc.score_set_id, []).append(sc)
    reads = {
        s.id: _set_read(s, sorted(by_set.get(s.id, []), key=lambda x: x.criterion_key), criteria, kind) for s in sets
    }
    revealed = panel_complete(session, rnd, idea, sets, viewer=principal)
    if principal.role in (Role.COMMITTEE, Role.ADMIN):
        return IdeaScoresRead(
            idea_id=idea.id, round=str(kind), revealed=revealed, mine=None, others=list(reads.values())
        )
    mine = next((s for s in sets if s.judge_id == principal.user_id), None)
    others = [reads[s.id] for s in sets if s.judge_id != principal.user_id] if revealed else []
    return IdeaScoresRead(
        idea_id=idea.id, round=str(kind), revealed=revealed, mine=reads[mine.id] if mine else None, others=others
    )


def panel_complete(
    session: Session, rnd: Round, idea: Idea, sets: Sequence[ScoreSet], *, viewer: Principal | None = None
) -> bool:
    """Whether every judge assigned to the idea, not excluded nor conflicted, has submitted.

    With panels the assigned judges are the idea's panel. Without panels every judge may score every
    idea of the round, so every judge is assigned; judging learns who the judges are only when they
    act, so they are the judges with a score set anywhere in the round, and the judge asking (who
    therefore never sees others' scores before submitting their own).
    """
    submitted = {s.judge_id for s in sets if s.status == SetStatus.SUBMITTED}
    panel = panel_for(session, rnd, idea.id)
    if panel is None:
        assigned = round_judges(session, rnd)
        if viewer is not None and viewer.role == Role.JUDGE:
            assigned.setdefault(viewer.user_id, viewer.agency_code)
    else:
        assigned = {m.judge_id: m.agency_code for m in panel}
    excluded = {j for _, j in excluded_judges(session, [idea.id])}
    expected = {
        judge_id
        for judge_id, agency_code in assigned.items()
        if judge_id not in excluded and conflict_of(idea, judge_id=judge_id, agency_code=agency_code) is None
    }
    return bool(expected) and expected <= submitted


def round_judges(session: Session, rnd: Round) -> dict[uuid.UUID, str | None]:
    """Every judge with a score set in the round (on any idea), with their agency."""
    rows = session.execute(
        select(ScoreSet.judge_id, ScoreSet.judge_agency_code).where(ScoreSet.round_id == rnd.id).distinct()
    )
    return dict(rows.all())


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


def ideas_to_judge(
    *, session: Session, edition_code: str, principal: Principal, kind: RoundKind = DEFAULT_ROUND
) -> list[IdeaToJudgeRead]:
    """The round's judgeable ideas: all for the committee; for a judge, those of their panels (all without
    panels), each with the judge's conflict, exclusion and own set status. Four queries in all."""
    ideas = judgeable_ideas(session, edition_code)
    rnd = find_round(session, edition_code, kind)
    slots = {
        s.idea_id: s
        for s in session.scalars(select(Slot).where(Slot.edition_code == edition_code, Slot.idea_id.is_not(None)))
    }
    is_judge = principal.role == Role.JUDGE
    mine: dict[uuid.UUID, str] = {}
    excluded: set[uuid.UUID] = set()
    visible = ideas
    if is_judge:
        excluded = set(session.scalars(select(Exclusion.idea_id).where(Exclusion.judge_id == principal.user_id)))
        if rnd is not None:
            mine = {
                s.idea_id: s.status
                for s in session.scalars(
                    select(ScoreSet).where(ScoreSet.round_id == rnd.id, ScoreSet.judge_id == principal.user_id)
                )
            }
            members = session.scalars(select(PanelMember).where(PanelMember.round_id == rnd.id)).all()
            if members:
                seats = {m.room_id for m in members if m.judge_id == principal.user_id}
                visible = [i for i in ideas if None in seats or (i.id in slots and slots[i.id].room_id in seats)]
    return [
        IdeaToJudgeRead(
            idea_id=i.id,
            title=i.title,
            position_group=i.position_group,
            submitted_at=i.submitted_at,
            slot_starts_at=slots[i.id].starts_at if i.id in slots else None,
            room_id=slots[i.id].room_id if i.id in slots else None,
            conflict=conflict_of(
                i, judge_id=principal.user_id, agency_code=principal.agency_code, work_unit=principal.work_unit
            )
            if is_judge
            else None,
            excluded=i.id in excluded,
            my_status=mine.get(i.id),
        )
        for i in visible
    ]


def authorise_reader(session: Session, idea: Idea, principal: Principal) -> None:
    """Refuse a judge who may score the idea in no round of its edition: what scoring refuses, on every round.

    For what a judge reads in order to score (attachments, extra answers): the same checks, logged the
    same way, so a judge reads exactly the ideas they judge.
    """
    if principal.has_role(Role.COMMITTEE):
        return
    refusal: AppError | None = None
    for rnd in session.scalars(select(Round).where(Round.edition_code == idea.edition_code).order_by(Round.kind)):
        try:
            _authorise_judge(session, idea, rnd, principal)
        except AppError as exc:
            if exc.code != "not_on_panel":
                raise
            refusal = exc
        else:
            return
    if refusal is not None:
        raise refusal
    _round(session, idea.edition_code, DEFAULT_ROUND)  # reached only with no round at all: 409 rubric_missing
