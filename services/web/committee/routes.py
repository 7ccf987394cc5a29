"""The committee's pages: the live scoring board of an edition.

The board is rendered on the server from judging's progress snapshot, so it works without JavaScript; a small
script (static/js/board.js) then follows judging's server-sent progress events through `/panitia/papan/aliran`.
The web front relays that stream because it holds the token: a browser's EventSource cannot send a bearer header.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from services.web.backend import ApiError
from services.web.pages import api, backend_of, language, render, require_user, settings_of, token_of

router = APIRouter(include_in_schema=False)

#: Seconds between judging's snapshots of the relayed stream: a judge's save shows within about this long.
STREAM_INTERVAL = 1.0
#: The rounds judging knows; anything else is the audition.
ROUND_KINDS = ("screening", "audition")


def _edition(request: Request, edisi: str | None) -> str:
    return (edisi or settings_of(request).default_edition).strip() or settings_of(request).default_edition


def _round(babak: str | None) -> str:
    return babak if babak in ROUND_KINDS else "audition"


@router.get("/panitia/papan")
async def board(request: Request, edisi: str | None = None, babak: str | None = None) -> Response:
    """The scoring board: every idea of the round with each judge's state, as it is now."""
    await require_user(request, "committee")
    edition, kind = _edition(request, edisi), _round(babak)
    snapshot: dict[str, Any] = await api(
        request, "judging", "GET", f"/api/v1/editions/{edition}/progress", params={"round": kind}
    )
    return render(request, "committee/board.html", snapshot=snapshot, edition=edition, round_kind=kind)


async def _relay(upstream: httpx.Response) -> AsyncIterator[bytes]:
    """The upstream bytes as they come; closing the browser's connection closes the upstream one."""
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    finally:
        await upstream.aclose()


@router.get("/panitia/papan/aliran")
async def board_stream(request: Request, edisi: str | None = None, babak: str | None = None) -> Response:
    """Judging's progress events for the signed-in committee member (text/event-stream)."""
    await require_user(request, "committee")
    edition, kind = _edition(request, edisi), _round(babak)
    try:
        upstream = await backend_of(request).stream(
            "judging",
            f"/api/v1/editions/{edition}/progress/stream",
            token=token_of(request),
            language=language(request),
            params={"round": kind, "interval": STREAM_INTERVAL},
        )
    except ApiError as exc:
        # An EventSource reads no error page and stops at any status but 200; the status and code say why.
        status = exc.status if exc.status in (401, 403, 404, 422) else 503
        return Response(status_code=status, headers={"X-Audisi-Error": exc.code})
    return StreamingResponse(
        _relay(upstream),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
