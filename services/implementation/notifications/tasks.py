"""Celery side of notifications: the notification.requested handler, the email sender, sweep and digest."""

from __future__ import annotations

import uuid
from typing import Any

from celery import Celery, Task
from sqlalchemy.orm import Session

from services.implementation.db import runtime
from services.implementation.notifications import digest, email_jobs, service, whatsapp
from services.implementation.notifications.mailer import SmtpMailer
from shared.db import utcnow
from shared.events import NotificationRequested, Queue

SEND_EMAIL_TASK = "audisi.notifications.send_email"
SEND_WHATSAPP_TASK = "audisi.notifications.send_whatsapp"
SWEEP_TASK = "audisi.notifications.sweep_emails"
DIGEST_TASK = "audisi.notifications.send_digests"


_mailers: list[SmtpMailer] = []


def _mailer() -> SmtpMailer:
    """This worker process's mailer: its SMTP connection is reused from one email to the next."""
    if not _mailers or _mailers[0].settings is not runtime.settings:
        _mailers[:] = [SmtpMailer(runtime.settings, keep_open=True)]
    return _mailers[0]


def on_notification_requested(session: Session, event: NotificationRequested) -> None:
    """notification.requested.v1: record the job (once per key) and the in-app notification."""
    service.record_job(session, event)


def register(app: Celery) -> Task[Any, Any]:
    """Register the notification tasks; returns the email sender (the worker enqueues it after commit)."""

    @app.task(name=SEND_EMAIL_TASK, ignore_result=True, acks_late=True)
    def send_email(*, job_id: str) -> str:
        # A transient failure leaves the job pending with its backoff; the sweep queues it when due.
        outcome = email_jobs.send_email_job(
            session_factory=runtime.session_factory,
            job_id=uuid.UUID(job_id),
            mailer=_mailer(),
            settings=runtime.settings,
        )
        return outcome.status

    @app.task(name=SEND_WHATSAPP_TASK, ignore_result=True, acks_late=True)
    def send_whatsapp(*, message_id: str) -> str:
        return whatsapp.send_whatsapp(
            session_factory=runtime.session_factory,
            message_id=uuid.UUID(message_id),
            gateway=whatsapp.HttpGateway(runtime.settings),
            settings=runtime.settings,
        )

    @app.task(name=SWEEP_TASK, ignore_result=True)
    def sweep_emails() -> int:
        # WhatsApp messages ride the same sweep: they are queued within its period of being recorded.
        with runtime.session_factory() as session:
            due = email_jobs.queue_due_email_jobs(session, now=utcnow(), settings=runtime.settings)
            due_whatsapp = whatsapp.queue_due_whatsapp(session, now=utcnow(), settings=runtime.settings)
        for job_id in due:
            send_email.apply_async(kwargs={"job_id": str(job_id)}, queue=Queue.NOTIFICATIONS)
        for message_id in due_whatsapp:
            send_whatsapp.apply_async(kwargs={"message_id": str(message_id)}, queue=Queue.NOTIFICATIONS)
        return len(due) + len(due_whatsapp)

    @app.task(name=DIGEST_TASK, ignore_result=True)
    def send_digests() -> int:
        with runtime.session_factory() as session:
            return digest.send_digests(session)

    return send_email
