"""The judging worker: consumes submission's events into judging's own copy of ideas."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init

import services.judging.models  # noqa: F401 - map every table before the first flush (foreign keys resolve)
from services.judging.db import messaging, runtime
from services.judging.ideas.tasks import on_idea_screened, on_idea_submitted, on_idea_withdrawn
from shared.celery_app import make_celery
from shared.consumer import register_event_consumer
from shared.events import IdeaScreened, IdeaSubmitted, IdeaWithdrawn, Queue

celery_app = make_celery("judging", runtime.settings, queues=[str(Queue.JUDGING)])

handle_event = register_event_consumer(
    celery_app,
    queue=Queue.JUDGING,
    session_factory=lambda: runtime.session_factory,
    tables=messaging,
    handlers={
        IdeaSubmitted: on_idea_submitted,
        IdeaScreened: on_idea_screened,
        IdeaWithdrawn: on_idea_withdrawn,
    },
    redis_url=runtime.settings.redis_url,
    max_tries=runtime.settings.consumer_max_tries,
)


@worker_process_init.connect
def _fresh_pool(**_kwargs: Any) -> None:
    """Each forked worker process opens its own connections (a pool must not cross a fork)."""
    runtime.dispose()
