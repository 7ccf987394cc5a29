"""Webhooks management: agencies register and remove endpoints (checked by `targets.py`) and read their
deliveries; ops read and replay the dead letters. Sending is in `delivery.py`."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import false, select, update
from sqlalchemy.orm import Session

from services.implementation.db import audit, runtime
from services.implementation.settings import ImplementationSettings
from services.implementation.webhooks.models import (
    DeliveryStatus,
    WebhookDeadLetter,
    WebhookDelivery,
    WebhookSubscription,
)
from services.implementation.webhooks.schemas import WebhookCreate
from services.implementation.webhooks.signing import (
    new_secret,
)
from services.implementation.webhooks.targets import (
    BlockedTargetError,
    Resolver,
    check_url,
    system_resolver,
)
from shared.agencies import is_agency_code
from shared.auth import Principal, Role
from shared.db import utcnow
from shared.errors import Message, forbidden, invalid, not_found
from shared.logging import get_logger

log = get_logger(__name__)


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
            .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, last_error=None, lease_token=None)
        )
        audit.record(
            session,
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
    if principal.has_role(Role.COMMITTEE):
        if not requested:
            raise invalid("agency_required", Message("Kode instansi wajib diisi", "agency_code is required"))
        return requested
    if principal.has_role(Role.AGENCY):
        if not principal.agency_code:
            raise forbidden({"reason": "agency officer without agency"})
        if requested and requested != principal.agency_code:
            raise forbidden({"agency_code": requested})
        return principal.agency_code
    raise forbidden()


_REFUSED_TARGET = {
    "https_required": Message("Alamat webhook harus memakai https", "The webhook URL must use https"),
    "private_address": Message(
        "Alamat webhook mengarah ke jaringan internal atau lokal",
        "The webhook URL points at an internal or local network address",
    ),
}


def create_subscription(
    session: Session,
    *,
    principal: Principal,
    data: WebhookCreate,
    settings: ImplementationSettings | None = None,
    resolve: Resolver = system_resolver,
) -> WebhookSubscription:
    """Register an endpoint for the caller's agency (or, for the committee, the named one), signing with the
    agency's own secret or a new one (the caller shows it this once)."""
    code = _agency_of(principal, data.agency_code)
    if not is_agency_code(code):
        raise invalid("unknown_agency", Message("Kode instansi tidak dikenal", "Unknown agency code"), {"code": code})
    url = str(data.url)
    try:
        check_url(url, settings or runtime.settings, resolve)
    except BlockedTargetError as exc:
        raise invalid("webhook_url_refused", _REFUSED_TARGET[exc.reason], {"reason": exc.reason}) from exc
    secret = data.secret or new_secret()
    subscription = WebhookSubscription(
        agency_code=code, url=url, secret=secret, active=True, created_by=principal.user_id
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
    audit.record(
        session,
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
    if not principal.has_role(Role.AGENCY) or not principal.agency_code:
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
