"""Webhooks: deliveries are rows written with the change they carry; a Celery task sends each due one.

Deliveries run on their own queue (`webhooks`) and worker, so an endpoint that accepts the connection and
never answers delays nobody's tickets or email. The dispatcher (beat, every few seconds) leases due
deliveries, at most `webhook_concurrency_per_endpoint` in flight per endpoint, and none for an endpoint whose
circuit breaker is open (`webhook_circuit_failures` failures in a row; after `webhook_circuit_open_seconds`,
one probe at a time until a success). A lease carries a token: the delivery task checks it just before the
POST and records the outcome only under it, so a delivery is never sent by two workers.

Backoff: after a failed attempt n (1-based) the next one waits base * 2**(n-1) seconds (capped at a
day); after `webhook_max_attempts` the delivery is dead and copied to the dead-letter table, from
which ops replay it (`POST /api/v1/ops/webhooks/dead-letters/replay` or `replay_dead_letters`).
Every target is checked against `targets.py` (public addresses only) at registration and at each delivery,
and a failure is recorded as a category (`timeout`, `connection_failed`, `HTTP 503`, `private_address`...),
never as the remote's own words.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import case, cast, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, sessionmaker

from services.implementation.settings import ImplementationSettings
from services.implementation.webhooks.models import (
    DeliveryStatus,
    WebhookDeadLetter,
    WebhookDelivery,
    WebhookSubscription,
)
from services.implementation.webhooks.signing import EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from services.implementation.webhooks.targets import BlockedTargetError, guarded_client
from shared.db import unit_of_work, utcnow
from shared.logging import get_logger
from shared.retry import backoff_seconds

log = get_logger(__name__)
WEBHOOK_RETRY_CAP_SECONDS = (
    86400.0  # a day between tries at most: an endpoint down for a weekend is still retried daily
)


def enqueue_deliveries(session: Session, *, agency_code: str, seq: int, event_type: str, body: dict[str, Any]) -> None:
    """One pending delivery per active subscription of the agency, in the caller's transaction."""
    # The id is generated per row in SQL: a Python-side default would give every selected row the same one.
    subscriptions = select(
        func.gen_random_uuid(),
        WebhookSubscription.id,
        literal(seq),
        literal(event_type),
        cast(literal(json.dumps(body)), JSONB),
    ).where(WebhookSubscription.agency_code == agency_code, WebhookSubscription.active.is_(True))
    session.execute(
        insert(WebhookDelivery).from_select(
            ["id", "subscription_id", "change_seq", "event_type", "body"], subscriptions
        )
    )


#: Serialises dispatchers (two overlapping dispatch runs would each see the same free slots of an endpoint).
_DISPATCH_LOCK = 0x5745_4248  # "WEBH"


@dataclass(frozen=True)
class Claim:
    """A delivery taken by one dispatch run: the token fences the POST and the recording of its outcome."""

    delivery_id: uuid.UUID
    token: uuid.UUID


def claim_due(session: Session, *, now: datetime, settings: ImplementationSettings, limit: int = 100) -> list[Claim]:
    """Lease due deliveries, oldest change first, at most `webhook_concurrency_per_endpoint` in flight per
    endpoint (one while its circuit is half-open), none for an endpoint whose circuit is open."""
    if not session.scalar(select(func.pg_try_advisory_xact_lock(_DISPATCH_LOCK))):
        return []  # another dispatch run is at work; the next tick takes what it leaves
    # An endpoint is a URL: subscriptions of several agencies to one URL share its slots.
    in_flight = (
        select(WebhookSubscription.url, func.count().label("n"))
        .select_from(WebhookDelivery)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.lease_token.is_not(None),
            WebhookDelivery.next_attempt_at > now,
        )
        .group_by(WebhookSubscription.url)
        .subquery()
    )
    ranked = (
        select(
            WebhookDelivery.id,
            func.row_number()
            .over(
                partition_by=WebhookSubscription.url,
                order_by=(WebhookDelivery.change_seq, WebhookDelivery.id),
            )
            .label("rank"),
            case(
                (WebhookSubscription.consecutive_failures >= settings.webhook_circuit_failures, 1),
                else_=settings.webhook_concurrency_per_endpoint,
            ).label("slots"),
            func.coalesce(in_flight.c.n, 0).label("busy"),
            WebhookDelivery.next_attempt_at,
        )
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .outerjoin(in_flight, in_flight.c.url == WebhookSubscription.url)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookSubscription.circuit_open_until.is_(None), WebhookSubscription.circuit_open_until <= now),
        )
        .subquery()
    )
    ids = list(
        session.scalars(
            select(ranked.c.id)
            .where(ranked.c.rank <= ranked.c.slots - ranked.c.busy)
            .order_by(ranked.c.next_attempt_at)
            .limit(limit)
        )
    )
    claims = [Claim(delivery_id, uuid.uuid4()) for delivery_id in ids]
    lease_end = now + timedelta(seconds=settings.webhook_lease_seconds())
    for claim in claims:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == claim.delivery_id)
            .values(next_attempt_at=lease_end, lease_token=claim.token)
        )
    return claims


def deliver(
    *,
    session_factory: sessionmaker[Session],
    claim: Claim,
    settings: ImplementationSettings,
    client: httpx.Client | None = None,
    now: datetime | None = None,
) -> str:
    """Send one claimed delivery; record success, a backoff, or a dead letter. Returns the new status, or
    `lease_lost` when the claim no longer holds the delivery (nothing is sent then).

    The lease is checked just before the POST, with room for the whole POST left in it: a task that waited in
    the queue until its lease ended (and another dispatch run took the delivery) sends nothing.
    """
    now = now or utcnow()
    delivery_id = claim.delivery_id
    with unit_of_work(session_factory) as session:
        row = session.execute(
            select(WebhookDelivery, WebhookSubscription)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.lease_token == claim.token,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at >= now + timedelta(seconds=4 * settings.webhook_timeout_seconds),
            )
            .with_for_update(of=WebhookDelivery)
        ).first()
        if row is None:
            log.warning("webhook lease lost before sending", delivery_id=str(delivery_id))
            return "lease_lost"
        delivery, subscription = row
        url, secret, event_type, subscription_id = (
            subscription.url,
            subscription.secret,
            delivery.event_type,
            subscription.id,
        )
        body = json.dumps(delivery.body, separators=(",", ":"), sort_keys=True).encode()
        attempts = delivery.attempts
        active = subscription.active
    if not active:
        with unit_of_work(session_factory) as session:
            _dead(session, claim, attempts=attempts, error="subscription_disabled", status_code=None)
        return DeliveryStatus.DEAD
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Audisi-Webhooks/2",
        ID_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, msg_id=str(delivery_id), timestamp=timestamp, body=body),
        EVENT_HEADER: event_type,
    }
    error: str | None = None
    status_code: int | None = None
    http = client or guarded_client(settings)
    try:
        if settings.webhook_require_https and not url.startswith("https://"):
            raise BlockedTargetError("https_required")
        response = http.post(url, content=body, headers=headers)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except BlockedTargetError as exc:
        error = exc.reason
    except httpx.HTTPError as exc:
        # The agency sees a category, never the remote's words (they would map the network behind the URL).
        error = _error_code(exc)
        log.info("webhook delivery failed", delivery_id=str(delivery_id), error=f"{type(exc).__name__}: {exc}")
    finally:
        if client is None:
            http.close()
    attempts += 1
    with unit_of_work(session_factory) as session:
        fenced = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.lease_token == claim.token)
            .returning(WebhookDelivery.id)
        )
        if error is None:
            recorded = session.execute(
                fenced.values(
                    status=DeliveryStatus.DELIVERED,
                    attempts=attempts,
                    delivered_at=now,
                    last_status_code=status_code,
                    last_error=None,
                    lease_token=None,
                )
            ).first()
            _endpoint_result(session, subscription_id, ok=True, now=now, settings=settings)
            return DeliveryStatus.DELIVERED if recorded else "lease_lost"
        _endpoint_result(session, subscription_id, ok=False, now=now, settings=settings)
        if attempts >= settings.webhook_max_attempts:
            if not _dead(session, claim, attempts=attempts, error=error, status_code=status_code):
                return "lease_lost"
            log.warning("webhook delivery dead", delivery_id=str(delivery_id), error=error)
            return DeliveryStatus.DEAD
        delay = backoff_seconds(
            base=settings.webhook_retry_base_seconds, attempts=attempts, cap=WEBHOOK_RETRY_CAP_SECONDS
        )
        recorded = session.execute(
            fenced.values(
                attempts=attempts,
                last_error=error,
                last_status_code=status_code,
                next_attempt_at=now + timedelta(seconds=delay),
                lease_token=None,
            )
        ).first()
    log.info("webhook delivery deferred", delivery_id=str(delivery_id), error=error, retry_in=delay)
    return DeliveryStatus.PENDING if recorded else "lease_lost"


def _error_code(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connection_failed"
    return "request_failed"


def _endpoint_result(
    session: Session, subscription_id: uuid.UUID, *, ok: bool, now: datetime, settings: ImplementationSettings
) -> None:
    """Feed the endpoint's circuit breaker: a success closes it; the n-th failure in a row opens it."""
    if ok:
        values: dict[str, Any] = {"consecutive_failures": 0, "circuit_open_until": None}
    else:
        failures = WebhookSubscription.consecutive_failures + 1
        values = {
            "consecutive_failures": failures,
            "circuit_open_until": case(
                (
                    failures >= settings.webhook_circuit_failures,
                    literal(now + timedelta(seconds=settings.webhook_circuit_open_seconds)),
                ),
                else_=WebhookSubscription.circuit_open_until,
            ),
        }
    session.execute(update(WebhookSubscription).where(WebhookSubscription.id == subscription_id).values(**values))


def _dead(session: Session, claim: Claim, *, attempts: int, error: str, status_code: int | None) -> bool:
    """Mark a delivery dead and copy it to the dead letters, if the claim still holds it."""
    delivery = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == claim.delivery_id, WebhookDelivery.lease_token == claim.token)
        .with_for_update()
    ).first()
    if delivery is None:
        return False
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    delivery.status = DeliveryStatus.DEAD
    delivery.attempts = attempts
    delivery.last_error = error
    delivery.last_status_code = status_code
    delivery.lease_token = None
    session.add(
        WebhookDeadLetter(
            delivery_id=delivery.id,
            subscription_id=delivery.subscription_id,
            agency_code=subscription.agency_code if subscription else "",
            event_type=delivery.event_type,
            attempts=attempts,
            last_error=error,
        )
    )
    return True
