"""Celery side of webhooks: a frequent dispatcher hands each leased delivery to a delivery task, both on the
`webhooks` queue, which only the webhook worker consumes."""

from __future__ import annotations

import uuid

from celery import Celery

from services.implementation.db import runtime
from services.implementation.webhooks import delivery
from shared.db import unit_of_work, utcnow

#: The queue of webhook work: a slow or silent endpoint holds the webhook worker's processes only.
QUEUE = "webhooks"
DISPATCH_TASK = "audisi.webhooks.dispatch"
DELIVER_TASK = "audisi.webhooks.deliver"


def register(app: Celery) -> None:
    """Register the webhook tasks."""

    @app.task(name=DELIVER_TASK, ignore_result=True, acks_late=True)
    def deliver_webhook(*, delivery_id: str, lease_token: str) -> str:
        claim = delivery.Claim(uuid.UUID(delivery_id), uuid.UUID(lease_token))
        return delivery.deliver(session_factory=runtime.session_factory, claim=claim, settings=runtime.settings)

    @app.task(name=DISPATCH_TASK, ignore_result=True)
    def dispatch_webhooks() -> int:
        with unit_of_work(runtime.session_factory) as session:
            claims = delivery.claim_due(session, now=utcnow(), settings=runtime.settings)
        for claim in claims:
            deliver_webhook.apply_async(
                kwargs={"delivery_id": str(claim.delivery_id), "lease_token": str(claim.token)}, queue=QUEUE
            )
        return len(claims)
