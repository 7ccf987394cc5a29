"""Celery factory with reliable defaults, shared by every worker, beat and relay process."""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery
from kombu import Queue as KombuQueue

from shared.settings import ServiceSettings


def make_celery(
    name: str, settings: ServiceSettings, *, queues: Sequence[str] = (), include: Sequence[str] = ()
) -> Celery:
    """A Celery app on Redis whose messages survive a worker crash and are never pickled."""
    app = Celery(name, broker=settings.redis_url, include=list(include))
    app.conf.update(
        # JSON only: a message is data, never code; every service can read every other's messages.
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,  # results travel as events through the outbox, not a result backend
        # Acknowledge after the task ran, and give the message back if the worker process died, so a
        # SIGKILL mid-task loses nothing. Consumers are idempotent (the inbox), so a rerun is harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One message at a time per process: a crash re-queues one message, not a prefetched batch, and a
        # slow task does not hold messages that an idle replica could run.
        worker_prefetch_multiplier=1,
        broker_transport_options={
            # How long Redis keeps a taken-but-unacknowledged message before giving it to another worker.
            # Longer than the longest task, or it would run twice; see ServiceSettings for the reasoning.
            "visibility_timeout": settings.broker_visibility_timeout_seconds,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_default_queue=queues[0] if queues else name,
        task_queues=[KombuQueue(q, routing_key=q) for q in queues] or None,
        task_create_missing_queues=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=True,  # Flower sees tasks live
        task_send_sent_event=False,  # a second Redis write per message; Flower shows received tasks anyway
        timezone="Asia/Jakarta",
        enable_utc=True,
    )
    return app
