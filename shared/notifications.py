"""What every producer of notifications shares: the idempotency key and the team fan-out (the templates are
the contract's closed set, `shared.events.NotificationTemplate`).

A notification is published as notification.requested.v1 (`shared.events`) in the transaction of the change
that causes it, and recorded by the notifications worker (implementation service) once per idempotency key.
A team's notification goes to each member (proposer and co-proposers) as one job per person, keyed by the
cause (the id of the change or of the event handled), the person and the template, so a redelivered event or
a retried request never notifies anyone twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from shared.events import Channel, NotificationRequested, NotificationRequestedPayload, NotificationTemplate, Person

#: Every team notification goes in the app and by email (WhatsApp is the recipient's own opt-in).
TEAM_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL, Channel.IN_APP)


def notification_key(*, cause: uuid.UUID | str, recipient_id: uuid.UUID, template: NotificationTemplate) -> str:
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
    template: NotificationTemplate,
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
                template=template,
                context=context,
                link=link,
            ),
        )
        for person in unique_people(team)
    ]
