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
        "audisi.implementation.dispatch_webhooks",
        "audisi.implementation.escalate_overdue",
        "audisi.notifications.sweep_emails",
        "audisi.notifications.send_digests",
    }
    assert scheduled <= set(celery_app.tasks)
    assert {"audisi.implementation.handle_event", "audisi.notifications.handle_event"} <= set(celery_app.tasks)
