"""The implementation service's Celery app: event consumers, the email sender, webhooks and the beat schedule.

audisi worker implementation                          # queue "implementation": tickets, escalations, email sweep
audisi worker implementation --queues notifications   # queue "notifications": jobs, in-app, email
audisi worker implementation --queues webhooks        # queue "webhooks": agencies' endpoints
audisi beat implementation                            # the schedule below (one replica)

A send in progress (an email, a webhook POST) is not cancelled when the worker loses its broker connection:
cancelling cannot take back what the remote already has, and the job's lease (kept in the database, fenced by
its token) already stops anyone else from sending it. The unacknowledged message comes back after the broker
visibility timeout, which exceeds every lease (checked in production settings), and finds the job done.
"""

from __future__ import annotations

import uuid
from typing import Any

from celery.schedules import crontab
from celery.signals import worker_process_init

import services.implementation.models  # noqa: F401 - map every table before the first flush (foreign keys resolve)
from services.implementation.db import messaging, runtime
from services.implementation.notifications import service as notifications
from services.implementation.notifications import tasks as notification_tasks
from services.implementation.tickets import tasks as ticket_tasks
from services.implementation.webhooks import tasks as webhook_tasks
from shared.celery_app import make_celery
from shared.consumer import register_event_consumer
from shared.events import IdeaJudged, IdeaWithdrawn, NotificationRequested, Queue
from shared.logging import quiet_routine_tasks

settings = runtime.settings
celery_app = make_celery(
    "implementation", settings, queues=[Queue.IMPLEMENTATION, Queue.NOTIFICATIONS, webhook_tasks.QUEUE]
)
celery_app.conf.task_routes = {
    "audisi.notifications.*": {"queue": str(Queue.NOTIFICATIONS)},
    "audisi.webhooks.*": {"queue": webhook_tasks.QUEUE},
}
celery_app.conf.worker_cancel_long_running_tasks_on_connection_loss = False

handle_implementation_event = register_event_consumer(
    celery_app,
    queue=Queue.IMPLEMENTATION,
    session_factory=lambda: runtime.session_factory,
    tables=messaging,
    handlers={IdeaJudged: ticket_tasks.on_idea_judged, IdeaWithdrawn: ticket_tasks.on_idea_withdrawn},
    redis_url=settings.redis_url,
    max_tries=settings.consumer_max_tries,
)
handle_notification_event = register_event_consumer(
    celery_app,
    queue=Queue.NOTIFICATIONS,
    session_factory=lambda: runtime.session_factory,
    tables=messaging,
    handlers={NotificationRequested: notification_tasks.on_notification_requested},
    redis_url=settings.redis_url,
    max_tries=settings.consumer_max_tries,
)
ticket_tasks.register(celery_app)
webhook_tasks.register(celery_app)
queue_emails = notification_tasks.register(celery_app)


def _enqueue_email(job_id: uuid.UUID) -> None:
    queue_emails([job_id])


notifications.set_email_enqueuer(_enqueue_email)

celery_app.conf.beat_schedule = {
    "dispatch-webhooks": {
        "task": webhook_tasks.DISPATCH_TASK,
        "schedule": settings.webhook_dispatch_seconds,
        "options": {"queue": webhook_tasks.QUEUE, "expires": settings.webhook_dispatch_seconds * 2},
    },
    "escalate-overdue": {
        "task": ticket_tasks.ESCALATE_TASK,
        "schedule": settings.escalation_interval_seconds,
        "options": {"queue": str(Queue.IMPLEMENTATION), "expires": settings.escalation_interval_seconds},
    },
    "sweep-emails": {
        "task": notification_tasks.SWEEP_TASK,
        "schedule": settings.smtp_sweep_seconds,
        # Not on "notifications": behind a backlog of sends there, each sweep would expire before it ran.
        "options": {"queue": str(Queue.IMPLEMENTATION), "expires": settings.smtp_sweep_seconds * 2},
    },
    "daily-digest": {
        "task": notification_tasks.DIGEST_TASK,
        "schedule": crontab(hour=settings.digest_hour_wib, minute=0),  # the app's timezone is Asia/Jakarta
        "options": {"queue": str(Queue.IMPLEMENTATION)},
    },
}
# The tasks beat runs every few seconds: three log lines per run would bury everything else.
quiet_routine_tasks(webhook_tasks.DISPATCH_TASK, ticket_tasks.ESCALATE_TASK, notification_tasks.SWEEP_TASK)


@worker_process_init.connect
def _fresh_pool(**_kwargs: Any) -> None:
    """Each forked worker process opens its own connections."""
    runtime.dispose()
