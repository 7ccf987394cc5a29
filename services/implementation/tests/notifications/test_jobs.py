"""Notification jobs: one per idempotency key, in-app per preference, email sent once by SMTP."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from services.implementation.notifications.email_jobs import SendOutcome, send_email_jobs
from services.implementation.notifications.mailer import SmtpMailer, message_id_for
from services.implementation.notifications.models import InAppNotification, NotificationJob, NotificationPreference
from services.implementation.notifications.service import ACCOUNT_TEMPLATES, record_job
from services.implementation.settings import ImplementationSettings
from shared.db import unit_of_work, utcnow
from shared.events import (
    Channel,
    NotificationRequested,
    NotificationRequestedPayload,
    NotificationTemplate,
    Person,
    parse_event,
)

USER = uuid.UUID("11111111-2222-3333-4444-555555555555")


def send_email_job(*, job_id: uuid.UUID, **kwargs: Any) -> SendOutcome:
    """One worker's send task given one job: its outcome."""
    return send_email_jobs(job_ids=[job_id], **kwargs)[job_id]


def requested(key: str = "ticket.created:t1:proposer", channels: list[Channel] | None = None) -> NotificationRequested:
    return NotificationRequested(
        producer="implementation",
        payload=NotificationRequestedPayload(
            idempotency_key=key,
            recipient=Person(user_id=USER, name="Siti Rahmawati", email="siti@example.go.id"),
            channels=channels or [Channel.EMAIL, Channel.IN_APP],
            template=NotificationTemplate.TICKET_STATUS_CHANGED,
            context={
                "ticket_id": "t1",
                "title": "Antar KTP <keliling>",
                "agency_name": "Dinas Kependudukan dan Pencatatan Sipil",
                "old_status": "new",
                "new_status": "accepted",
                "reason": None,
            },
            link="http://localhost:8003/api/v1/tickets/t1",
        ),
    )


def settings_for(runtime: Any, port: int, **overrides: Any) -> ImplementationSettings:
    values = {"smtp_port": port, "smtp_timeout_seconds": 5.0, "smtp_retry_base_seconds": 2.0, **overrides}
    settings: ImplementationSettings = runtime.settings.model_copy(update=values)
    return settings


def record(runtime: Any, event: NotificationRequested) -> uuid.UUID | None:
    with unit_of_work(runtime.session_factory) as session:
        return record_job(session, event)


def test_job_recorded_once_per_idempotency_key(db_session: Session) -> None:
    first = record_job(db_session, requested())
    second = record_job(db_session, requested())  # a new event id, the same key
    assert first is not None
    assert second is None
    assert db_session.scalar(select(func.count()).select_from(NotificationJob)) == 1
    assert db_session.scalar(select(func.count()).select_from(InAppNotification)) == 1


def test_in_app_notification_has_indonesian_summary(db_session: Session) -> None:
    record_job(db_session, requested())
    item = db_session.scalars(select(InAppNotification)).one()
    assert item.user_id == USER
    assert item.body == 'Status "Antar KTP <keliling>" berubah dari baru menjadi diterima.'
    assert item.title == "[Audisi] Status tiket: Antar KTP <keliling> — diterima"


def test_preferences_turn_channels_off(db_session: Session) -> None:
    db_session.add(
        NotificationPreference(user_id=USER, role="participant", email_enabled=False, in_app_enabled=False, name="")
    )
    db_session.flush()
    record_job(db_session, requested())
    job = db_session.scalars(select(NotificationJob)).one()
    assert job.email_status == "skipped"
    assert db_session.scalar(select(func.count()).select_from(InAppNotification)) == 0


def test_email_sent_once_with_deterministic_message_id(implementation_runtime: Any, smtp_sink: Any) -> None:
    inbox, port = smtp_sink
    settings = settings_for(implementation_runtime, port)
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    factory = implementation_runtime.session_factory
    mailer = SmtpMailer(settings)
    outcome = send_email_job(session_factory=factory, job_id=job_id, mailer=mailer, settings=settings)
    again = send_email_job(session_factory=factory, job_id=job_id, mailer=mailer, settings=settings)
    assert (outcome.status, again.status) == ("sent", "not_due")
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["Message-ID"] == message_id_for("ticket.created:t1:proposer", settings.mail_from)
    assert inbox.envelopes == [["siti@example.go.id"]]
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.get_payload()
    text = text_part.get_payload(decode=True).decode()
    html = html_part.get_payload(decode=True).decode()
    assert 'berubah dari "baru" menjadi "diterima"' in text
    assert "moved from" not in text  # one language per message: Indonesian unless English was chosen
    assert message["Content-Language"] == "id"
    assert "Antar KTP &lt;keliling&gt;" in html
    with factory() as session:
        job = session.get(NotificationJob, job_id)
        assert job is not None
        assert (job.email_status, job.attempts, job.message_id) == ("sent", 1, message["Message-ID"])


def test_email_sent_is_recorded_through_a_database_blip_not_sent_again(
    implementation_runtime: Any, smtp_sink: Any
) -> None:
    inbox, port = smtp_sink
    settings = settings_for(implementation_runtime, port)
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    real = implementation_runtime.session_factory
    calls: list[int] = []

    def flaky_factory() -> Session:
        calls.append(1)
        if len(calls) == 2:  # the database restarts right after the SMTP server accepted the email
            raise OperationalError("UPDATE notification_job", {}, Exception("server closed the connection"))
        return real()  # type: ignore[no-any-return]

    outcome = send_email_job(
        session_factory=flaky_factory,
        job_id=job_id,
        mailer=SmtpMailer(settings),
        settings=settings,
    )
    again = send_email_job(session_factory=real, job_id=job_id, mailer=SmtpMailer(settings), settings=settings)

    assert (outcome.status, again.status, len(calls), len(inbox.messages)) == ("sent", "not_due", 3, 1)


def test_email_retried_with_backoff_when_server_down(implementation_runtime: Any, smtp_sink: Any) -> None:
    inbox, port = smtp_sink
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    factory = implementation_runtime.session_factory
    down = settings_for(implementation_runtime, _closed_port())
    now = utcnow()
    first = send_email_job(session_factory=factory, job_id=job_id, mailer=SmtpMailer(down), settings=down, now=now)
    later = now + timedelta(seconds=2)
    second = send_email_job(session_factory=factory, job_id=job_id, mailer=SmtpMailer(down), settings=down, now=later)
    assert (first.status, first.retry_in, second.status, second.retry_in) == ("retry", 2.0, "retry", 4.0)
    too_early = send_email_job(
        session_factory=factory, job_id=job_id, mailer=SmtpMailer(down), settings=down, now=later + timedelta(seconds=1)
    )
    assert too_early.status == "not_due"
    up = settings_for(implementation_runtime, port)
    sent = send_email_job(
        session_factory=factory, job_id=job_id, mailer=SmtpMailer(up), settings=up, now=later + timedelta(seconds=5)
    )
    assert sent.status == "sent"
    assert len(inbox.messages) == 1
    with factory() as session:
        job = session.get(NotificationJob, job_id)
        assert job is not None
        assert (job.email_status, job.attempts) == ("sent", 3)


def test_email_transient_4xx_reply_is_retried(implementation_runtime: Any, smtp_sink: Any) -> None:
    inbox, port = smtp_sink
    inbox.reply = "451 Try again later"
    settings = settings_for(implementation_runtime, port)
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    outcome = send_email_job(
        session_factory=implementation_runtime.session_factory,
        job_id=job_id,
        mailer=SmtpMailer(settings),
        settings=settings,
    )
    assert (outcome.status, outcome.retry_in) == ("retry", 2.0)


def test_email_permanent_5xx_reply_is_not_retried(implementation_runtime: Any, smtp_sink: Any) -> None:
    inbox, port = smtp_sink
    inbox.reply = "550 Mailbox unavailable"
    settings = settings_for(implementation_runtime, port)
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    factory = implementation_runtime.session_factory
    outcome = send_email_job(session_factory=factory, job_id=job_id, mailer=SmtpMailer(settings), settings=settings)
    assert (outcome.status, outcome.retry_in) == ("failed", None)
    with factory() as session:
        job = session.get(NotificationJob, job_id)
        assert job is not None
        assert job.email_status == "failed"
        assert job.last_error is not None
        assert job.last_error.startswith("550")


def test_email_gives_up_after_max_attempts(implementation_runtime: Any) -> None:
    settings = settings_for(implementation_runtime, _closed_port(), smtp_max_attempts=2)
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    factory = implementation_runtime.session_factory
    now = utcnow()
    outcomes = [
        send_email_job(
            session_factory=factory,
            job_id=job_id,
            mailer=SmtpMailer(settings),
            settings=settings,
            now=now + timedelta(seconds=10 * i),
        ).status
        for i in range(3)
    ]
    assert outcomes == ["retry", "failed", "not_due"]


def test_email_held_by_another_worker_is_retried_after_its_lease(implementation_runtime: Any, smtp_sink: Any) -> None:
    inbox, port = smtp_sink
    settings = settings_for(implementation_runtime, port)
    job_id = record(implementation_runtime, requested())
    assert job_id is not None
    factory = implementation_runtime.session_factory
    with unit_of_work(factory) as session:
        job = session.get(NotificationJob, job_id)
        assert job is not None
        job.email_status = "sending"  # a worker claimed it and was killed
        job.next_attempt_at = utcnow() + timedelta(seconds=20)
    outcome = send_email_job(session_factory=factory, job_id=job_id, mailer=SmtpMailer(settings), settings=settings)
    assert outcome.status == "busy"
    assert outcome.retry_in is not None
    assert 18 <= outcome.retry_in <= 20
    taken_over = send_email_job(
        session_factory=factory,
        job_id=job_id,
        mailer=SmtpMailer(settings),
        settings=settings,
        now=utcnow() + timedelta(seconds=21),
    )
    assert taken_over.status == "sent"
    assert len(inbox.messages) == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_judging_slot_moved_template_renders() -> None:
    from services.implementation.notifications.mailer import render

    rendered = render(
        "audition_slot_moved",
        {
            "recipient_name": "Sri",
            "link": None,
            "idea_id": "i1",
            "title": "Posyandu digital",
            "old_room": "Ruang A",
            "old_starts_at": "01-12-2026 09:00 WIB",
            "new_room": "Ruang B",
            "new_starts_at": "01-12-2026 10:00 WIB",
            "reason": None,
        },
    )
    assert rendered.summary == 'Jadwal audisi "Posyandu digital" pindah ke Ruang B, 01-12-2026 10:00 WIB.'
    assert "Semula: Ruang A, 01-12-2026 09:00 WIB" in rendered.text


def test_template_outside_the_closed_set_is_refused_by_the_contract() -> None:
    body = requested().model_dump(mode="json")
    body["payload"]["template"] = "something_new_v9"
    with pytest.raises(ValidationError, match=r"payload\.template"):
        parse_event(body)


def test_every_template_of_the_contract_has_its_files_and_every_file_a_template() -> None:
    from services.implementation.notifications.mailer import TEMPLATES

    files = {path.stem for path in TEMPLATES.iterdir() if path.suffix in (".txt", ".html")}
    own = {"_layout", "generic"}  # the frame of every HTML mail, and the fallback when a context lacks a field
    expected = {str(t) for t in NotificationTemplate}
    assert files - own == expected
    for template in expected:
        assert (TEMPLATES / f"{template}.txt").is_file(), template
        assert (TEMPLATES / f"{template}.html").is_file(), template


def test_sweep_queues_due_jobs_once(implementation_runtime: Any) -> None:
    from services.implementation.notifications.email_jobs import queue_due_email_jobs

    factory = implementation_runtime.session_factory
    settings = settings_for(implementation_runtime, _closed_port())
    job_id = record(implementation_runtime, requested())  # no enqueuer in tests: the sweep's to queue
    assert job_id is not None
    now = utcnow()
    with factory() as session:
        assert queue_due_email_jobs(session, now=now, settings=settings) == [job_id]
    with factory() as session:
        assert queue_due_email_jobs(session, now=now, settings=settings) == []  # queued already
    failed = send_email_job(
        session_factory=factory, job_id=job_id, mailer=SmtpMailer(settings), settings=settings, now=now
    )
    assert (failed.status, failed.retry_in) == ("retry", 2.0)
    with factory() as session:
        assert queue_due_email_jobs(session, now=now + timedelta(seconds=1), settings=settings) == []  # backing off
    with factory() as session:
        assert queue_due_email_jobs(session, now=now + timedelta(seconds=2), settings=settings) == [job_id]


def test_sweep_requeues_job_whose_task_was_lost(implementation_runtime: Any) -> None:
    from services.implementation.notifications import service as notifications
    from services.implementation.notifications.email_jobs import queue_due_email_jobs

    enqueued: list[uuid.UUID] = []
    notifications.set_email_enqueuer(enqueued.append)
    try:
        job_id = record(implementation_runtime, requested())
    finally:
        notifications.set_email_enqueuer(None)
    assert enqueued == [job_id]
    settings = settings_for(implementation_runtime, _closed_port())
    now = utcnow()
    with implementation_runtime.session_factory() as session:
        assert queue_due_email_jobs(session, now=now, settings=settings) == []  # its task is on its way
    with implementation_runtime.session_factory() as session:
        later = now + timedelta(seconds=settings.smtp_requeue_after_seconds + 1)
        assert queue_due_email_jobs(session, now=later, settings=settings) == [job_id]


@pytest.mark.parametrize("template", sorted(ACCOUNT_TEMPLATES))
def test_account_link_templates_render_in_each_language_with_the_link(template: str) -> None:
    from services.implementation.notifications.mailer import render

    link = "http://localhost:8080/akun/verifikasi-email?token=abc"
    indonesian = render(template, {"recipient_name": "Sri", "link": link, "valid_minutes": 60, "lang": "id"})
    english = render(template, {"recipient_name": "Sri", "link": link, "valid_minutes": 60, "lang": "en"})
    assert indonesian.subject.startswith("[Audisi] ")
    assert ("Yth. Sri," in indonesian.text, "Dear Sri," in indonesian.text) == (True, False)
    assert ("Dear Sri," in english.text, "Yth. Sri," in english.text) == (True, False)
    assert "60 menit" in indonesian.text
    assert "60 minutes" in english.text
    assert english.subject != indonesian.subject
    for rendered in (indonesian, english):
        assert rendered.text.count(link) == 1
        assert f'href="{link}"' in rendered.html


def test_account_link_email_is_sent_whatever_the_preferences(db_session: Session) -> None:
    db_session.add(
        NotificationPreference(
            user_id=USER, role="participant", email_enabled=False, in_app_enabled=False, daily_digest=True, name=""
        )
    )
    db_session.flush()
    event = requested(key="account-link:1", channels=[Channel.EMAIL])
    payload = event.payload.model_copy(update={"template": "account_reset_password", "context": {"valid_minutes": 60}})
    record_job(db_session, event.model_copy(update={"payload": payload}))
    assert db_session.scalars(select(NotificationJob)).one().email_status == "pending"
