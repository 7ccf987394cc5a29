"""Celery side of tickets: the idea.judged / idea.withdrawn handlers and the escalation beat task."""

from __future__ import annotations

from typing import Any

from celery import Celery
from sqlalchemy.orm import Session

from services.implementation.db import runtime
from services.implementation.tickets import deadlines, service
from shared.events import IdeaJudged, IdeaWithdrawn

ESCALATE_TASK = "audisi.implementation.escalate_overdue"


def on_idea_judged(session: Session, event: IdeaJudged) -> None:
    """idea.judged.v1: one ticket per selected idea (the consumer commits)."""
    service.handle_idea_judged(session, event)


def on_idea_withdrawn(session: Session, event: IdeaWithdrawn) -> None:
    """idea.withdrawn.v1: cancel the idea's open ticket (the consumer commits)."""
    service.handle_idea_withdrawn(session, event)


def register(app: Celery) -> None:
    """Register the ticket tasks on the service's Celery app."""

    @app.task(name=ESCALATE_TASK, ignore_result=True)
    def escalate_overdue() -> dict[str, Any]:
        with runtime.session_factory() as session:
            created = deadlines.escalate_overdue(session)
        return {str(level): count for level, count in created.items()}
