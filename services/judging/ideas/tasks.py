"""Event handlers that keep judging's copy of ideas (run by the consumer inside its inbox transaction)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.judging.ideas import service
from shared.events import IdeaScreened, IdeaSubmitted, IdeaWithdrawn
from shared.logging import get_logger

log = get_logger(__name__)


def on_idea_submitted(session: Session, event: IdeaSubmitted) -> None:
    """Store the submitted revision (older revisions arriving late are ignored)."""
    applied = service.apply_submitted(session, event.payload)
    log.info("idea submitted", idea_id=str(event.payload.idea_id), revision=event.payload.revision, applied=applied)


def on_idea_screened(session: Session, event: IdeaScreened) -> None:
    """Record whether the idea is eligible for judging."""
    service.apply_screened(session, event.payload)


def on_idea_withdrawn(session: Session, event: IdeaWithdrawn) -> None:
    """Take the idea out of judging."""
    service.apply_withdrawn(session, event.payload)
