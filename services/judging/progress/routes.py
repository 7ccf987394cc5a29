"""HTTP routes of live progress: a JSON snapshot, and a server-sent event stream of snapshots."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from services.judging.db import SessionDep, runtime
from services.judging.deps import RoundQuery
from services.judging.progress import service
from services.judging.progress.schemas import ProgressRead
from services.judging.rubric.models import DEFAULT_ROUND, RoundKind
from shared.auth import Committee
from shared.openapi import errors, file_response

router = APIRouter(prefix="/api/v1", tags=["progress"], responses=errors(401, 403))


@router.get(
    "/editions/{edition_code}/progress",
    summary="Scoring progress: who scored what, what is missing (committee)",
    response_model=ProgressRead,
)
def progress(
    edition_code: str, session: SessionDep, _principal: Committee, round_kind: RoundQuery = DEFAULT_ROUND
) -> ProgressRead:
    """Which ideas (slots) are scored, by whom, and which are missing."""
    return service.snapshot(session, edition_code=edition_code, kind=round_kind)


def _snapshot_json(edition_code: str, kind: RoundKind) -> str:
    with runtime.session_factory() as session:
        return service.snapshot(session, edition_code=edition_code, kind=kind).model_dump_json()


async def progress_events(
    edition_code: str, kind: RoundKind, *, interval: float, max_events: int | None
) -> AsyncIterator[str]:
    """SSE frames: a `progress` event whenever the snapshot changed, a comment line as keep-alive otherwise.

    Each poll borrows a pooled connection for one short snapshot in a worker thread; between polls the
    stream holds nothing but a coroutine, so many committee screens cost little.
    """
    last: str | None = None
    sent = 0
    while True:
        body = await run_in_threadpool(_snapshot_json, edition_code, kind)
        if body != last:
            sent += 1
            last = body
            yield f"id: {sent}\nevent: progress\ndata: {body}\n\n"
            if max_events is not None and sent >= max_events:
                return
        else:
            yield ": keep-alive\n\n"
        await asyncio.sleep(interval)


@router.get(
    "/editions/{edition_code}/progress/stream",
    summary="Scoring progress as server-sent events (committee)",
    response_class=StreamingResponse,
    responses=file_response("text/event-stream", description="Server-sent `progress` events"),
)
def progress_stream(
    edition_code: str,
    _principal: Committee,
    round_kind: RoundQuery = DEFAULT_ROUND,
    interval: Annotated[float, Query(ge=0.2, le=60)] = 2.0,
    max_events: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> StreamingResponse:
    """Server-sent events of progress snapshots (text/event-stream); `max_events` ends the stream."""
    return StreamingResponse(
        progress_events(edition_code, round_kind, interval=interval, max_events=max_events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
