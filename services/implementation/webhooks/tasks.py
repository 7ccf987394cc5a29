"""Celery side of webhooks: a frequent dispatcher hands each leased delivery to a delivery task, both on the
`webhooks` queue, which only the webhook worker consumes."""

from __future__ import annotations

import uuid

import httpx
from celery import Celery

from services.implementation.db import runtime
from services.implementation.webhooks import delivery
from services.implementation.webhooks.targets import guarded_client
from shared.db import unit_of_work, utcnow

#: The queue of webhook work: a slow or silent endpoint holds the webhook worker's processes only.
QUEUE = "webhooks"
DISPATCH_TASK = "audisi.webhooks.dispatch"
DELIVER_TASK = "audisi.webhooks.deliver"


_client: list[httpx.Client] = []


def _http() -> httpx.Client:
    """One guarded client per worker process (created after the fork; its TLS setup is the costly part)."""
    if not _client:
        _client.append(guarded_client(runtime.settings))
    return _client[0]


def register(app: Celery) -> None:
    """Register the webhook tasks."""

    def dispatch() -> int:
        with unit_of_work(runtime.session_factory) as session:
            claims = delivery.claim_due(session, now=utcnow(), settings=runtime.settings)
        for claim in claims:
            deliver_webhook.apply_async(
                kwargs={"delivery_id": str(claim.delivery_id), "lease_token": str(claim.token)}, queue=QUEUE
            )
        return len(claims)

    @app.task(name=DELIVER_TASK, ignore_result=True, acks_late=True)
    def deliver_webhook(*, delivery_id: str, lease_token: str) -> str:
        claim = delivery.Claim(uuid.UUID(delivery_id), uuid.UUID(lease_token))
        status = delivery.deliver(
            session_factory=runtime.session_factory, claim=claim, settings=runtime.settings, client=_http()
        )
        if status != "lease_lost":
            dispatch()  # the endpoint's slot is free: fill it now rather than at the next beat tick
        return status

    @app.task(name=DISPATCH_TASK, ignore_result=True)
    def dispatch_webhooks() -> int:
        return dispatch()
