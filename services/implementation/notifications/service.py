"""Notifications: request them (through the outbox) and record each job once, with its in-app notification.

The flow of one notification:
1. A state change calls `request_notification`, which publishes notification.requested.v1 in the same
   transaction (so a rolled-back change never notifies).
2. The notifications worker's handler, `record_job`, inserts the job keyed by its idempotency key
   (ON CONFLICT DO NOTHING: one key, one job, whatever the redeliveries) and the in-app notification,
   in the transaction that records the event in the inbox.
3. After that commit, `send_email_job` (`email_jobs.py`) claims the job's email (pending -> sending, with a
   lease and its token), sends it with a Message-ID derived from the key (cut at the send deadline), and
   marks it sent.
   Transient failures put it back to pending with an exponential backoff (`next_attempt_at`); permanent
   ones mark it failed. Each of these changes applies only under the claim's token: a worker whose lease
   ended and was taken over changes nothing. The lease outlasts the worst send and the window to record it.
4. `queue_due_email_jobs` (`email_jobs.py`; beat, every few seconds) queues the jobs that are due and that
   nobody queued lately: retries whose backoff elapsed, and jobs whose worker was killed mid-send (lease expired).
   Retries are deliberately not Celery countdown tasks: with a Redis broker a task waiting longer than the
   visibility timeout is handed out again, and a long backoff would multiply into a storm of copies.
A worker killed between the SMTP send and the commit of "sent" can send it twice (ARCHITECTURE.md, Delivery);
the deterministic Message-ID lets mail clients fold the duplicate.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.implementation.db import runtime
from services.implementation.notifications.mailer import (
    render,
)
from services.implementation.notifications.models import (
    EmailStatus,
    InAppNotification,
    NotificationJob,
    NotificationPreference,
    WhatsAppMessage,
)
from shared.db import utcnow
from shared.events import Channel, NotificationRequested, NotificationRequestedPayload, NotificationTemplate, Person
from shared.logging import get_logger
from shared.outbox import publish

log = get_logger(__name__)

PRODUCER = "implementation"


def notification_event(
    *,
    key: str,
    recipient: Person,
    channels: list[Channel],
    template: NotificationTemplate,
    context: dict[str, Any],
    link: str | None = None,
) -> NotificationRequested:
    """A notification job as an event (publish it with the state change that causes it)."""
    return NotificationRequested(
        producer=PRODUCER,
        payload=NotificationRequestedPayload(
            idempotency_key=key,
            recipient=recipient,
            channels=channels,
            template=template,
            context=context,
            link=link,
        ),
    )


def request_notification(
    session: Session,
    *,
    key: str,
    recipient: Person,
    channels: list[Channel],
    template: NotificationTemplate,
    context: dict[str, Any],
    link: str | None = None,
) -> None:
    """Publish a notification job through the outbox, in the caller's transaction."""
    publish(
        session,
        notification_event(
            key=key, recipient=recipient, channels=channels, template=template, context=context, link=link
        ),
    )


# ------------------------------------------------------------------------------------------ recording


#: Called with a job id after the transaction that recorded it commits (the worker enqueues the send).
EmailEnqueuer = Callable[[uuid.UUID], None]
_enqueuers: list[EmailEnqueuer] = []


def set_email_enqueuer(enqueuer: EmailEnqueuer | None) -> None:
    """Install (or remove) what sends recorded email jobs on their way; without one, the sweep does."""
    _enqueuers.clear()
    if enqueuer is not None:
        _enqueuers.append(enqueuer)


def _enqueue_after_commit(session: Session, job_id: uuid.UUID) -> None:
    if not _enqueuers:
        return
    pending: list[uuid.UUID] | None = session.info.get("email_jobs_after_commit")
    if pending is None:
        pending = session.info["email_jobs_after_commit"] = []
        from sqlalchemy import event

        def after_commit(sess: Session) -> None:
            jobs = sess.info.pop("email_jobs_after_commit", [])
            for job in jobs:
                try:
                    _enqueuers[0](job)
                except Exception as exc:  # the sweep sends it later
                    log.warning("email enqueue failed", job_id=str(job), error=str(exc))

        event.listen(session, "after_commit", after_commit, once=True)
    pending.append(job_id)


#: Emails with one-time account links (submission service): sent at once, never skipped or put in a digest,
#: and never sent by WhatsApp (a sign-in link belongs in the mailbox the account proved it reads).
ACCOUNT_TEMPLATES = frozenset(
    {
        NotificationTemplate.ACCOUNT_VERIFY_EMAIL,
        NotificationTemplate.ACCOUNT_CLAIM,
        NotificationTemplate.ACCOUNT_RESET_PASSWORD,
    }
)


def _wants_whatsapp(preference: NotificationPreference | None, template: str) -> bool:
    """WhatsApp goes to people who opted in with a number, when a gateway is configured; never account links."""
    return (
        bool(runtime.settings.whatsapp_gateway_url)
        and preference is not None
        and preference.whatsapp_enabled
        and bool(preference.whatsapp_phone)
        and template not in ACCOUNT_TEMPLATES
        and template != NotificationTemplate.DAILY_DIGEST
    )


def record_job(session: Session, event: NotificationRequested) -> uuid.UUID | None:
    """Record a notification job once per idempotency key; returns its id, or None if already known."""
    p = event.payload
    preference = session.get(NotificationPreference, p.recipient.user_id)
    wants_email = Channel.EMAIL in p.channels
    if not wants_email:
        email_status = EmailStatus.NONE
    elif p.template in ACCOUNT_TEMPLATES:
        email_status = EmailStatus.PENDING  # a sign-in link must arrive whatever the preferences say
    elif preference is not None and (
        not preference.email_enabled or (preference.daily_digest and p.template != NotificationTemplate.DAILY_DIGEST)
    ):
        email_status = EmailStatus.SKIPPED
    else:
        email_status = EmailStatus.PENDING
    job_id = uuid.uuid4()
    language = preference.language if preference is not None else "id"
    inserted = session.execute(
        pg_insert(NotificationJob)
        .values(
            id=job_id,
            idempotency_key=p.idempotency_key,
            event_id=event.event_id,
            template=p.template,
            recipient_user_id=p.recipient.user_id,
            recipient_name=p.recipient.name,
            recipient_email=p.recipient.email,
            channels=[str(c) for c in p.channels],
            context=p.context,
            link=p.link,
            language=language,
            email_status=email_status,
            next_attempt_at=utcnow() if email_status == EmailStatus.PENDING else None,
            enqueued_at=utcnow() if email_status == EmailStatus.PENDING and _enqueuers else None,
        )
        .on_conflict_do_nothing(index_elements=[NotificationJob.idempotency_key])
        .returning(NotificationJob.id)
    ).first()
    if inserted is None:
        log.info("notification job already recorded", key=p.idempotency_key)
        return None
    if Channel.IN_APP in p.channels and (preference is None or preference.in_app_enabled):
        rendered = render(p.template, render_context(p.context, p.recipient.name, p.link, language))
        session.add(
            InAppNotification(
                job_id=job_id,
                user_id=p.recipient.user_id,
                template=p.template,
                title=rendered.subject[:300],
                body=rendered.summary,
                link=p.link,
            )
        )
    if email_status == EmailStatus.PENDING:
        _enqueue_after_commit(session, job_id)
    if preference is not None and preference.whatsapp_phone and _wants_whatsapp(preference, p.template):
        # The sweep (every few seconds) sends it: one message per job, as the job is one per key.
        session.add(
            WhatsAppMessage(
                job_id=job_id, phone=preference.whatsapp_phone, status=EmailStatus.PENDING, next_attempt_at=utcnow()
            )
        )
    return job_id


def render_context(context: dict[str, Any], recipient_name: str, link: str | None, language: str) -> dict[str, Any]:
    """What a job's template is rendered with: its context, the recipient's name, the link and the language."""
    return {**context, "recipient_name": recipient_name, "link": link, "lang": language}
