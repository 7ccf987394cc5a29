"""Findings of the security suite, kept as regression tests once fixed."""

from __future__ import annotations

import uuid
from typing import Any


def test_two_endpoints_of_one_agency_do_not_break_ticket_creation(implementation_runtime: Any) -> None:
    from services.implementation.tests import factories as imf
    from services.implementation.tickets.service import handle_idea_judged
    from services.implementation.webhooks.schemas import WebhookCreate
    from services.implementation.webhooks.service import create_subscription
    from shared.auth import Principal, Role

    officer = Principal(uuid.uuid4(), Role.AGENCY, "DISDUKCAPIL", "Petugas", None)
    with implementation_runtime.session_factory() as session:
        for n in (1, 2):
            body = {"url": f"https://disdukcapil.example.go.id/hook{n}"}
            create_subscription(session, principal=officer, data=WebhookCreate.model_validate(body))
        handle_idea_judged(session, imf.judged(agency="DISDUKCAPIL"))
        session.commit()
