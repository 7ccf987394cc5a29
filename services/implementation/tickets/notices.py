"""Who hears about a ticket and what they are told: the team, the notification context and link."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.implementation.agencies.service import agency_name
from services.implementation.db import runtime
from services.implementation.tickets.models import (
    Ticket,
)
from shared.events import (
    NotificationRequested,
    NotificationTemplate,
    Person,
)
from shared.notifications import team_notifications

PRODUCER = "implementation"


def ticket_link(ticket_id: uuid.UUID) -> str:
    """The ticket's address in the API (the link in its notifications)."""
    return f"{runtime.settings.public_base_url.rstrip('/')}/api/v1/tickets/{ticket_id}"


def _proposer(ticket: Ticket) -> Person:
    return Person(
        user_id=ticket.proposer_user_id,
        name=ticket.proposer_name,
        email=ticket.proposer_email,
        agency_code=ticket.proposer_agency_code,
        nip=ticket.proposer_nip,
    )


def team_of(ticket: Ticket) -> list[Person]:
    """Everyone on the idea's team: the proposer, then the co-proposers."""
    return [_proposer(ticket), *(Person.model_validate(p) for p in ticket.co_proposers)]


def notify_team(
    ticket: Ticket, *, cause: uuid.UUID | str, template: NotificationTemplate, context: dict[str, Any]
) -> list[NotificationRequested]:
    """The notifications of every team member about a ticket (publish them with the change)."""
    return team_notifications(
        producer=PRODUCER,
        cause=cause,
        team=team_of(ticket),
        template=template,
        context=context,
        link=ticket_link(ticket.id),
    )


def base_context(session: Session, ticket: Ticket, *, agency_display_name: str | None = None) -> dict[str, Any]:
    """What every notification about a ticket is rendered with (the agency's name looked up unless given)."""
    return {
        "ticket_id": str(ticket.id),
        "idea_id": str(ticket.idea_id),
        "title": ticket.title,
        "edition_code": ticket.edition_code,
        "agency_code": ticket.agency_code,
        "agency_name": agency_display_name or agency_name(session, ticket.agency_code),
        "due_date": ticket.due_date.isoformat() if ticket.due_date else None,
    }
