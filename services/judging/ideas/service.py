"""Keeping the copy of ideas up to date from events, and reading it."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.judging.ideas.models import Idea
from services.judging.schedule.models import Slot
from shared.auth import Principal
from shared.errors import not_found
from shared.events import IdeaScreenedPayload, IdeaSubmittedPayload, IdeaWithdrawnPayload


def work_unit_key(agency_code: str | None, work_unit: str | None) -> str | None:
    """A unit kerja as compared for conflicts: within its agency, case and spacing ignored; None if unknown."""
    if not agency_code or not work_unit or not work_unit.strip():
        return None
    return f"{agency_code}/{' '.join(work_unit.casefold().split())}"


def _row_for_update(session: Session, idea_id: uuid.UUID, edition_code: str) -> Idea:
    """The idea's row, created empty if no event about it arrived yet, locked for this transaction."""
    session.execute(
        pg_insert(Idea)
        .values(
            id=idea_id,
            edition_code=edition_code,
            revision=0,
            co_proposers=[],
            team_agency_codes=[],
            team_user_ids=[],
            team_work_units=[],
            attachments=[],
            extra_answers=[],
        )
        .on_conflict_do_nothing(index_elements=[Idea.id])
    )
    return session.execute(
        select(Idea).where(Idea.id == idea_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def apply_submitted(session: Session, payload: IdeaSubmittedPayload) -> bool:
    """Store a submitted revision unless a newer one is already stored; True if applied."""
    idea = _row_for_update(session, payload.idea_id, payload.edition_code)
    if payload.revision <= idea.revision:
        return False
    team = [payload.proposer, *payload.co_proposers]
    idea.edition_code = payload.edition_code
    idea.revision = payload.revision
    idea.position_group = str(payload.position_group)
    idea.proposer_user_id = payload.proposer.user_id
    idea.proposer = payload.proposer.model_dump(mode="json")
    idea.co_proposers = [p.model_dump(mode="json") for p in payload.co_proposers]
    idea.team_agency_codes = sorted({p.agency_code for p in team if p.agency_code})
    idea.team_user_ids = [str(p.user_id) for p in team]
    idea.team_work_units = sorted({k for p in team if (k := work_unit_key(p.agency_code, p.work_unit))})
    idea.attachments = [a.model_dump(mode="json") for a in payload.attachments]
    idea.extra_answers = [a.model_dump(mode="json") for a in payload.extra_answers]
    idea.snapshot = payload.idea.model_dump(mode="json")
    idea.title = payload.idea.title
    idea.submitted_at = payload.submitted_at
    return True


def apply_screened(session: Session, payload: IdeaScreenedPayload) -> bool:
    """Record the screening outcome unless a later screening is already recorded; True if applied."""
    idea = _row_for_update(session, payload.idea_id, payload.edition_code)
    if idea.screened_at is not None and payload.screened_at <= idea.screened_at:
        return False
    idea.eligible = payload.eligible
    idea.screening_reason = payload.reason
    idea.screened_at = payload.screened_at
    return True


def apply_withdrawn(session: Session, payload: IdeaWithdrawnPayload) -> bool:
    """Take the idea out of judging for good (and free its slot); True if this changed anything."""
    idea = _row_for_update(session, payload.idea_id, payload.edition_code)
    if idea.withdrawn_at is not None:
        return False
    idea.withdrawn_at = payload.withdrawn_at
    idea.withdrawal_reason = payload.reason
    # Its audition slot goes back to the pool for another idea.
    session.execute(update(Slot).where(Slot.idea_id == idea.id).values(idea_id=None))
    return True


def get_known_idea(session: Session, *, idea_id: uuid.UUID) -> Idea:
    """The idea once its submission arrived; 404 before."""
    idea = session.get(Idea, idea_id)
    if idea is None or not idea.known:
        raise not_found("Gagasan", "Idea", {"idea_id": str(idea_id)})
    return idea


def is_on_team(idea: Idea, principal: Principal) -> bool:
    """Whether the caller is the proposer or a co-proposer of the idea."""
    return str(principal.user_id) in idea.team_user_ids
