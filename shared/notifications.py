"""What every producer of notifications shares: the template names, the idempotency key, the team fan-out.

A notification is published as notification.requested.v1 (`shared.events`) in the transaction of the change
that causes it, and recorded by the notifications worker (implementation service) once per idempotency key.
A team's notification goes to each member (proposer and co-proposers) as one job per person, keyed by the
cause (the id of the change or of the event handled), the person and the template, so a redelivered event or
a retried request never notifies anyone twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from shared.events import Channel, NotificationRequested, NotificationRequestedPayload, Person


class Template(StrEnum):
    """Every notification template, in one place (the files live in implementation/notifications/templates)."""

    # accounts (submission)
    ACCOUNT_VERIFY_EMAIL = "account_verify_email"
    ACCOUNT_CLAIM = "account_claim"
    ACCOUNT_RESET_PASSWORD = "account_reset_password"  # noqa: S105 - a template's name, not a secret
    # ideas and teams (submission)
    IDEA_SUBMITTED = "idea_submitted"
    IDEA_SCREENED = "idea_screened"
    TEAM_INVITATION = "team_invitation"
    TEAM_INVITATION_ANSWERED = "team_invitation_answered"
    # judging
    AUDITION_SLOT_ASSIGNED = "audition_slot_assigned"
    AUDITION_SLOT_MOVED = "audition_slot_moved"
    IDEA_NOT_SELECTED = "idea_not_selected"
    FEEDBACK_READY = "feedback_ready"
    # implementation
    TICKET_CREATED = "ticket_created"
    TICKET_STATUS_CHANGED = "ticket_status_changed"
    MILESTONE_CHANGED = "milestone_changed"
    PROGRESS_UPDATED = "progress_updated"
    IMPACT_RECORDED = "impact_recorded"
    TICKET_REASSIGNED = "ticket_reassigned"
    ESCALATION = "escalation"
    DAILY_DIGEST = "daily_digest"


#: Every team notification goes in the app and by email (WhatsApp is the recipient's own opt-in).
TEAM_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL, Channel.IN_APP)


def notification_key(*, cause: uuid.UUID | str, recipient_id: uuid.UUID, template: Template | str) -> str:
    """The idempotency key of one notification: what caused it, who receives it, and which template."""
    return f"{cause}:{recipient_id}:{template}"


def unique_people(people: Iterable[Person]) -> list[Person]:
    """People once each (by user id), in the order given: a proposer listed twice is told once."""
    seen: dict[uuid.UUID, Person] = {}
    for person in people:
        seen.setdefault(person.user_id, person)
    return list(seen.values())


def team_notifications(
    *,
    producer: str,
    cause: uuid.UUID | str,
    team: Iterable[Person],
    template: Template,
    context: dict[str, Any],
    link: str | None = None,
) -> list[NotificationRequested]:
    """One notification.requested.v1 per member of a team (publish them with the change that causes them)."""
    return [
        NotificationRequested(
            producer=producer,
            payload=NotificationRequestedPayload(
                idempotency_key=notification_key(cause=cause, recipient_id=person.user_id, template=template),
                recipient=person,
                channels=list(TEAM_CHANNELS),
                template=str(template),
                context=context,
                link=link,
            ),
        )
        for person in unique_people(team)
    ]
