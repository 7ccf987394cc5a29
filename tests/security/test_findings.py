"""Findings in services this suite may not change, reproduced exactly (strict xfail: once fixed, remove the mark)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError


@pytest.mark.xfail(
    strict=True,
    raises=IntegrityError,
    reason="finding for implementation: webhooks.service.enqueue_deliveries inserts one row per active endpoint "
    "with INSERT ... SELECT, and the Python-side default gives every row the same id: with two endpoints of one "
    "agency, every ticket event of that agency fails on pk_webhook_delivery",
)
def test_two_endpoints_of_one_agency_do_not_break_ticket_creation(implementation_runtime: Any) -> None:
    from services.implementation.tests import factories as imf
    from services.implementation.tickets.service import handle_idea_judged
    from services.implementation.webhooks.schemas import WebhookCreate
    from services.implementation.webhooks.service import create_subscription
    from shared.auth import Principal, Role

    officer = Principal(uuid.uuid4(), Role.AGENCY, "DISDUKCAPIL", "Petugas", None)
    with implementation_runtime.session_factory() as session:
        for n in (1, 2):
            body = {"url": f"https://disdukcapil.example.go.id/hook{n}", "secret": "s" * 32}
            create_subscription(session, principal=officer, data=WebhookCreate.model_validate(body))
        handle_idea_judged(session, imf.judged(agency="DISDUKCAPIL"))
        session.commit()
