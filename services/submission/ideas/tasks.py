"""Event handlers: the judging decision and the implementation progress shown on an idea.

Delivery is at least once and unordered; the inbox drops redeliveries, and each handler keeps only
news that is newer than what it has (by `decided_at` / `changed_at`), so a late, older event never
overwrites a newer state. Handlers do not commit: the consumer's transaction does.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.ideas.models import Idea
from shared.events import IdeaJudged, TicketCreated, TicketStatusChanged
from shared.logging import get_logger

log = get_logger(__name__)


def _idea(session: Session, idea_id: object, event_type: str) -> Idea | None:
    idea = session.scalar(select(Idea).where(Idea.id == idea_id).with_for_update())
    if idea is None:
        log.warning("event for an unknown idea ignored", idea_id=str(idea_id), type=event_type)
    return idea


def on_idea_judged(session: Session, event: IdeaJudged) -> None:
    """Show the decision (selected, score, rank) on the idea."""
    p = event.payload
    idea = _idea(session, p.idea_id, event.type)
    if idea is None or (idea.decided_at is not None and idea.decided_at > p.decided_at):
        return
    idea.decision_selected, idea.decision_score, idea.decision_rank = p.selected, p.score, p.rank
    idea.decided_at = p.decided_at


def on_ticket_created(session: Session, event: TicketCreated) -> None:
    """Link the implementation ticket and show the status it was opened with, unless a status event came first."""
    p = event.payload
    idea = _idea(session, p.idea_id, event.type)
    if idea is None:
        return
    idea.ticket_id = p.ticket_id
    if idea.ticket_status is None:
        idea.ticket_status = p.status  # no timestamp: any status event, older or newer, wins


def on_ticket_status_changed(session: Session, event: TicketStatusChanged) -> None:
    """Show the ticket's latest status."""
    p = event.payload
    idea = _idea(session, p.idea_id, event.type)
    if idea is None:
        return
    idea.ticket_id = idea.ticket_id or p.ticket_id
    if idea.ticket_status_at is None or idea.ticket_status_at <= p.changed_at:
        idea.ticket_status, idea.ticket_status_at = p.new_status, p.changed_at
