"""The committee's downloads (recap, minutes, decision list, piagam, day schedules) and the implementation charts.

Files come through this front with the member's token in the header: a link never carries a token, and the
browser downloads from the same origin as the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.web.backend import ApiError
from services.web.committee.picker import edition_choices, edition_of
from services.web.committee.routes import chart_attributes
from services.web.i18n import translate
from services.web.pages import api, download, language, render, require_user

router = APIRouter(include_in_schema=False)

#: The edition's files by their name here, with judging's path (after the edition) and its query.
FILES: dict[str, tuple[str, dict[str, str]]] = {
    "recap.xlsx": ("exports/recap.xlsx", {}),
    "recap.csv": ("exports/recap.csv", {}),
    "berita-acara.pdf": ("documents/berita-acara.pdf", {"round": "audition"}),
    "berita-acara-seleksi-berkas.pdf": ("documents/berita-acara.pdf", {"round": "screening"}),
    "lampiran-keputusan.pdf": ("documents/lampiran-keputusan.pdf", {}),
}
#: The ticket statuses in the workflow's order, each with its chart colour's place.
TICKET_ORDER = ("new", "accepted", "in_progress", "piloting", "blocked", "implemented", "cancelled")


async def _certificates(request: Request, results: dict[str, Any]) -> list[dict[str, Any]]:
    """The piagam of every published idea (judging issues them at publication)."""
    found: list[dict[str, Any]] = []
    for idea in results["ideas"]:
        if not idea.get("decision_published"):
            continue
        try:
            items = await api(request, "judging", "GET", f"/api/v1/ideas/{idea['idea_id']}/certificates")
        except ApiError as exc:
            if exc.status != 404:
                raise
            items = []
        found.extend({**c, "title": idea.get("title")} for c in items)
    return found


def audition_days(slots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audition days of the schedule, each with its id when judging gives one (for jadwal.pdf)."""
    days: dict[str, dict[str, Any]] = {}
    for slot in slots:
        day = days.setdefault(str(slot["day"]), {"day": slot["day"], "day_id": slot.get("day_id"), "slots": 0})
        day["slots"] += 1
    return [days[key] for key in sorted(days)]


@router.get("/panitia/dokumen")
async def documents_page(request: Request, edisi: str | None = None) -> Response:
    """Every file of the edition on one page."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    results = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/results")
    slots = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/schedule")
    published = any(i.get("decision_published") for i in results["ideas"])
    return render(
        request,
        "committee/documents.html",
        edition=edition,
        published=published,
        certificates=await _certificates(request, results),
        days=audition_days(slots),
        editions=await edition_choices(request),
    )


@router.get("/panitia/dokumen/unduh/{name}")
async def edition_file(name: str, request: Request, edisi: str | None = None) -> Response:
    """One of the edition's files, fetched from judging with the member's token."""
    await require_user(request, "committee")
    if name not in FILES:
        raise ApiError(404, "not_found", translate("Halaman yang Anda cari tidak ada.", language(request)))
    path, params = FILES[name]
    return await download(request, "judging", f"/api/v1/editions/{edition_of(request, edisi)}/{path}", params)


@router.get("/panitia/dokumen/jadwal/{day_id}")
async def day_schedule(day_id: str, request: Request, edisi: str | None = None) -> Response:
    """The printable schedule of one audition day."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    return await download(request, "judging", f"/api/v1/editions/{edition}/audition-days/{day_id}/jadwal.pdf")


@router.get("/panitia/dokumen/piagam/{idea_id}/{code}")
async def certificate(idea_id: str, code: str, request: Request) -> Response:
    """One piagam as PDF."""
    await require_user(request, "committee")
    return await download(request, "judging", f"/api/v1/ideas/{idea_id}/certificates/{code}.pdf")


def ticket_charts(
    summary: dict[str, Any], status_label: Callable[[str], str], text: Callable[[str], str]
) -> dict[str, dict[str, Any]]:
    """The charts' data: tickets by status per agency (stacked), and progress month by month (lines)."""
    agencies = summary["by_agency"]
    statuses = [s for s in TICKET_ORDER if s in summary["statuses"]] + [
        s for s in summary["statuses"] if s not in TICKET_ORDER
    ]
    by_agency = {
        "labels": [a["agency_code"] for a in agencies],
        "series": [
            {"label": status_label("ticket_" + s), "values": [a["by_status"].get(s, 0) for a in agencies]}
            for s in statuses
        ],
        "stacked": True,
    }
    months = summary["by_month"]
    progress = {
        "type": "line",
        "labels": [m["month"] for m in months],
        "series": [
            {"label": text("Rata-rata persen selesai"), "values": [m["mean_percent"] for m in months]},
            {
                "label": text("Tiket terlaksana (persen)"),
                "values": [round(100 * m["implemented"] / m["tickets"], 1) if m["tickets"] else 0 for m in months],
            },
        ],
        "stacked": False,
        "max": 100,
    }
    return {"agencies": by_agency, "progress": progress}


@router.get("/panitia/implementasi")
async def implementation_page(request: Request, edisi: str | None = None) -> Response:
    """Tickets by status per agency and implementation progress over time, as charts and tables."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    summary = await api(request, "implementation", "GET", f"/api/v1/editions/{edition}/tickets/summary")
    return render(
        request,
        "committee/implementation.html",
        edition=edition,
        summary=summary,
        statuses=[s for s in TICKET_ORDER if s in summary["statuses"]],
        charts=chart_attributes(request, lambda label, text: ticket_charts(summary, label, text)),
        editions=await edition_choices(request),
    )
