"""Transactional outbox, the producer's side: events are written with the state change, in its transaction.

`publish` runs inside the caller's transaction: if the transaction rolls back, the event never existed.
The relay (shared.relay, one process per producing service) delivers them after commit, until the consumer
acknowledges each delivery on the Redis list named by `ack_list_key`.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from shared.events import Event, subscribers
from shared.messaging import OUTBOX_CHANNEL


def broker_marker_key(producer: str) -> str:
    """A Redis key the relay sets; finding it missing means Redis lost its data (restart, failover)."""
    return f"audisi:outbox:broker-alive:{producer}"


def ack_list_key(producer: str) -> str:
    """The Redis list where consumers acknowledge deliveries of `producer`'s events."""
    return f"audisi:outbox:acks:{producer}"


#: The events, their deliveries and the relay's wake-up in one statement: one round trip per publish.
#: The foreign key from delivery to event is checked at the end of the statement, when both are in.
_PUBLISH = text(
    "WITH event AS (INSERT INTO outbox_event (event_id, event_type, body) "
    "SELECT * FROM unnest(CAST(:event_ids AS uuid[]), CAST(:types AS text[]), CAST(:bodies AS jsonb[]))), "
    "delivery AS (INSERT INTO outbox_delivery (event_id, subscriber) "
    "SELECT * FROM unnest(CAST(:delivery_ids AS uuid[]), CAST(:subscribers AS text[]))) "
    "SELECT pg_notify(:channel, '')"
)


def publish(session: Session, *events: Event) -> None:
    """Write events to the outbox in the caller's transaction; the relay is woken when it commits."""
    if not events:
        return
    deliveries = [(e.event_id, str(q)) for e in events for q in subscribers(e)]
    session.execute(
        _PUBLISH,
        {
            "event_ids": [e.event_id for e in events],
            "types": [e.type for e in events],
            "bodies": [e.model_dump_json() for e in events],
            "delivery_ids": [event_id for event_id, _ in deliveries],
            "subscribers": [subscriber for _, subscriber in deliveries],
            "channel": OUTBOX_CHANNEL,
        },
    )
