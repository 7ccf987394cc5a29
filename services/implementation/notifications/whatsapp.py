"""WhatsApp: an adapter for an HTTP WhatsApp gateway, and the delivery of a job's message through it.

The gateway contract is small on purpose (most Indonesian gateways take this shape): `POST <url>` with
`Authorization: Bearer <token>`, `Idempotency-Key: <the job's key>` and a JSON body `{"to": "628...",
"text": "..."}`; any 2xx means accepted. 408, 429, 5xx, timeouts and connection errors are transient (tried
again with backoff); other answers are permanent (a bad number or a refused token does not get better).

Delivery follows the email's rules (`notifications/email_jobs.py`): a message is claimed under a lease token,
every later change names it, and `queue_due_whatsapp` (the beat's sweep) queues what is due. The key sent
with every attempt lets the gateway drop a copy when an answer was lost and the message is sent again.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx
from sqlalchemy.orm import Session, sessionmaker

from services.implementation.notifications.lease import claim_under_lease, finish_under_lease
from services.implementation.notifications.mailer import render
from services.implementation.notifications.models import EmailStatus, NotificationJob, WhatsAppMessage
from services.implementation.notifications.sweep import queue_due
from services.implementation.settings import ImplementationSettings
from shared.db import unit_of_work, utcnow
from shared.logging import get_logger
from shared.retry import backoff_seconds

log = get_logger(__name__)

_PHONE = re.compile(r"^(?:\+?62|0)(8[0-9]{7,12})$")


def normalise_phone(raw: str) -> str | None:
    """An Indonesian mobile number in the gateway's form (628...), or None if it is not one."""
    digits = re.sub(r"[\s().-]", "", raw)
    match = _PHONE.match(digits)
    return f"62{match.group(1)}" if match else None


class TransientSendError(Exception):
    """The gateway could not take the message now; worth trying again later."""


class PermanentSendError(Exception):
    """The gateway refused the message for good."""


class Gateway(Protocol):
    """What sends one WhatsApp message (HttpGateway in production)."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None: ...


class HttpGateway:
    """The HTTP WhatsApp gateway named in the settings."""

    def __init__(self, settings: ImplementationSettings) -> None:
        self.settings = settings

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        """POST one message; raises TransientSendError or PermanentSendError on failure."""
        s = self.settings
        if not s.whatsapp_gateway_url:
            raise PermanentSendError("no WhatsApp gateway configured")
        timeout = httpx.Timeout(s.whatsapp_timeout_seconds)
        try:
            response = httpx.post(
                s.whatsapp_gateway_url,
                json={"to": phone, "text": text},
                headers={
                    "Authorization": f"Bearer {s.whatsapp_gateway_token or ''}",
                    "Idempotency-Key": idempotency_key,
                },
                timeout=timeout,
            )
        except httpx.HTTPError as exc:  # timeouts, refused or reset connections, DNS
            raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise TransientSendError(f"HTTP {response.status_code}")
        raise PermanentSendError(f"HTTP {response.status_code}")


def message_text(job: NotificationJob) -> str:
    """The job rendered as a WhatsApp text: the subject, then the plain-text body, in the recipient's language."""
    rendered = render(
        job.template, {**job.context, "recipient_name": job.recipient_name, "link": job.link, "lang": job.language}
    )
    return f"*{rendered.subject}*\n\n{rendered.text}".strip()


def send_whatsapp(
    *,
    session_factory: sessionmaker[Session],
    message_id: uuid.UUID,
    gateway: Gateway,
    settings: ImplementationSettings,
    now: datetime | None = None,
) -> str:
    """Send one due WhatsApp message if nobody else holds it; returns what happened. Safe to call again."""
    now = now or utcnow()
    token = uuid.uuid4()
    with unit_of_work(session_factory) as session:
        rows = claim_under_lease(
            session,
            model=WhatsAppMessage,
            status_column=WhatsAppMessage.status,
            tokens={message_id: token},
            now=now,
            lease=timedelta(seconds=settings.whatsapp_lease_seconds()),
            returning=(WhatsAppMessage.job_id, WhatsAppMessage.phone, WhatsAppMessage.attempts),
        )
        if not rows:
            return "not_due"
        claimed = rows[0]
        job = session.get_one(NotificationJob, claimed.job_id)
        text, key = message_text(job), job.idempotency_key
    attempts = claimed.attempts + 1
    try:
        gateway.send(phone=claimed.phone, text=text, idempotency_key=key)
    except TransientSendError as exc:
        if attempts >= settings.whatsapp_max_attempts:
            return _finish(session_factory, message_id, token, EmailStatus.FAILED, attempts, error=str(exc))
        retry_at = now + timedelta(
            seconds=backoff_seconds(
                base=settings.whatsapp_retry_base_seconds, attempts=attempts, cap=settings.whatsapp_retry_max_seconds
            )
        )
        log.warning("whatsapp deferred", message_id=str(message_id), error=str(exc))
        return _finish(
            session_factory, message_id, token, EmailStatus.PENDING, attempts, error=str(exc), next_attempt_at=retry_at
        )
    except Exception as exc:  # refused for good, or a template bug: retrying cannot help
        log.error("whatsapp failed", message_id=str(message_id), error=str(exc))
        return _finish(session_factory, message_id, token, EmailStatus.FAILED, attempts, error=str(exc))
    return _finish(session_factory, message_id, token, EmailStatus.SENT, attempts, sent_at=now)


def _finish(
    session_factory: sessionmaker[Session],
    message_id: uuid.UUID,
    token: uuid.UUID,
    status: EmailStatus,
    attempts: int,
    **values: Any,
) -> str:
    """Record an attempt's outcome under the claim's token; "lease_lost" if another worker took it over."""
    finished = finish_under_lease(
        session_factory,
        model=WhatsAppMessage,
        status_column=WhatsAppMessage.status,
        row_id=message_id,
        token=token,
        status=status,
        attempts=attempts,
        **values,
    )
    return str(status) if finished else "lease_lost"


def queue_due_whatsapp(
    session: Session, *, now: datetime, settings: ImplementationSettings, limit: int = 500
) -> list[uuid.UUID]:
    """Mark as queued, and return, the WhatsApp messages that are due and that nobody queued lately. Commits."""
    return queue_due(
        session, model=WhatsAppMessage, status=WhatsAppMessage.status, now=now, settings=settings, limit=limit
    )
