"""Admin routes of a service's dead letters (shared.dead_letters): the list and the replay, audited.

The same operations as `audisi dead-letters list|replay <service>`, for the admin pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from shared.audit import AuditLog
from shared.auth import Admin
from shared.dead_letters import DeadLetterKind, list_dead_letters, replay_outbox, request_inbox_replay
from shared.openapi import errors

EventId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z:._-]+$")]


class DeadLetterRead(BaseModel):
    """One parked message."""

    model_config = ConfigDict(from_attributes=True)

    kind: DeadLetterKind
    event_id: str
    queue: str = Field(description="the subscriber (outbox) or the consumer (inbox)")
    event_type: str
    tries: int
    last_error: str
    parked_at: datetime


class DeadLetterReplay(BaseModel):
    """Which dead letters to replay: the given events (both kinds unless `kind` says), or all of them."""

    model_config = ConfigDict(extra="forbid")

    event_ids: list[EventId] | None = Field(default=None, max_length=1000, description="null: every dead letter")
    kind: DeadLetterKind | None = None


class ReplayCounts(BaseModel):
    """How many dead letters of each kind were replayed."""

    outbox: int
    inbox: int


def dead_letters_router(*, audit: AuditLog, get_session: Callable[[], Iterator[Session]]) -> APIRouter:
    """`GET /api/v1/ops/dead-letters` and `POST /api/v1/ops/dead-letters/replay`, for admins only."""
    router = APIRouter(prefix="/api/v1/ops/dead-letters", tags=["ops"], responses=errors(401, 403))
    session_dependency = Depends(get_session)

    @router.get("", summary="Messages parked as dead letters, oldest first (admin)")
    def list_parked(
        _: Admin,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        session: Session = session_dependency,
    ) -> list[DeadLetterRead]:
        return [DeadLetterRead.model_validate(d) for d in list_dead_letters(session.connection(), limit=limit)]

    @router.post("/replay", summary="Send dead letters again (admin); the relay sends inbox ones on its next pass")
    def replay(admin: Admin, body: DeadLetterReplay, session: Session = session_dependency) -> ReplayCounts:
        counts = ReplayCounts(outbox=0, inbox=0)
        if body.kind in (None, DeadLetterKind.OUTBOX):
            counts.outbox = replay_outbox(session.connection(), event_ids=body.event_ids)
        if body.kind in (None, DeadLetterKind.INBOX):
            counts.inbox = request_inbox_replay(session.connection(), event_ids=body.event_ids)
        if counts.outbox or counts.inbox:
            audit.record(
                session,
                actor=admin,
                action="dead_letters.replayed",
                object_type="dead_letter",
                details={"outbox": counts.outbox, "inbox": counts.inbox, "requested_event_ids": body.event_ids},
            )
        session.commit()
        return counts

    return router
