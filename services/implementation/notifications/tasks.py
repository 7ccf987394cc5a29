"""Celery side of notifications: the notification.requested handler, the email sender, sweep and digest.

Emails go out in batches. A job whose email is due is pushed onto a Redis list (`EMAILS_DUE_KEY`), and a send
task is queued only if none is queued and not yet started (`SEND_QUEUED_KEY`, set with NX): a burst of jobs
costs a few Celery messages, not one per email. The task first clears that mark, then pops up to
`smtp_batch_size` ids, so a job pushed after the pop always finds the mark clear and queues a task of its own.
A job whose id is lost (the worker killed between the pop and the claim's commit) is queued again by the sweep
after `smtp_requeue_after_seconds`, as a lost Celery message was before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

import redis
from celery import Celery
from sqlalchemy.orm import Session

from services.implementation.db import runtime
from services.implementation.notifications import digest, email_jobs, service, whatsapp
from services.implementation.notifications.mailer import SmtpMailer
from shared.db import utcnow
from shared.events import NotificationRequested, Queue

SEND_EMAILS_TASK = "audisi.notifications.send_emails"
SEND_WHATSAPP_TASK = "audisi.notifications.send_whatsapp"
SWEEP_TASK = "audisi.notifications.sweep_emails"
DIGEST_TASK = "audisi.notifications.send_digests"

#: Ids of the email jobs waiting for a send task, oldest first.
EMAILS_DUE_KEY = "audisi:notifications:emails-due"
#: Set while a send task is queued and has not started; it expires in case that task's message is lost.
SEND_QUEUED_KEY = "audisi:notifications:send-queued"
SEND_QUEUED_TTL_SECONDS = 10


_mailers: list[SmtpMailer] = []


def _mailer() -> SmtpMailer:
    """This worker process's mailer: its SMTP connection is reused from one email to the next."""
    if not _mailers or _mailers[0].settings is not runtime.settings:
        _mailers[:] = [SmtpMailer(runtime.settings, keep_open=True)]
    return _mailers[0]


_redis_clients: list[tuple[str, redis.Redis]] = []


def _redis() -> redis.Redis:
    """This process's Redis client for the list of due emails (the broker's Redis)."""
    url = runtime.settings.redis_url
    if not _redis_clients or _redis_clients[0][0] != url:
        _redis_clients[:] = [(url, redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5))]
    return _redis_clients[0][1]


def on_notification_requested(session: Session, event: NotificationRequested) -> None:
    """notification.requested.v1: record the job (once per key) and the in-app notification."""
    service.record_job(session, event)


EmailQueuer = Callable[[Sequence[uuid.UUID]], None]


def register(app: Celery) -> EmailQueuer:
    """Register the notification tasks; returns what puts due email jobs on their way (after their commit)."""

    def queue_emails(job_ids: Sequence[uuid.UUID]) -> None:
        """Push the jobs onto the due list and queue a send task unless one is queued already; with no jobs,
        queue one only if the list holds any."""
        client = _redis()
        if job_ids:
            pipe = client.pipeline(transaction=False)
            pipe.rpush(EMAILS_DUE_KEY, *(str(job_id) for job_id in job_ids))
            pipe.set(SEND_QUEUED_KEY, 1, nx=True, ex=SEND_QUEUED_TTL_SECONDS)
            queued = pipe.execute()[1]
        else:
            queued = bool(client.llen(EMAILS_DUE_KEY)) and client.set(
                SEND_QUEUED_KEY, 1, nx=True, ex=SEND_QUEUED_TTL_SECONDS
            )
        if queued:
            send_emails.apply_async(queue=Queue.NOTIFICATIONS)

    @app.task(name=SEND_EMAILS_TASK, ignore_result=True, acks_late=True)
    def send_emails() -> int:
        # Clear the mark before popping: a job pushed after the pop then queues a task of its own.
        batch = runtime.settings.smtp_batch_size
        pipe = _redis().pipeline(transaction=False)
        pipe.delete(SEND_QUEUED_KEY)
        pipe.lpop(EMAILS_DUE_KEY, batch)
        popped = pipe.execute()[1] or []
        if len(popped) == batch:
            queue_emails([])  # more are waiting: another worker process can start on them meanwhile
        # A transient failure leaves a job pending with its backoff; the sweep queues it when due.
        outcomes = email_jobs.send_email_jobs(
            session_factory=runtime.session_factory,
            job_ids=[uuid.UUID(raw.decode()) for raw in popped],
            mailer=_mailer(),
            settings=runtime.settings,
        )
        released = [job_id for job_id, outcome in outcomes.items() if outcome.status == "released"]
        if released:
            queue_emails(released)
        return len(popped)

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
        # Also with nothing newly due: a list left behind by a lost send task is picked up again.
        queue_emails(due)
        for message_id in due_whatsapp:
            send_whatsapp.apply_async(kwargs={"message_id": str(message_id)}, queue=Queue.NOTIFICATIONS)
        return len(due) + len(due_whatsapp)

    @app.task(name=DIGEST_TASK, ignore_result=True)
    def send_digests() -> int:
        with runtime.session_factory() as session:
            return digest.send_digests(session)

    return queue_emails
