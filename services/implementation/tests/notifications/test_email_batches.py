"""Emails in batches: one statement claims several due jobs, each under its own token; each outcome is recorded
as its send ends; a send task drains the list of due jobs, and a burst of jobs queues few tasks."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select, update

from services.implementation.notifications import tasks
from services.implementation.notifications.email_jobs import send_email_jobs
from services.implementation.notifications.mailer import SmtpMailer, message_id_for
from services.implementation.notifications.models import EmailStatus, NotificationJob
from services.implementation.tests.notifications.test_jobs import record, requested, settings_for
from shared.db import unit_of_work, utcnow


def new_jobs(runtime: Any, count: int) -> list[uuid.UUID]:
    ids = [record(runtime, requested(key=f"ticket.created:t{n}:proposer")) for n in range(count)]
    assert all(ids)
    return [job_id for job_id in ids if job_id is not None]


def test_batch_claims_each_due_job_under_its_own_token_and_sends_each_once(
    implementation_runtime: Any, smtp_sink: Any
) -> None:
    inbox, port = smtp_sink
    settings = settings_for(implementation_runtime, port)
    sent, held, later = new_jobs(implementation_runtime, 3)
    now, minute = utcnow(), timedelta(minutes=1)
    with unit_of_work(implementation_runtime.session_factory) as session:
        # Another worker holds one; another is backing off.
        session.execute(
            update(NotificationJob)
            .where(NotificationJob.id == held)
            .values(email_status=EmailStatus.SENDING, lease_token=uuid.uuid4(), next_attempt_at=now + minute)
        )
        session.execute(update(NotificationJob).where(NotificationJob.id == later).values(next_attempt_at=now + minute))
    outcomes = send_email_jobs(
        session_factory=implementation_runtime.session_factory,
        job_ids=[sent, held, later, sent],
        mailer=SmtpMailer(settings),
        settings=settings,
        now=now,
    )

    assert {job_id: outcome.status for job_id, outcome in outcomes.items()} == {
        sent: "sent",
        held: "busy",
        later: "not_due",
    }
    assert len(inbox.messages) == 1


def test_batch_sends_every_due_job_once_each_under_a_token_of_its_own(
    implementation_runtime: Any, smtp_sink: Any
) -> None:
    inbox, port = smtp_sink
    settings = settings_for(implementation_runtime, port)
    jobs = new_jobs(implementation_runtime, 4)
    tokens: list[uuid.UUID | None] = []  # each job's token while its email is being sent

    class Spy:
        def send(self, message: EmailMessage) -> None:
            with implementation_runtime.session_factory() as session:
                tokens.append(
                    session.scalar(
                        select(NotificationJob.lease_token).where(
                            NotificationJob.email_status == EmailStatus.SENDING,
                            NotificationJob.idempotency_key == key_of[str(message["Message-ID"])],
                        )
                    )
                )
            SmtpMailer(settings).send(message)

    keys = [f"ticket.created:t{n}:proposer" for n in range(4)]
    key_of = {message_id_for(key, settings.mail_from): key for key in keys}
    outcomes = send_email_jobs(
        session_factory=implementation_runtime.session_factory, job_ids=jobs, mailer=Spy(), settings=settings
    )

    assert [outcomes[job_id].status for job_id in jobs] == ["sent"] * 4
    assert len(inbox.messages) == 4
    assert len({str(m["Message-ID"]) for m in inbox.messages}) == 4
    assert None not in tokens
    assert len(set(tokens)) == 4
    with implementation_runtime.session_factory() as session:
        rows = session.execute(select(NotificationJob.email_status, NotificationJob.lease_token)).all()
    assert sorted(rows) == [("sent", None)] * 4


def test_batch_hands_back_the_jobs_it_cannot_start_within_its_window(implementation_runtime: Any) -> None:
    settings = implementation_runtime.settings.model_copy(
        update={"smtp_timeout_seconds": 0.05, "smtp_send_deadline_seconds": 0.05}
    )
    first, second = new_jobs(implementation_runtime, 2)
    delivered: list[str] = []

    class SlowMailer:
        def send(self, message: EmailMessage) -> None:
            time.sleep(0.1)  # the first send outlasts the batch's window to start sends
            delivered.append(str(message["Message-ID"]))

    now = utcnow()
    outcomes = send_email_jobs(
        session_factory=implementation_runtime.session_factory,
        job_ids=[first, second],
        mailer=SlowMailer(),
        settings=settings,
        now=now,
    )

    assert (outcomes[first].status, outcomes[second].status, len(delivered)) == ("sent", "released", 1)
    with implementation_runtime.session_factory() as session:
        job = session.get_one(NotificationJob, second)
        assert (job.email_status, job.attempts, job.lease_token, job.next_attempt_at) == ("pending", 0, None, now)


@pytest.fixture
def due_list(implementation_runtime: Any) -> Any:
    client = tasks._redis()
    client.delete(tasks.EMAILS_DUE_KEY, tasks.SEND_QUEUED_KEY)
    yield client
    client.delete(tasks.EMAILS_DUE_KEY, tasks.SEND_QUEUED_KEY)


def test_burst_of_jobs_queues_one_send_task_that_drains_them_in_batches(
    implementation_runtime: Any, smtp_sink: Any, due_list: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.implementation.notifications import service as notifications
    from services.implementation.worker import _enqueue_email, celery_app, queue_emails

    inbox, port = smtp_sink
    monkeypatch.setattr(
        implementation_runtime, "_settings", settings_for(implementation_runtime, port, smtp_batch_size=2)
    )
    send_emails = celery_app.tasks[tasks.SEND_EMAILS_TASK]
    queued: list[Any] = []
    monkeypatch.setattr(send_emails, "apply_async", lambda **kwargs: queued.append(kwargs))
    notifications.set_email_enqueuer(_enqueue_email)  # as the worker runs: each job queued after its commit

    new_jobs(implementation_runtime, 3)
    assert (len(queued), due_list.llen(tasks.EMAILS_DUE_KEY)) == (1, 3)

    assert send_emails.run() == 2  # a full batch: it queues the next task before sending
    assert (len(queued), due_list.llen(tasks.EMAILS_DUE_KEY)) == (2, 1)
    assert send_emails.run() == 1
    assert send_emails.run() == 0
    assert (len(queued), len(inbox.messages), due_list.llen(tasks.EMAILS_DUE_KEY)) == (2, 3, 0)
    queue_emails([])  # nothing waits: no task
    assert len(queued) == 2
