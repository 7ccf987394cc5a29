"""Conflict-of-interest declarations: before scoring in an edition a judge declares the ties HR data
cannot show (family, direct supervisor); each one excludes the judge from that idea, and all is logged.

Conflicts found from HR data (same agency, same work unit, on the team) stay automatic
(`conflicts.service.conflict_of`); the declaration adds what only the judge knows.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.judging.audit.service import record
from services.judging.conflicts.models import Exclusion, ExclusionKind
from services.judging.conflicts.schemas import ExclusionRead
from services.judging.conflicts.service import record_exclusion
from services.judging.declarations.models import ConflictDeclaration
from services.judging.declarations.rules import declaration_required
from services.judging.declarations.schemas import DeclarationIn, DeclarationRead, DeclarationSummary
from services.judging.ideas.models import Idea
from services.judging.rubric.models import Edition
from services.judging.scoring.models import ScoreSet, SetStatus
from shared.auth import Principal
from shared.db import utcnow
from shared.errors import Message, invalid, not_found


def declare(session: Session, *, edition_code: str, principal: Principal, body: DeclarationIn) -> DeclarationRead:
    """Record the judge's declaration (again: adds conflicts); each conflict excludes them from its idea."""
    if session.get(Edition, edition_code) is None:
        raise not_found("Edisi penilaian", "Judging edition", {"edition_code": edition_code})
    wanted = {c.idea_id for c in body.conflicts}
    known = set(
        session.scalars(
            select(Idea.id).where(Idea.id.in_(wanted), Idea.edition_code == edition_code, Idea.revision > 0)
        )
    )
    if wanted - known:
        raise invalid(
            "unknown_ideas",
            Message("Gagasan tidak dikenal di edisi ini", "Ideas not known in this edition"),
            {"idea_ids": sorted(str(i) for i in wanted - known)},
        )
    now = utcnow()
    first = (
        session.execute(
            pg_insert(ConflictDeclaration)
            .values(
                id=uuid.uuid4(),
                edition_code=edition_code,
                judge_id=principal.user_id,
                judge_name=principal.name,
                declared_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[ConflictDeclaration.edition_code, ConflictDeclaration.judge_id])
            .returning(ConflictDeclaration.id)
        ).first()
        is not None
    )
    declaration = session.execute(
        select(ConflictDeclaration)
        .where(ConflictDeclaration.edition_code == edition_code, ConflictDeclaration.judge_id == principal.user_id)
        .with_for_update()
    ).scalar_one()
    declaration.updated_at = now
    for item in body.conflicts:
        idea = session.get_one(Idea, item.idea_id)
        note = (item.note or "").strip()
        record_exclusion(
            session,
            idea=idea,
            judge_id=principal.user_id,
            judge_name=principal.name,
            kind=ExclusionKind.DECLARED,
            reason=f"{item.relation}: {note}" if note else str(item.relation),
            actor=principal,
        )
        # As with a recusal: an unsubmitted draft goes; a submitted set stays on record but stops counting.
        session.execute(
            delete(ScoreSet).where(
                ScoreSet.idea_id == idea.id, ScoreSet.judge_id == principal.user_id, ScoreSet.status == SetStatus.DRAFT
            )
        )
    record(
        session,
        edition_code=edition_code,
        action="conflicts_declared",
        actor=principal,
        object_type="declaration",
        object_id=declaration.id,
        data={
            "first": first,
            "conflicts": [
                {"idea_id": str(c.idea_id), "relation": str(c.relation), "note": c.note} for c in body.conflicts
            ],
        },
    )
    session.commit()
    return get_declaration(session, edition_code=edition_code, principal=principal)


def get_declaration(session: Session, *, edition_code: str, principal: Principal) -> DeclarationRead:
    """The caller's declaration for the edition with its conflicts; 404 before they declared."""
    declaration = session.execute(
        select(ConflictDeclaration).where(
            ConflictDeclaration.edition_code == edition_code, ConflictDeclaration.judge_id == principal.user_id
        )
    ).scalar_one_or_none()
    if declaration is None:
        raise not_found("Pernyataan konflik kepentingan", "Conflict-of-interest declaration")
    conflicts = session.scalars(
        select(Exclusion)
        .where(
            Exclusion.edition_code == edition_code,
            Exclusion.judge_id == principal.user_id,
            Exclusion.kind == ExclusionKind.DECLARED,
        )
        .order_by(Exclusion.created_at, Exclusion.id)
    )
    return DeclarationRead(
        edition_code=edition_code,
        judge_id=declaration.judge_id,
        judge_name=declaration.judge_name,
        declared_at=declaration.declared_at,
        updated_at=declaration.updated_at,
        conflicts=[ExclusionRead.model_validate(c, from_attributes=True) for c in conflicts],
    )


def list_declarations(session: Session, *, edition_code: str) -> list[DeclarationSummary]:
    """Every judge who declared for the edition, with the number of conflicts declared (committee)."""
    declared = (
        select(func.count())
        .where(
            Exclusion.edition_code == ConflictDeclaration.edition_code,
            Exclusion.judge_id == ConflictDeclaration.judge_id,
            Exclusion.kind == ExclusionKind.DECLARED,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(ConflictDeclaration, declared)
        .where(ConflictDeclaration.edition_code == edition_code)
        .order_by(ConflictDeclaration.declared_at, ConflictDeclaration.judge_id)
    ).all()
    return [
        DeclarationSummary(
            judge_id=d.judge_id,
            judge_name=d.judge_name,
            declared_at=d.declared_at,
            updated_at=d.updated_at,
            conflicts=count,
        )
        for d, count in rows
    ]


def require_declared(session: Session, *, idea_id: uuid.UUID, principal: Principal) -> None:
    """403 `declaration_required` until the caller declared for the idea's edition (one query).

    An idea judging does not know yet passes through, so scoring answers its own 404.
    """
    declared = exists().where(
        ConflictDeclaration.edition_code == Idea.edition_code, ConflictDeclaration.judge_id == principal.user_id
    )
    row = session.execute(select(Idea.edition_code, declared).where(Idea.id == idea_id, Idea.revision > 0)).first()
    if row is not None and not row[1]:
        raise declaration_required(row[0])
