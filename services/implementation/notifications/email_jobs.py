"""Sending a job's email: claim it under a lease, send it, record the outcome; and the sweep that queues due jobs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from services.implementation.notifications.lease import claim_under_lease, finish_under_lease
from services.implementation.notifications.mailer import (
    PermanentMailError,
    TransientMailError,
    build_message,
    message_id_for,
    render,
)
from services.implementation.notifications.models import (
    EmailStatus,
    NotificationJob,
)
from services.implementation.notifications.service import render_context
from services.implementation.notifications.sweep import queue_due
from services.implementation.settings import ImplementationSettings
from shared.db import unit_of_work, utcnow
from shared.logging import get_logger
from shared.retry import backoff_seconds

log = get_logger(__name__)


class Mailer(Protocol):
    """What sends an email (SmtpMailer in production)."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SendOutcome:
    """What one send attempt did; `retry_in` is set when the job waits for another attempt."""

    status: str
    retry_in: float | None = None


def send_lease(settings: ImplementationSettings) -> timedelta:
    """How long a worker holds a claimed email: the worst send (cut at its deadline) and then the window to
    record it as sent, so no other worker takes a job that may be on its way; a killed worker's email waits
    this long before the sweep hands it to another."""
    return timedelta(seconds=settings.email_lease_seconds())


@dataclass(frozen=True)
class _Claimed:
    """What sending a claimed job needs, read in the claim's transaction."""

    job_id: uuid.UUID
    template: str
    context: dict[str, Any]
    to_name: str
    to_email: str
    key: str
    attempts: int


def send_email_jobs(
    *,
    session_factory: sessionmaker[Session],
    job_ids: Sequence[uuid.UUID],
    mailer: Mailer,
    settings: ImplementationSettings,
    now: datetime | None = None,
) -> dict[uuid.UUID, SendOutcome]:
    """Send the emails of those jobs that are due and that nobody else holds; safe to call any number of times.

    One statement claims them all, each under a lease with its own fresh token; every later change of a job
    names its token, so a worker whose lease ended and was taken over records nothing (the new holder decides
    the job's fate). Each outcome is recorded as soon as its send ends, so a worker killed mid-batch can send
    at most the one email in flight twice. Sends start only within the batch window of the claim (the lease
    covers that window, the worst send and the recording); the jobs left then are handed back as `released`.
    """
    now = now or utcnow()
    tokens = {job_id: uuid.uuid4() for job_id in dict.fromkeys(job_ids)}
    outcomes: dict[uuid.UUID, SendOutcome] = {}
    with unit_of_work(session_factory) as session:
        rows = claim_under_lease(
            session,
            model=NotificationJob,
            status_column=NotificationJob.email_status,
            tokens=tokens,
            now=now,
            lease=send_lease(settings),
            returning=(NotificationJob,),
        )
        claimed = [
            _Claimed(
                job_id=job.id,
                template=job.template,
                context=render_context(job.context, job.recipient_name, job.link, job.language),
                to_name=job.recipient_name,
                to_email=job.recipient_email,
                key=job.idempotency_key,
                attempts=job.attempts,
            )
            for (job,) in rows
        ]
        unclaimed = [job_id for job_id in tokens if job_id not in {c.job_id for c in claimed}]
        if unclaimed:
            held = session.execute(
                select(NotificationJob.id, NotificationJob.email_status, NotificationJob.next_attempt_at).where(
                    NotificationJob.id.in_(unclaimed)
                )
            ).all()
            for job_id, status, next_attempt_at in held:
                if status == EmailStatus.SENDING and next_attempt_at is not None:
                    # Another worker holds it (or held it and died: the sweep queues it when the lease ends).
                    outcomes[job_id] = SendOutcome("busy", max((next_attempt_at - now).total_seconds(), 0.0))
    claimed_at = time.monotonic()
    for job in claimed:
        lease = _Lease(session_factory, job.job_id, tokens[job.job_id])
        if time.monotonic() - claimed_at > settings.email_batch_window_seconds():
            # Too late in the lease to start a send: hand the job back, due at once, its attempts untouched.
            released = lease.finish(status=EmailStatus.PENDING, attempts=job.attempts, next_attempt_at=now)
            outcomes[job.job_id] = SendOutcome("released" if released else "lease_lost")
            continue
        # Times recorded (sent_at, the backoff) count from the claim, as for a batch of one.
        outcomes[job.job_id] = _send_claimed(job, lease=lease, mailer=mailer, settings=settings, now=now)
    return {job_id: outcomes.get(job_id, SendOutcome("not_due")) for job_id in tokens}


def _send_claimed(
    job: _Claimed, *, lease: _Lease, mailer: Mailer, settings: ImplementationSettings, now: datetime
) -> SendOutcome:
    """Render and send one claimed job's email, then record the outcome under its lease."""
    message_id = message_id_for(job.key, settings.mail_from)
    attempts = job.attempts
    try:
        rendered = render(job.template, job.context)
        message = build_message(
            rendered=rendered,
            to_name=job.to_name,
            to_email=job.to_email,
            mail_from=settings.mail_from,
            message_id=message_id,
        )
        mailer.send(message)
    except TransientMailError as exc:
        attempts += 1
        if attempts >= settings.smtp_max_attempts:
            if not lease.finish(status=EmailStatus.FAILED, attempts=attempts, error=str(exc)):
                return SendOutcome("lease_lost")
            log.error("email failed after retries", job_id=str(job.job_id), error=str(exc))
            return SendOutcome("failed")
        delay = backoff_seconds(
            base=settings.smtp_retry_base_seconds, attempts=attempts, cap=settings.smtp_retry_max_seconds
        )
        if not lease.finish(
            status=EmailStatus.PENDING,
            attempts=attempts,
            error=str(exc),
            next_attempt_at=now + timedelta(seconds=delay),
        ):
            return SendOutcome("lease_lost")
        log.warning("email deferred", job_id=str(job.job_id), error=str(exc), retry_in=delay)
        return SendOutcome("retry", delay)
    except (PermanentMailError, Exception) as exc:  # refused for good, or a template bug: retrying cannot help
        if not lease.finish(status=EmailStatus.FAILED, attempts=attempts + 1, error=str(exc)):
            return SendOutcome("lease_lost")
        log.error("email failed", job_id=str(job.job_id), error=str(exc))
        return SendOutcome("failed")
    # The server has the email now: recording that must not fail over a database outage, or the job would be
    # sent again once its lease ends. Keep trying for the window the lease was sized to cover.
    recorded = False
    for attempt in Retrying(
        retry=retry_if_exception_type(OperationalError),
        stop=stop_after_delay(settings.smtp_record_sent_within_seconds),
        wait=wait_exponential(multiplier=0.2, max=2),
        reraise=True,
    ):
        with attempt:
            recorded = lease.finish(status=EmailStatus.SENT, attempts=attempts + 1, message_id=message_id, sent_at=now)
    return SendOutcome("sent" if recorded else "lease_lost")


@dataclass(frozen=True)
class _Lease:
    """One claim of one job: its changes apply only while the job is still `sending` under this token."""

    session_factory: sessionmaker[Session]
    job_id: uuid.UUID
    token: uuid.UUID

    def finish(self, *, status: EmailStatus, attempts: int, **values: Any) -> bool:
        """Record the attempt's outcome and release the job; False (nothing changed) if the lease was lost."""
        finished = finish_under_lease(
            self.session_factory,
            model=NotificationJob,
            status_column=NotificationJob.email_status,
            row_id=self.job_id,
            token=self.token,
            status=status,
            attempts=attempts,
            **values,
        )
        if not finished:
            log.error("email lease lost: another worker took the job over", job_id=str(self.job_id), status=status)
        return finished


def queue_due_email_jobs(
    session: Session, *, now: datetime, settings: ImplementationSettings, limit: int = 500
) -> list[uuid.UUID]:
    """Mark as queued, and return, the jobs whose email is due and that nobody queued lately. Commits."""
    return queue_due(
        session, model=NotificationJob, status=NotificationJob.email_status, now=now, settings=settings, limit=limit
    )
