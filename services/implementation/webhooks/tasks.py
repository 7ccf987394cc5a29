"""Celery side of webhooks: a frequent dispatcher hands each due delivery to a delivery task."""

from __future__ import annotations

import uuid

from celery import Celery

from services.implementation.db import runtime
from services.implementation.webhooks import service
from shared.db import unit_of_work, utcnow
from shared.events import Queue

DISPATCH_TASK = "audisi.implementation.dispatch_webhooks"
DELIVER_TASK = "audisi.implementation.deliver_webhook"


def register(app: Celery) -> None:
    """Register the webhook tasks."""

    @app.task(name=DELIVER_TASK, ignore_result=True, acks_late=True)
    def deliver_webhook(*, delivery_id: str) -> str:
        return service.deliver(
            session_factory=runtime.session_factory, delivery_id=uuid.UUID(delivery_id), settings=runtime.settings
        )

    @app.task(name=DISPATCH_TASK, ignore_result=True)
    def dispatch_webhooks() -> int:
        with unit_of_work(runtime.session_factory) as session:
            due = service.claim_due(session, now=utcnow())
        for delivery_id in due:
            deliver_webhook.apply_async(kwargs={"delivery_id": str(delivery_id)}, queue=Queue.IMPLEMENTATION)
        return len(due)
