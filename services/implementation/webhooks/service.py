"""Webhooks: deliveries are rows written with the change they carry; a Celery task sends each due one.

Backoff: after a failed attempt n (1-based) the next one waits base * 2**(n-1) seconds (capped at a
day); after `webhook_max_attempts` the delivery is dead and copied to the dead-letter table, from
which ops replay it (`POST /api/v1/ops/webhooks/dead-letters/replay` or `replay_dead_letters`).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import cast, false, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, sessionmaker

from services.implementation.db import audit_log
from services.implementation.settings import ImplementationSettings
from services.implementation.webhooks.models import (
    DeliveryStatus,
    WebhookDeadLetter,
    WebhookDelivery,
    WebhookSubscription,
)
from services.implementation.webhooks.schemas import WebhookCreate
from services.implementation.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
)
from shared.agencies import is_agency_code
from shared.audit import record_audit
from shared.auth import Principal, Role
from shared.db import unit_of_work, utcnow
from shared.errors import Message, forbidden, invalid, not_found
from shared.logging import get_logger

log = get_logger(__name__)

#: How long a claimed delivery is held by one worker before another may try it.
DELIVERY_LEASE = timedelta(minutes=2)


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


def backoff_seconds(settings: ImplementationSettings, attempts: int) -> float:
    """Delay after `attempts` failed attempts: base, 2x, 4x, ... capped at one day."""
    return float(min(settings.webhook_retry_base_seconds * 2 ** max(attempts - 1, 0), 86400.0))


def claim_due(session: Session, *, now: datetime, limit: int = 100) -> list[uuid.UUID]:
    """Take due deliveries (leased, so two dispatchers never send the same one at once)."""
    due = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if ids:
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(ids)).values(next_attempt_at=now + DELIVERY_LEASE)
        )
    return ids


def deliver(
    *,
    session_factory: sessionmaker[Session],
    delivery_id: uuid.UUID,
    settings: ImplementationSettings,
    client: httpx.Client | None = None,
    now: datetime | None = None,
) -> str:
    """Send one delivery; record success, a backoff, or a dead letter. Returns the new status."""
    now = now or utcnow()
    with unit_of_work(session_factory) as session:
        row = session.execute(
            select(WebhookDelivery, WebhookSubscription)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.id == delivery_id)
        ).first()
        if row is None or row[0].status != DeliveryStatus.PENDING:
            return "gone" if row is None else row[0].status
        delivery, subscription = row
        url, secret, event_type = subscription.url, subscription.secret, delivery.event_type
        body = json.dumps(delivery.body, separators=(",", ":"), sort_keys=True).encode()
        attempts = delivery.attempts
        active = subscription.active
    if not active:
        with unit_of_work(session_factory) as session:
            _dead(session, delivery_id, attempts=attempts, error="subscription disabled", status_code=None)
        return DeliveryStatus.DEAD
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Audisi-Webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        DELIVERY_HEADER: str(delivery_id),
        EVENT_HEADER: event_type,
    }
    error: str | None = None
    status_code: int | None = None
    own_client = client is None
    http = client or httpx.Client(timeout=settings.webhook_timeout_seconds, follow_redirects=False)
    try:
        response = http.post(url, content=body, headers=headers)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if own_client:
            http.close()
    attempts += 1
    with unit_of_work(session_factory) as session:
        if error is None:
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id)
                .values(
                    status=DeliveryStatus.DELIVERED,
                    attempts=attempts,
                    delivered_at=now,
                    last_status_code=status_code,
                    last_error=None,
                )
            )
            return DeliveryStatus.DELIVERED
        if attempts >= settings.webhook_max_attempts:
            _dead(session, delivery_id, attempts=attempts, error=error, status_code=status_code)
            log.warning("webhook delivery dead", delivery_id=str(delivery_id), error=error)
            return DeliveryStatus.DEAD
        delay = backoff_seconds(settings, attempts)
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(
                attempts=attempts,
                last_error=error,
                last_status_code=status_code,
                next_attempt_at=now + timedelta(seconds=delay),
            )
        )
    log.info("webhook delivery deferred", delivery_id=str(delivery_id), error=error, retry_in=delay)
    return DeliveryStatus.PENDING


def _dead(session: Session, delivery_id: uuid.UUID, *, attempts: int, error: str, status_code: int | None) -> None:
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    assert delivery is not None
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    delivery.status = DeliveryStatus.DEAD
    delivery.attempts = attempts
    delivery.last_error = error
    delivery.last_status_code = status_code
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


def replay_dead_letters(
    session: Session,
    *,
    ids: list[uuid.UUID] | None = None,
    agency_code: str | None = None,
    actor: Principal | None = None,
) -> int:
    """Put dead deliveries back in the queue with fresh attempts (all unreplayed, or the given ones); audited."""
    now = utcnow()
    query = select(WebhookDeadLetter).where(WebhookDeadLetter.replayed_at.is_(None)).with_for_update()
    if ids:
        query = query.where(WebhookDeadLetter.id.in_(ids))
    if agency_code:
        query = query.where(WebhookDeadLetter.agency_code == agency_code)
    letters = list(session.scalars(query))
    for letter in letters:
        letter.replayed_at = now
    if letters:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_([letter.delivery_id for letter in letters]))
            .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, last_error=None)
        )
        record_audit(
            session,
            table=audit_log,
            actor=actor,
            action="webhook.dead_letters_replayed",
            object_type="webhook_dead_letter",
            details={
                "count": len(letters),
                "dead_letter_ids": [str(letter.id) for letter in letters],
                "agency_codes": sorted({letter.agency_code for letter in letters}),
                "requested_ids": [str(i) for i in ids] if ids else None,
                "requested_agency_code": agency_code,
            },
        )
    session.commit()
    return len(letters)


# ------------------------------------------------------------------------------------------ management


def _agency_of(principal: Principal, requested: str | None) -> str:
    if principal.role == Role.AGENCY:
        if not principal.agency_code:
            raise forbidden({"reason": "agency officer without agency"})
        if requested and requested != principal.agency_code:
            raise forbidden({"agency_code": requested})
        return principal.agency_code
    if principal.has_role(Role.COMMITTEE):
        if not requested:
            raise invalid("agency_required", Message("Kode instansi wajib diisi", "agency_code is required"))
        return requested
    raise forbidden()


def create_subscription(session: Session, *, principal: Principal, data: WebhookCreate) -> WebhookSubscription:
    """Register an endpoint for the caller's agency (or, for the committee, the named one)."""
    code = _agency_of(principal, data.agency_code)
    if not is_agency_code(code):
        raise invalid("unknown_agency", Message("Kode instansi tidak dikenal", "Unknown agency code"), {"code": code})
    subscription = WebhookSubscription(
        agency_code=code, url=str(data.url), secret=data.secret, active=True, created_by=principal.user_id
    )
    session.add(subscription)
    session.flush()
    _audit_subscription(session, principal, subscription, "webhook.registered")
    session.commit()
    return subscription


def _endpoint(url: str) -> str:
    """An endpoint without credentials or query string (either may carry a token; the log must not)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _audit_subscription(session: Session, actor: Principal, subscription: WebhookSubscription, action: str) -> None:
    record_audit(
        session,
        table=audit_log,
        actor=actor,
        action=action,
        object_type="webhook",
        object_id=subscription.id,
        details={"agency_code": subscription.agency_code, "endpoint": _endpoint(subscription.url)},
    )


def _visible(principal: Principal) -> Any:
    """The subscriptions a caller may see: the committee all, an agency officer their agency's, nobody else any.

    The agency code alone is not enough: participants and judges carry their own agency in their token.
    """
    if principal.has_role(Role.COMMITTEE):
        return True
    if principal.role != Role.AGENCY or not principal.agency_code:
        return false()
    return WebhookSubscription.agency_code == principal.agency_code


def list_subscriptions(session: Session, *, principal: Principal) -> list[WebhookSubscription]:
    """The caller's agency's endpoints (all for the committee)."""
    return list(
        session.scalars(select(WebhookSubscription).where(_visible(principal)).order_by(WebhookSubscription.created_at))
    )


def delete_subscription(session: Session, *, principal: Principal, subscription_id: uuid.UUID) -> None:
    """Stop sending to an endpoint (its pending deliveries go to the dead letters on their next attempt)."""
    subscription = session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.id == subscription_id, _visible(principal))
    ).first()
    if subscription is None:
        raise not_found("Webhook", "Webhook")
    if subscription.active:
        subscription.active = False
        _audit_subscription(session, principal, subscription, "webhook.removed")
    session.commit()


def list_deliveries(
    session: Session, *, principal: Principal, subscription_id: uuid.UUID, limit: int
) -> list[WebhookDelivery]:
    """Recent deliveries of one of the caller's endpoints."""
    subscription = session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.id == subscription_id, _visible(principal))
    ).first()
    if subscription is None:
        raise not_found("Webhook", "Webhook")
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.change_seq.desc())
            .limit(limit)
        )
    )


def list_dead_letters(session: Session, *, include_replayed: bool, limit: int) -> list[WebhookDeadLetter]:
    """The dead-letter list (ops)."""
    query = select(WebhookDeadLetter)
    if not include_replayed:
        query = query.where(WebhookDeadLetter.replayed_at.is_(None))
    return list(session.scalars(query.order_by(WebhookDeadLetter.dead_at.desc()).limit(limit)))
