"""Email sent once: every change of a job is fenced by the claim's lease token, the lease outlasts the worst
send, a slow mail server is cut at the send deadline, and a silent one is retried."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from services.implementation.notifications.email_jobs import SendOutcome, send_lease
from services.implementation.notifications.mailer import SmtpMailer, TransientMailError
from services.implementation.notifications.models import NotificationJob
from services.implementation.settings import ImplementationSettings
from services.implementation.tests.conftest import SilentServer, SlowSmtp
from services.implementation.tests.notifications.test_jobs import record, requested, send_email_job, settings_for
from shared.db import utcnow


def job_row(runtime: Any, job_id: uuid.UUID) -> NotificationJob:
    with runtime.session_factory() as session:
        job: NotificationJob | None = session.get(NotificationJob, job_id)
        assert job is not None
        return job


def new_job(runtime: Any) -> uuid.UUID:
    job_id = record(runtime, requested())
    assert job_id is not None
    return job_id


def attempt(runtime: Any, job_id: uuid.UUID, mailer: Any, settings: ImplementationSettings) -> SendOutcome:
    """One worker's run of the send task."""
    return send_email_job(session_factory=runtime.session_factory, job_id=job_id, mailer=mailer, settings=settings)


class OtherWorkerMeanwhile:
    """A mailer whose send is so slow that, `after` seconds into it, another worker runs the same job; then
    this send finishes as `then` says (delivered, or a transient failure)."""

    def __init__(
        self, runtime: Any, job_id: uuid.UUID, settings: ImplementationSettings, *, after: float, then: str
    ) -> None:
        self.runtime, self.job_id, self.settings, self.after, self.then = runtime, job_id, settings, after, then
        self.other: SendOutcome | None = None

    def send(self, message: EmailMessage) -> None:
        self.other = send_email_job(
            session_factory=self.runtime.session_factory,
            job_id=self.job_id,
            mailer=SmtpMailer(self.settings),
            settings=self.settings,
            now=utcnow() + timedelta(seconds=self.after),
        )
        if self.then == "fail":
            raise TransientMailError("SMTPServerDisconnected: Connection unexpectedly closed")
        SmtpMailer(self.settings).send(message)


def test_outcome_of_a_worker_whose_lease_was_taken_over_changes_nothing(
    implementation_runtime: Any, smtp_sink: Any
) -> None:
    inbox, port = smtp_sink
    settings = settings_for(implementation_runtime, port)
    job_id = new_job(implementation_runtime)
    lease = send_lease(settings).total_seconds()
    slow = OtherWorkerMeanwhile(implementation_runtime, job_id, settings, after=lease + 1, then="fail")
    outcome = attempt(implementation_runtime, job_id, slow, settings)
    assert slow.other is not None
    assert (outcome.status, slow.other.status, len(inbox.messages)) == ("lease_lost", "sent", 1)
    job = job_row(implementation_runtime, job_id)
    assert (job.email_status, job.attempts, job.lease_token, job.last_error) == ("sent", 1, None, None)


def test_lease_outlasts_the_batch_window_the_send_deadline_and_the_window_to_record_it(
    implementation_runtime: Any,
) -> None:
    settings = implementation_runtime.settings.model_copy(
        update={
            "smtp_timeout_seconds": 10.0,
            "smtp_send_deadline_seconds": 60.0,
            "smtp_record_sent_within_seconds": 300.0,
        }
    )
    # A batch starts its last send up to 60 s after the claim; that send takes at most 60 s more.
    assert send_lease(settings) == timedelta(seconds=60 + 60 + 300 + 15)


def test_slow_but_successful_send_keeps_the_job_from_other_workers(implementation_runtime: Any) -> None:
    server = SlowSmtp(delay=0.2)
    try:
        settings = settings_for(implementation_runtime, server.port, smtp_timeout_seconds=5.0)
        job_id = new_job(implementation_runtime)
        # The old lease (3 x the SMTP timeout + 5 s) would have ended here; the send is still running.
        meanwhile = OtherWorkerMeanwhile(
            implementation_runtime, job_id, settings, after=3 * settings.smtp_timeout_seconds + 6, then="send"
        )
        outcome = attempt(implementation_runtime, job_id, meanwhile, settings)
        assert meanwhile.other is not None
        assert (outcome.status, meanwhile.other.status, len(server.messages)) == ("sent", "busy", 1)
        assert job_row(implementation_runtime, job_id).email_status == "sent"
    finally:
        server.close()


def test_slow_mail_server_is_cut_at_the_send_deadline_and_retried(implementation_runtime: Any) -> None:
    server = SlowSmtp(delay=0.6)  # every answer within the 1 s timeout, the whole exchange well past 1.5 s
    try:
        settings = settings_for(
            implementation_runtime, server.port, smtp_timeout_seconds=1.0, smtp_send_deadline_seconds=1.5
        )
        job_id = new_job(implementation_runtime)
        outcome = attempt(implementation_runtime, job_id, SmtpMailer(settings), settings)
        assert (outcome.status, outcome.retry_in, server.messages) == ("retry", 2.0, [])
        job = job_row(implementation_runtime, job_id)
        assert (job.email_status, job.attempts, job.last_error) == ("pending", 1, "SMTP send deadline passed")
    finally:
        server.close()


def test_mail_server_that_accepts_and_never_answers_is_retried(
    implementation_runtime: Any, silent_server: SilentServer
) -> None:
    settings = settings_for(implementation_runtime, silent_server.port, smtp_timeout_seconds=1.0)
    job_id = new_job(implementation_runtime)
    outcome = attempt(implementation_runtime, job_id, SmtpMailer(settings), settings)
    assert (outcome.status, outcome.retry_in, len(silent_server.accepted)) == ("retry", 2.0, 1)
    job = job_row(implementation_runtime, job_id)
    assert (job.email_status, job.attempts, job.lease_token) == ("pending", 1, None)
    assert job.last_error == "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
