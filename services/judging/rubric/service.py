"""Rubrics: declaring a round's weighted criteria, and reading them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, CriterionFacts, Edition, Round, RoundKind
from services.judging.rubric.schemas import CriterionRead, RubricIn, RubricRead
from services.judging.scoring.models import ScoreSet
from shared.auth import Principal
from shared.errors import Message, conflict, not_found


def ensure_edition(session: Session, edition_code: str) -> Edition:
    """The edition's judging row, created on first use."""
    session.execute(pg_insert(Edition).values(code=edition_code).on_conflict_do_nothing(index_elements=[Edition.code]))
    return session.execute(select(Edition).where(Edition.code == edition_code)).scalar_one()


def ensure_round(session: Session, edition_code: str, kind: RoundKind) -> Round:
    """The edition's round of `kind`, created on first use."""
    ensure_edition(session, edition_code)
    session.execute(
        pg_insert(Round)
        .values(id=uuid.uuid4(), edition_code=edition_code, kind=str(kind))
        .on_conflict_do_nothing(index_elements=[Round.edition_code, Round.kind])
    )
    return session.execute(
        select(Round).where(Round.edition_code == edition_code, Round.kind == str(kind))
    ).scalar_one()


def find_round(session: Session, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> Round | None:
    """The edition's round of `kind`, if declared."""
    return session.execute(
        select(Round).where(Round.edition_code == edition_code, Round.kind == str(kind))
    ).scalar_one_or_none()


def criteria_of(session: Session, round_id: uuid.UUID) -> Sequence[Criterion]:
    """A round's criteria in display order."""
    return session.scalars(select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position)).all()


def _same(current: Sequence[Criterion], rubric: RubricIn) -> bool:
    as_stored = [CriterionRead.model_validate(c).model_dump() for c in current]
    declared = [c.model_dump() for c in rubric.criteria]
    return as_stored == declared


def _criterion_summary(key: str, weight: int, min_score: int, max_score: int, counted: bool) -> dict[str, object]:
    return {"key": key, "weight": weight, "min_score": min_score, "max_score": max_score, "counted": counted}


def put_rubric(
    session: Session,
    *,
    edition_code: str,
    rubric: RubricIn,
    actor: Principal | None = None,
    kind: RoundKind = DEFAULT_ROUND,
    actor_id: uuid.UUID | None = None,
) -> RubricRead:
    """Declare (or replace) a round's rubric; refused once anyone has scored in that round.

    `actor` is the signed-in caller; a caller without one (a script, a test fixture) may name the user
    it acts for with `actor_id`, kept in the audit entry's details (the entry's actor is then the system).
    """
    rnd = ensure_round(session, edition_code, kind)
    current = criteria_of(session, rnd.id)
    if current and _same(current, rubric):
        session.commit()
        return _read(rnd, current)
    if session.scalar(select(exists().where(ScoreSet.round_id == rnd.id))):
        raise conflict(
            "rubric_locked",
            Message(
                "Rubrik tidak dapat diubah setelah penilaian dimulai", "The rubric cannot change once scoring began"
            ),
        )
    session.execute(delete(Criterion).where(Criterion.round_id == rnd.id))
    rows = [
        Criterion(
            round_id=rnd.id,
            key=c.key,
            name=c.name,
            description=c.description,
            weight=c.weight,
            min_score=c.min_score,
            max_score=c.max_score,
            counted=c.counted,
            levels=[lv.model_dump() for lv in c.levels],
            position=i,
        )
        for i, c in enumerate(rubric.criteria)
    ]
    session.add_all(rows)
    record(
        session,
        edition_code=edition_code,
        action="rubric_changed" if current else "rubric_declared",
        actor=actor,
        object_type="round",
        object_id=rnd.id,
        data={
            "round": str(kind),
            **({"on_behalf_of": str(actor_id)} if actor_id is not None and actor is None else {}),
            "before": [_criterion_summary(c.key, c.weight, c.min_score, c.max_score, c.counted) for c in current],
            "after": [
                _criterion_summary(c.key, c.weight, c.min_score, c.max_score, c.counted) for c in rubric.criteria
            ],
        },
    )
    session.commit()
    return _read(rnd, rows)


def get_rubric(session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> RubricRead:
    """A round's rubric; 404 when none is declared."""
    rnd = find_round(session, edition_code, kind)
    criteria = criteria_of(session, rnd.id) if rnd else []
    if rnd is None or not criteria:
        raise not_found("Rubrik", "Rubric", {"edition_code": edition_code, "round": str(kind)})
    started = bool(session.scalar(select(exists().where(ScoreSet.round_id == rnd.id))))
    return _read(rnd, criteria, started=started)


def _read(rnd: Round, criteria: Sequence[Criterion], *, started: bool = False) -> RubricRead:
    return RubricRead(
        scoring_started=started,
        edition_code=rnd.edition_code,
        round=RoundKind(rnd.kind),
        round_id=rnd.id,
        criteria=[CriterionRead.model_validate(c, from_attributes=True) for c in criteria],
    )


def weighted_score(criteria: Sequence[CriterionFacts], values: dict[str, float]) -> float | None:
    """A judge's weighted score on 0..100 (see `weighted_scores`); None while a counted criterion is unscored."""
    (total,) = weighted_scores(criteria, np.array([[values.get(c.key, np.nan) for c in criteria]])).tolist()
    return None if total != total else total


def weighted_scores(criteria: Sequence[CriterionFacts], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weighted scores on 0..100 of score sets (rows; a column per criterion, NaN where unscored): each
    counted criterion rescaled to 0..1 times its weight, rounded to 4 places.

    Rescaling makes criteria with different ranges comparable; uncounted criteria weigh nothing. NaN
    while a counted criterion is still unscored.
    """
    total = np.zeros(len(values))
    for column, c in enumerate(criteria):
        if c.counted:
            total = total + c.weight * (values[:, column] - c.min_score) / (c.max_score - c.min_score)
    # Python's round (correctly rounded), not np.round (scaled, off by one in the last place at times).
    return np.array([round(t, 4) for t in total.tolist()], dtype=np.float64)
