"""Event handlers that keep judging's copy of ideas (run by the consumer inside its inbox transaction)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.judging.conflicts.service import exclude_conflicted_scorers
from services.judging.ideas import service
from shared.events import IdeaScreened, IdeaSubmitted, IdeaWithdrawn
from shared.logging import get_logger

log = get_logger(__name__)


def on_idea_submitted(session: Session, event: IdeaSubmitted) -> None:
    """Store the submitted revision (older revisions arriving late are ignored); re-check conflicts."""
    applied = service.apply_submitted(session, event.payload)
    # A new revision may add a co-proposer from a judge's agency: that judge's scores stop counting.
    excluded = exclude_conflicted_scorers(session, event.payload.idea_id) if applied else 0
    log.info(
        "idea submitted",
        idea_id=str(event.payload.idea_id),
        revision=event.payload.revision,
        applied=applied,
        judges_excluded=excluded,
    )


def on_idea_screened(session: Session, event: IdeaScreened) -> None:
    """Record whether the idea is eligible for judging."""
    service.apply_screened(session, event.payload)


def on_idea_withdrawn(session: Session, event: IdeaWithdrawn) -> None:
    """Take the idea out of judging."""
    service.apply_withdrawn(session, event.payload)
