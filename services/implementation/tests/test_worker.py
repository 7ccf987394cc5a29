"""The Celery app as the worker runs it: registered consumers, idempotent through the inbox, the beat schedule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.implementation.notifications.models import InAppNotification, NotificationJob
from services.implementation.tests.factories import judged
from services.implementation.tests.helpers import outbox, ticket_ids
from shared.events import NotificationRequested, parse_event


def test_registered_consumer_creates_one_ticket_when_event_delivered_twice(implementation_runtime: Any) -> None:
    from services.implementation.worker import handle_implementation_event

    event = judged()
    body = event.model_dump(mode="json")
    assert handle_implementation_event.run(event=body) == "handled"
    assert handle_implementation_event.run(event=body) == "duplicate"
    with implementation_runtime.session_factory() as session:
        assert len(ticket_ids(session, event.payload.idea_id)) == 1


def test_notifications_consumer_records_one_job_per_event(implementation_runtime: Any) -> None:
    from services.implementation.notifications import service as notifications
    from services.implementation.worker import handle_implementation_event, handle_notification_event

    enqueued: list[Any] = []
    notifications.set_email_enqueuer(enqueued.append)
    handle_implementation_event.run(event=judged().model_dump(mode="json"))
    with implementation_runtime.session_factory() as session:
        requests = outbox(session, "notification.requested.v1")
    for body in requests + requests:  # every event delivered twice
        handle_notification_event.run(event=body)
    with implementation_runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(NotificationJob)) == 3
        assert session.scalar(select(func.count()).select_from(InAppNotification)) == 1
    assert len(enqueued) == 3  # each email job sent on its way once, after its commit
    assert all(isinstance(parse_event(b), NotificationRequested) for b in requests)


def test_beat_schedule_names_registered_tasks(implementation_runtime: Any) -> None:
    from services.implementation.worker import celery_app

    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert scheduled == {
        "audisi.webhooks.dispatch",
        "audisi.implementation.escalate_overdue",
        "audisi.notifications.sweep_emails",
        "audisi.notifications.send_digests",
    }
    assert scheduled <= set(celery_app.tasks)
    assert {"audisi.implementation.handle_event", "audisi.notifications.handle_event"} <= set(celery_app.tasks)


def test_sends_in_progress_are_not_cancelled_when_the_broker_connection_drops(implementation_runtime: Any) -> None:
    from services.implementation.worker import celery_app

    assert celery_app.conf.worker_cancel_long_running_tasks_on_connection_loss is False
    assert (celery_app.conf.task_acks_late, celery_app.conf.task_reject_on_worker_lost) == (True, True)


def test_webhook_work_has_its_own_queue_away_from_tickets_and_the_email_sweep(implementation_runtime: Any) -> None:
    from audisi.processes import PROCESSES
    from services.implementation.worker import celery_app

    router = celery_app.amqp.router
    assert router.route({}, "audisi.webhooks.deliver")["queue"].name == "webhooks"
    assert router.route({}, "audisi.webhooks.dispatch")["queue"].name == "webhooks"
    queues = {name: entry["options"]["queue"] for name, entry in celery_app.conf.beat_schedule.items()}
    assert (queues["dispatch-webhooks"], queues["sweep-emails"]) == ("webhooks", "implementation")
    workers = {p.name: p.command for p in PROCESSES if p.service == "implementation" and "worker" in p.command}
    assert workers == {
        "implementation-worker": ("audisi", "worker", "implementation"),
        "notifications-worker": ("audisi", "worker", "implementation", "--queues", "notifications"),
        "webhooks-worker": ("audisi", "worker", "implementation", "--queues", "webhooks"),
    }


def test_production_refuses_a_visibility_timeout_within_a_lease(implementation_runtime: Any) -> None:
    import pytest
    from pydantic import ValidationError

    from services.implementation.settings import ImplementationSettings

    values: dict[str, Any] = {
        "environment": "production",
        "jwt_secret": "x" * 40,
        "database_url": "postgresql://x/y",
        "smtp_host": "mail.example.go.id",
    }
    with pytest.raises(
        ValidationError, match=r"BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed the longest lease \(435 s\)"
    ):
        ImplementationSettings(**values, broker_visibility_timeout_seconds=300)
    assert ImplementationSettings(**values).broker_visibility_timeout_seconds == 3600
