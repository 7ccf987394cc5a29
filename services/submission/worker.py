"""The submission service's Celery worker: consumes idea.judged.v1 and the ticket events."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init

import services.submission.models  # noqa: F401 - map every table before the first flush (foreign keys resolve)
from services.submission.db import messaging, runtime
from services.submission.ideas.tasks import on_idea_judged, on_ticket_created, on_ticket_status_changed
from shared.celery_app import make_celery
from shared.consumer import register_event_consumer
from shared.events import IdeaJudged, Queue, TicketCreated, TicketStatusChanged

celery_app = make_celery("submission", runtime.settings, queues=[Queue.SUBMISSION])

HANDLERS: dict[Any, Any] = {
    IdeaJudged: on_idea_judged,
    TicketCreated: on_ticket_created,
    TicketStatusChanged: on_ticket_status_changed,
}

handle_event = register_event_consumer(
    celery_app,
    queue=Queue.SUBMISSION,
    session_factory=lambda: runtime.session_factory,
    tables=messaging,
    handlers=HANDLERS,
    redis_url=runtime.settings.redis_url,
    max_tries=runtime.settings.consumer_max_tries,
)


@worker_process_init.connect
def _fresh_pool(**_: Any) -> None:
    """Each forked worker process opens its own connections."""
    runtime.dispose()
