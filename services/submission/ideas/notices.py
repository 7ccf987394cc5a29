"""Notifications about an idea to its team (or to one invitee), through the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea
from services.submission.ideas.revisions import PRODUCER, co_proposers, person
from services.submission.participants.models import Participant
from shared.events import NotificationRequested, NotificationTemplate, Person
from shared.notifications import team_notifications
from shared.outbox import publish


def team_of(session: Session, idea: Idea) -> list[Person]:
    """Everyone on the idea's team, the proposer first: who hears what happens to it."""
    return [person(session.get_one(Participant, idea.proposer_id)), *map(person, co_proposers(session, idea))]


def notices(
    *,
    people: list[Person],
    cause: uuid.UUID | str,
    template: NotificationTemplate,
    idea: Idea,
    edition: Edition,
    **context: Any,
) -> list[NotificationRequested]:
    """The notification jobs telling these people about an idea (one per person, cause and template)."""
    base = {"idea_id": str(idea.id), "title": idea.title, "edition_code": edition.code}
    return team_notifications(
        producer=PRODUCER, cause=cause, team=people, template=template, context={**base, **context}
    )


def tell(
    session: Session,
    *,
    people: list[Person],
    cause: uuid.UUID | str,
    template: NotificationTemplate,
    idea: Idea,
    edition: Edition,
    **context: Any,
) -> None:
    """Notify these people about an idea, in the caller's transaction (one job per person, cause and template)."""
    publish(session, *notices(people=people, cause=cause, template=template, idea=idea, edition=edition, **context))
