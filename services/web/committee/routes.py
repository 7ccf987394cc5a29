"""The committee's pages: the live scoring board of an edition, and the results of a round with their charts.

The board is rendered on the server from judging's progress snapshot, so it works without JavaScript; a small
script (static/js/board.js) then follows judging's server-sent progress events through `/panitia/papan/aliran`.
The web front relays that stream because it holds the token: a browser's EventSource cannot send a bearer header.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from services.web.backend import ApiError
from services.web.committee.picker import edition_choices, edition_of
from services.web.i18n import STATUS_LABELS, translate
from services.web.pages import api, backend_of, language, render, require_user, token_of

router = APIRouter(include_in_schema=False)

#: Seconds between judging's snapshots of the relayed stream: a judge's save shows within about this long.
STREAM_INTERVAL = 1.0
#: The rounds judging knows; anything else is the audition.
ROUND_KINDS = ("screening", "audition")


def _round(babak: str | None) -> str:
    return babak if babak in ROUND_KINDS else "audition"


async def _of_round(request: Request, edisi: str | None, babak: str | None, what: str) -> tuple[Any, str, str]:
    """For a committee member only: judging's `what` (progress, results) of the round, the edition and round."""
    await require_user(request, "committee")
    edition, kind = edition_of(request, edisi), _round(babak)
    data = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/{what}", params={"round": kind})
    return data, edition, kind


@router.get("/panitia/papan")
async def board(request: Request, edisi: str | None = None, babak: str | None = None) -> Response:
    """The scoring board: every idea of the round with each judge's state, as it is now."""
    snapshot, edition, kind = await _of_round(request, edisi, babak, "progress")
    return render(
        request,
        "committee/board.html",
        snapshot=snapshot,
        edition=edition,
        round_kind=kind,
        editions=await edition_choices(request),
    )


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
    edition, kind = edition_of(request, edisi), _round(babak)
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


#: The position groups in the brief's order; a group the API adds later is charted after them.
GROUPS = ("pengawas", "fungsional_penyetaraan", "fungsional_ahli", "pelaksana")


def results_charts(
    results: dict[str, Any], group_label: Callable[[str], str], text: Callable[[str], str]
) -> dict[str, dict[str, Any]]:
    """The charts' data (drawn by static/js/results.js with the vendored Chart.js; the tables show the same)."""
    order = {group: n for n, group in enumerate(GROUPS)}
    ideas = [i for i in results["ideas"] if i.get("raw_score") is not None]
    # Grouped as the selection is (per position group), best first within a group.
    ideas.sort(key=lambda i: (order.get(i.get("position_group") or "", len(GROUPS)), i.get("rank") or 10**6))
    scores = {
        "labels": [i.get("title") or "–" for i in ideas],
        "series": [
            {"label": text("Skor mentah"), "values": [i["raw_score"] for i in ideas]},
            {"label": text("Skor terkalibrasi"), "values": [i.get("calibrated_score") for i in ideas]},
        ],
        "stacked": False,
    }
    present = {i.get("position_group") for i in results["ideas"]} - {None}
    groups = [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))
    per_group = {
        "labels": [group_label("group_" + g) for g in groups],
        "series": [
            {
                "label": text(label),
                "values": [
                    sum(1 for i in results["ideas"] if i.get("position_group") == g and keep(i)) for g in groups
                ],
            }
            for label, keep in (
                ("Terpilih", lambda i: i.get("selected")),
                ("Tidak terpilih", lambda i: not i.get("selected")),
            )
        ],
        "stacked": True,
    }
    judges = results.get("judges") or []
    # Floating bars from mean - sd to mean + sd: each judge's spread before and after calibration.
    per_judge = {
        "labels": [j["name"] for j in judges],
        "series": [
            {
                "label": text(label),
                "values": [[j[f"{key}_mean"] - j[f"{key}_sd"], j[f"{key}_mean"] + j[f"{key}_sd"]] for j in judges],
            }
            for label, key in (("Sebelum kalibrasi", "raw"), ("Sesudah kalibrasi", "calibrated"))
        ],
        "stacked": False,
    }
    return {"scores": scores, "groups": per_group, "judges": per_judge}


Labeller = Callable[[str], str]


def chart_attributes(
    request: Request, build: Callable[[Labeller, Labeller], dict[str, dict[str, Any]]]
) -> dict[str, str]:
    """Each chart's data as the JSON of its canvas's data-chart attribute, labelled in the browser's language."""
    lang = language(request)
    charts = build(lambda key: translate(STATUS_LABELS.get(key, key), lang), lambda text: translate(text, lang))
    return {name: json.dumps(data, ensure_ascii=False) for name, data in charts.items()}


@router.get("/panitia/hasil")
async def results_page(request: Request, edisi: str | None = None, babak: str | None = None) -> Response:
    """Results of a round: raw and calibrated scores side by side, agreement flags, the proposal per group."""
    results, edition, kind = await _of_round(request, edisi, babak, "results")
    charts = chart_attributes(request, lambda label, text: results_charts(results, label, text))
    return render(
        request,
        "committee/results.html",
        results=results,
        edition=edition,
        round_kind=kind,
        charts=charts,
        editions=await edition_choices(request),
    )
