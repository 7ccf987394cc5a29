"""Findings of the security suite, kept as regression tests once fixed."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text


def test_two_endpoints_of_one_agency_do_not_break_ticket_creation(implementation_runtime: Any) -> None:
    from services.implementation.tests import factories as imf
    from services.implementation.tickets.service import handle_idea_judged
    from services.implementation.webhooks.schemas import WebhookCreate
    from services.implementation.webhooks.service import create_subscription
    from shared.auth import Principal, Role

    officer = Principal(uuid.uuid4(), Role.AGENCY, "DISDUKCAPIL", "Petugas", None)
    event = imf.judged(agency="DISDUKCAPIL")
    with implementation_runtime.session_factory() as session:
        endpoints = {
            create_subscription(
                session,
                principal=officer,
                data=WebhookCreate.model_validate({"url": f"https://disdukcapil.example.go.id/hook{n}"}),
            ).id
            for n in (1, 2)
        }
        handle_idea_judged(session, event)
        session.commit()

    with implementation_runtime.engine.connect() as conn:
        tickets = conn.execute(
            text("SELECT count(*) FROM ticket WHERE idea_id = :idea"), {"idea": event.payload.idea_id}
        ).scalar_one()
        deliveries = conn.execute(
            text("SELECT id, subscription_id, event_type FROM webhook_delivery ORDER BY subscription_id")
        ).all()
    # One ticket, and its creation delivered once to each of the agency's two endpoints, each delivery with
    # its own id (the finding: one shared delivery id made the second insert fail and the ticket with it).
    assert tickets == 1
    assert sorted((d.subscription_id, d.event_type) for d in deliveries) == sorted(
        (endpoint, "ticket.created") for endpoint in endpoints
    )
    assert len({d.id for d in deliveries}) == 2
