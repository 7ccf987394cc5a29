"""The pipeline benchmark's floor: a bare Celery no-op chain, on the same broker, with the stack's Celery defaults.

    python -m celery -A bench.floor_celery worker --queues floor_tickets --concurrency 2

One "decision" is the chain the real pipeline runs for a selected idea, with nothing done at each step:
a ticket task, which queues three notification tasks (proposer, agency, committee), each of which queues
one email task; the email task counts itself in Redis. 7 tasks, 3 hops, no database. The app is made by
`shared.celery_app.make_celery` like every worker of the stack (JSON, acks late, prefetch 1).
"""

from __future__ import annotations

import os
from typing import Any

import redis

from audisi.servers import DEFAULT_REDIS
from shared.celery_app import make_celery
from shared.settings import ServiceSettings

TICKETS_QUEUE = "floor_tickets"
NOTIFICATIONS_QUEUE = "floor_notifications"
TICKET_TASK = "bench.floor.ticket"
DONE_KEY = "bench:floor:done"
EMAILS_PER_DECISION = 3

settings = ServiceSettings(
    environment="test", database_url="postgresql://unused", redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS)
)
app = make_celery("benchfloor", settings, queues=[TICKETS_QUEUE, NOTIFICATIONS_QUEUE])
app.conf.task_routes = {
    "bench.floor.notify": {"queue": NOTIFICATIONS_QUEUE},
    "bench.floor.email": {"queue": NOTIFICATIONS_QUEUE},
}
_client: list[redis.Redis] = []


@app.task(name=TICKET_TASK, acks_late=True)
def ticket(*, n: int) -> None:
    """The ticket step: queue the three notifications."""
    for k in range(EMAILS_PER_DECISION):
        notify.apply_async(kwargs={"n": n, "k": k})


@app.task(name="bench.floor.notify", acks_late=True)
def notify(*, n: int, k: int) -> None:
    """The notification step: queue its email."""
    email.apply_async(kwargs={"n": n, "k": k})


@app.task(name="bench.floor.email", acks_late=True)
def email(**_kwargs: Any) -> None:
    """The email step: count it done."""
    if not _client:
        _client.append(redis.Redis.from_url(settings.redis_url))
    _client[0].incr(DONE_KEY)
