"""Notifications: request them (through the outbox), record each job once, deliver in-app and email.

The flow of one notification:
1. A state change calls `request_notification`, which publishes notification.requested.v1 in the same
   transaction (so a rolled-back change never notifies).
2. The notifications worker's handler, `record_job`, inserts the job keyed by its idempotency key
   (ON CONFLICT DO NOTHING: one key, one job, whatever the redeliveries) and the in-app notification,
   in the transaction that records the event in the inbox.
3. After that commit, `send_email_job` claims the job's email (pending -> sending, with a lease and its
   token), sends it with a Message-ID derived from the key (cut at the send deadline), and marks it sent.
   Transient failures put it back to pending with an exponential backoff (`next_attempt_at`); permanent
   ones mark it failed. Each of these changes applies only under the claim's token: a worker whose lease
   ended and was taken over changes nothing. The lease outlasts the worst send and the window to record it.
4. `queue_due_email_jobs` (beat, every few seconds) queues the jobs that are due and that nobody queued
   lately: retries whose backoff elapsed, and jobs whose worker was killed mid-send (lease expired).
   Retries are deliberately not Celery countdown tasks: with a Redis broker a task waiting longer than the
   visibility timeout is handed out again, and a long backoff would multiply into a storm of copies.
A worker killed between the SMTP send and the commit of "sent" can send it twice (ARCHITECTURE.md, Delivery);
the deterministic Message-ID lets mail clients fold the duplicate.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from services.implementation.db import audit_log, runtime
from services.implementation.notifications.mailer import (
    PermanentMailError,
    TransientMailError,
    build_message,
    message_id_for,
    render,
)
from services.implementation.notifications.models import (
    EmailStatus,
    InAppNotification,
    NotificationJob,
    NotificationPreference,
    WhatsAppMessage,
)
from services.implementation.notifications.schemas import PreferenceUpdate
from services.implementation.notifications.whatsapp import normalise_phone
from services.implementation.settings import ImplementationSettings
from shared.audit import record_audit
from shared.auth import Principal, Role
from shared.db import unit_of_work, utcnow
from shared.errors import Message, invalid, not_found
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
        rendered = render(p.template, _render_context(p.context, p.recipient.name, p.link, language))
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


def _render_context(context: dict[str, Any], recipient_name: str, link: str | None, language: str) -> dict[str, Any]:
    return {**context, "recipient_name": recipient_name, "link": link, "lang": language}


# ------------------------------------------------------------------------------------------ sending


class Mailer:
    """What sends an email (SmtpMailer in production)."""

    def send(self, message: Any) -> None:  # pragma: no cover - protocol
        raise NotImplementedError


@dataclass(frozen=True)
class SendOutcome:
    """What one send attempt did; `retry_in` is set when the job waits for another attempt."""

    status: str
    retry_in: float | None = None


def backoff_seconds(settings: ImplementationSettings, attempts: int) -> float:
    """Delay before attempt `attempts + 1`: base, 2x base, 4x base, ... capped at `smtp_retry_max_seconds`."""
    return float(min(settings.smtp_retry_base_seconds * 2 ** max(attempts - 1, 0), settings.smtp_retry_max_seconds))


def send_lease(settings: ImplementationSettings) -> timedelta:
    """How long a worker holds a claimed email: the worst send (cut at its deadline) and then the window to
    record it as sent, so no other worker takes a job that may be on its way; a killed worker's email waits
    this long before the sweep hands it to another."""
    return timedelta(seconds=settings.email_lease_seconds())


def send_email_job(
    *,
    session_factory: sessionmaker[Session],
    job_id: uuid.UUID,
    mailer: Any,
    settings: ImplementationSettings,
    now: datetime | None = None,
) -> SendOutcome:
    """Send a job's email if it is due and nobody else holds it; safe to call any number of times.

    The claim takes a lease with a fresh token; every later change of the job names that token, so a worker
    whose lease ended and was taken over records nothing (the new holder decides the job's fate).
    """
    now = now or utcnow()
    token = uuid.uuid4()
    with unit_of_work(session_factory) as session:
        job = session.execute(
            update(NotificationJob)
            .where(
                NotificationJob.id == job_id,
                NotificationJob.email_status.in_([EmailStatus.PENDING, EmailStatus.SENDING]),
                NotificationJob.next_attempt_at <= now,
            )
            .values(
                email_status=EmailStatus.SENDING,
                next_attempt_at=now + send_lease(settings),
                lease_token=token,
                enqueued_at=None,
            )
            .returning(NotificationJob)
        ).scalar_one_or_none()
        if job is None:
            held = session.execute(
                select(NotificationJob.email_status, NotificationJob.next_attempt_at).where(
                    NotificationJob.id == job_id
                )
            ).first()
            if held is not None and held[0] == EmailStatus.SENDING and held[1] is not None:
                # Another worker holds it (or held it and died: the sweep queues it when the lease ends).
                return SendOutcome("busy", max((held[1] - now).total_seconds(), 0.0))
            return SendOutcome("not_due")
        template, context = job.template, _render_context(job.context, job.recipient_name, job.link, job.language)
        to_name, to_email, key, attempts = job.recipient_name, job.recipient_email, job.idempotency_key, job.attempts
    message_id = message_id_for(key, settings.mail_from)
    lease = _Lease(session_factory, job_id, token)
    try:
        rendered = render(template, context)
        message = build_message(
            rendered=rendered, to_name=to_name, to_email=to_email, mail_from=settings.mail_from, message_id=message_id
        )
        mailer.send(message)
    except TransientMailError as exc:
        attempts += 1
        if attempts >= settings.smtp_max_attempts:
            if not lease.finish(status=EmailStatus.FAILED, attempts=attempts, error=str(exc)):
                return SendOutcome("lease_lost")
            log.error("email failed after retries", job_id=str(job_id), error=str(exc))
            return SendOutcome("failed")
        delay = backoff_seconds(settings, attempts)
        if not lease.finish(
            status=EmailStatus.PENDING,
            attempts=attempts,
            error=str(exc),
            next_attempt_at=now + timedelta(seconds=delay),
        ):
            return SendOutcome("lease_lost")
        log.warning("email deferred", job_id=str(job_id), error=str(exc), retry_in=delay)
        return SendOutcome("retry", delay)
    except (PermanentMailError, Exception) as exc:  # refused for good, or a template bug: retrying cannot help
        if not lease.finish(status=EmailStatus.FAILED, attempts=attempts + 1, error=str(exc)):
            return SendOutcome("lease_lost")
        log.error("email failed", job_id=str(job_id), error=str(exc))
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
        with unit_of_work(self.session_factory) as session:
            changed = session.execute(
                update(NotificationJob)
                .where(
                    NotificationJob.id == self.job_id,
                    NotificationJob.lease_token == self.token,
                    NotificationJob.email_status == EmailStatus.SENDING,
                )
                .values(
                    email_status=status,
                    attempts=attempts,
                    last_error=values.pop("error", None),
                    next_attempt_at=values.pop("next_attempt_at", None),
                    lease_token=None,
                    **values,
                )
                .returning(NotificationJob.id)
            ).first()
        if changed is None:
            log.error("email lease lost: another worker took the job over", job_id=str(self.job_id), status=status)
        return changed is not None


def queue_due_email_jobs(
    session: Session, *, now: datetime, settings: ImplementationSettings, limit: int = 500
) -> list[uuid.UUID]:
    """Mark as queued, and return, the jobs whose email is due and that nobody queued lately. Commits."""
    requeue_before = now - timedelta(seconds=settings.smtp_requeue_after_seconds)
    due = (
        select(NotificationJob.id)
        .where(
            NotificationJob.email_status.in_([EmailStatus.PENDING, EmailStatus.SENDING]),
            NotificationJob.next_attempt_at <= now,
            or_(NotificationJob.enqueued_at.is_(None), NotificationJob.enqueued_at < requeue_before),
        )
        .order_by(NotificationJob.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(
        session.scalars(
            update(NotificationJob)
            .where(NotificationJob.id.in_(due.scalar_subquery()))
            .values(enqueued_at=now)
            .returning(NotificationJob.id)
        )
    )
    session.commit()
    return ids


# ------------------------------------------------------------------------------------------ reading


def list_in_app(
    session: Session, *, principal: Principal, unread_only: bool, limit: int, before: datetime | None
) -> list[InAppNotification]:
    """The caller's in-app notifications, newest first."""
    query = select(InAppNotification).where(InAppNotification.user_id == principal.user_id)
    if unread_only:
        query = query.where(InAppNotification.read_at.is_(None))
    if before is not None:
        query = query.where(InAppNotification.created_at < before)
    query = query.order_by(InAppNotification.created_at.desc(), InAppNotification.id.desc()).limit(limit)
    return list(session.scalars(query))


def mark_read(session: Session, *, principal: Principal, notification_id: uuid.UUID) -> InAppNotification:
    """Mark one of the caller's notifications read (idempotent)."""
    item = session.get(InAppNotification, notification_id)
    if item is None or item.user_id != principal.user_id:
        raise not_found("Notifikasi", "Notification")
    if item.read_at is None:
        item.read_at = utcnow()
        session.commit()
    return item


def mark_all_read(session: Session, *, principal: Principal) -> int:
    """Mark every unread notification of the caller read; returns how many."""
    result = session.execute(
        update(InAppNotification)
        .where(InAppNotification.user_id == principal.user_id, InAppNotification.read_at.is_(None))
        .values(read_at=utcnow())
        .returning(InAppNotification.id)
    )
    count = len(result.all())
    session.commit()
    return count


def get_preference(session: Session, *, principal: Principal) -> NotificationPreference:
    """The caller's preferences (defaults when never set: everything on, no digest)."""
    pref = session.get(NotificationPreference, principal.user_id)
    if pref is None:
        pref = NotificationPreference(
            user_id=principal.user_id,
            role=str(principal.role),
            agency_code=principal.agency_code,
            name=principal.name,
            email=principal.email,
            email_enabled=True,
            in_app_enabled=True,
            daily_digest=False,
            last_digest_seq=0,
            language="id",
            whatsapp_phone=None,
            whatsapp_enabled=False,
        )
    return pref


DIGEST_ROLES = (Role.AGENCY, Role.COMMITTEE, Role.ADMIN)


def _whatsapp_phone(raw: str | None) -> str | None:
    """The number in the gateway's form; "" removes it; 422 for what is not an Indonesian mobile number."""
    if not raw:
        return None
    phone = normalise_phone(raw)
    if phone is None:
        raise invalid(
            "invalid_whatsapp_phone",
            Message(
                "Nomor WhatsApp tidak sah (contoh: 0812-3456-7890 atau +62 812 3456 7890)",
                "Invalid WhatsApp number (e.g. 0812-3456-7890 or +62 812 3456 7890)",
            ),
            [{"field": "whatsapp_phone", "message": "nomor ponsel Indonesia / an Indonesian mobile number"}],
        )
    return phone


def update_preference(session: Session, *, principal: Principal, data: PreferenceUpdate) -> NotificationPreference:
    """Change the caller's per-channel choices; the daily digest is for agency and committee users."""
    if data.daily_digest and principal.role not in DIGEST_ROLES:
        raise invalid(
            "digest_not_available",
            Message(
                "Ringkasan harian hanya tersedia untuk pengguna instansi dan panitia",
                "The daily digest is only available to agency and committee users",
            ),
        )
    if data.daily_digest and not principal.email:
        raise invalid(
            "email_required",
            Message("Akun Anda tidak memiliki alamat email", "Your account has no email address"),
        )
    phone = _whatsapp_phone(data.whatsapp_phone)
    pref = session.get(NotificationPreference, principal.user_id, with_for_update=True)
    if pref is None:
        pref = get_preference(session, principal=principal)
        session.add(pref)
    pref.role, pref.agency_code, pref.name, pref.email = (
        str(principal.role),
        principal.agency_code,
        principal.name,
        principal.email,
    )
    values: dict[str, object] = data.model_dump(exclude_unset=True, exclude={"whatsapp_phone"})
    if data.whatsapp_phone is not None:
        values["whatsapp_phone"] = phone
    changes: dict[str, dict[str, object]] = {}
    for field, value in values.items():
        if value is not None and value != getattr(pref, field):
            # The number itself stays out of the append-only log (personal data); that it changed is enough.
            shown = (value, getattr(pref, field)) if field != "whatsapp_phone" else ("***", "***")
            changes[field] = {"from": shown[1], "to": shown[0]}
            setattr(pref, field, value)
    if data.whatsapp_phone == "":
        pref.whatsapp_phone = None
    if pref.whatsapp_enabled and not pref.whatsapp_phone:
        raise invalid(
            "whatsapp_phone_required",
            Message(
                "Isi nomor WhatsApp untuk menerima pemberitahuan lewat WhatsApp",
                "Give a WhatsApp number to receive notifications by WhatsApp",
            ),
            [{"field": "whatsapp_phone", "message": "wajib diisi / required"}],
        )
    if changes:
        record_audit(
            session,
            table=audit_log,
            actor=principal,
            action="notification.preferences_changed",
            object_type="notification_preference",
            object_id=principal.user_id,
            details={"changes": changes},
        )
    session.commit()
    return pref
