"""The committee's audition pages: the days (create one with its rooms, breaks and room hours; assign the
advanced ideas to slots), a day's schedule per room with moving a slot by picking its new place, the panels
(the judge directory, judging's proposal to adjust and confirm), the day's jadwal.pdf, and the edition's
declarations and exclusions. Everything works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from services.web.backend import ApiError
from services.web.committee.picker import edition_choices, edition_of
from services.web.committee.rounds import form_text
from services.web.pages import (
    api,
    backend_of,
    checked_form,
    language,
    redirect,
    render,
    require_user,
    token_of,
)

router = APIRouter(include_in_schema=False)

#: The API's field names for the day form's fields (its errors go next to them).
DAY_FIELDS = {"day": "day", "start": "start", "end": "end", "slot_minutes": "slot_minutes", "rooms": "rooms"}
#: Break rows offered on the day form (ishoma, and one more).
BREAK_ROWS = 2
#: Judges fetched from the directory at once (the submission service's largest page).
DIRECTORY_PAGE = 100


def _time(value: str) -> str:
    """09.30 (as Indonesians write it) -> 09:30; anything else goes on for the API to refuse."""
    return value.replace(".", ":") if re.fullmatch(r"\d{1,2}[.:]\d{2}", value) else value


def day_body(form: FormData) -> dict[str, Any]:
    """The audition day as the API takes it, from the form (rooms one per line, room hours `Ruang = 08.00-12.00`)."""
    rooms = [line.strip() for line in form_text(form, "rooms").splitlines() if line.strip()]
    breaks = []
    for n in range(BREAK_ROWS):
        start, end = form_text(form, f"break{n}_start"), form_text(form, f"break{n}_end")
        if start or end:
            breaks.append(
                {"start": _time(start), "end": _time(end), "label": form_text(form, f"break{n}_label") or "Ishoma"}
            )
    hours = []
    for line in form_text(form, "room_hours").splitlines():
        room, _sep, span = line.partition("=")
        start, _dash, end = span.strip().partition("-")
        if room.strip():
            hours.append({"room": room.strip(), "start": _time(start.strip()), "end": _time(end.strip())})
    minutes = form_text(form, "slot_minutes")
    return {
        "day": form_text(form, "day"),
        "start": _time(form_text(form, "start")),
        "end": _time(form_text(form, "end")),
        "slot_minutes": int(minutes) if minutes.isdigit() else minutes,
        "rooms": rooms,
        "breaks": breaks,
        "room_hours": hours,
    }


def day_errors(exc: ApiError) -> dict[str, str]:
    """The API's refusal next to the day form's fields (breaks and room hours under their own fields)."""
    errors: dict[str, str] = {}
    for field, message in exc.field_errors().items():
        head = field.split(".")[0]
        name = {"breaks": "break0_start", "room_hours": "room_hours"}.get(head, DAY_FIELDS.get(head, ""))
        if name:
            errors.setdefault(name, message or exc.message)
    return errors


async def _days(request: Request, edition: str) -> list[dict[str, Any]]:
    days: list[dict[str, Any]] = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/audition-days")
    return days


async def _days_page(
    request: Request, edition: str, *, values: dict[str, str], errors: dict[str, str], failure: str | None
) -> Response:
    return render(
        request,
        "committee/days.html",
        edition=edition,
        days=await _days(request, edition),
        values=values,
        errors=errors,
        failure=failure,
        notice=request.query_params.get("pesan"),
        assigned=request.query_params.get("ditempatkan"),
        unassigned=request.query_params.get("tanpa_slot"),
        break_rows=range(BREAK_ROWS),
        editions=await edition_choices(request),
    )


@router.get("/panitia/audisi")
async def days_page(request: Request, edisi: str | None = None) -> Response:
    """The edition's audition days, the form for a new one, and automatic assignment."""
    await require_user(request, "committee")
    values = {"slot_minutes": "15", "break0_label": "Ishoma", "break1_label": ""}
    return await _days_page(request, edition_of(request, edisi), values=values, errors={}, failure=None)


@router.post("/panitia/audisi/hari")
async def create_day(request: Request) -> Response:
    """Create a day with its rooms and slots; the API's refusal is shown next to the fields."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, form_text(form, "edisi"))
    try:
        day = await api(request, "judging", "POST", f"/api/v1/editions/{edition}/audition-days", json=day_body(form))
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return await _days_page(request, edition, values=values, errors=day_errors(exc), failure=exc.summary())
    return redirect(f"/panitia/audisi/{day['id']}?edisi={edition}&pesan=hari")


@router.post("/panitia/audisi/tempatkan")
async def assign(request: Request) -> Response:
    """Give every advanced idea without a slot a free slot (optionally keeping position groups together)."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, form_text(form, "edisi"))
    done = await api(
        request,
        "judging",
        "POST",
        f"/api/v1/editions/{edition}/schedule/assign",
        json={"keep_groups_together": form_text(form, "keep_groups_together") == "1"},
    )
    return redirect(
        f"/panitia/audisi?edisi={edition}&ditempatkan={done['assigned']}&tanpa_slot={len(done['unassigned'])}"
    )


async def _directory(request: Request) -> list[dict[str, Any]]:
    """Every active judge (name, agency, work unit) from the submission service's directory."""
    judges: list[dict[str, Any]] = []
    page = 1
    while True:
        data = await api(
            request, "submission", "GET", "/api/v1/judges", params={"page": page, "page_size": DIRECTORY_PAGE}
        )
        judges.extend(data["items"])
        if len(judges) >= data["total"] or not data["items"]:
            return judges
        page += 1


async def _day_page(
    request: Request,
    edition: str,
    day_id: str,
    *,
    proposal: dict[str, Any] | None = None,
    failure: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    days = await _days(request, edition)
    day = next((d for d in days if str(d["id"]) == day_id), None)
    if day is None:
        raise ApiError(404, "not_found", "Hari audisi tidak ditemukan")
    slots = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/schedule")
    mine = [s for s in slots if s["day"] == day["day"]]
    directory = await _directory(request)
    proposed = {str(r["room_id"]): r for r in (proposal or {}).get("rooms", [])}
    return render(
        request,
        "committee/day.html",
        edition=edition,
        audition_day=day,
        rooms=[{**room, "slots": [s for s in mine if s["room_id"] == room["id"]]} for room in day["rooms"]],
        places=slots,
        directory=directory,
        proposed=proposed,
        failure=failure,
        errors=errors or {},
        values=values or {},
        notice=request.query_params.get("pesan"),
    )


@router.get("/panitia/audisi/{day_id}")
async def day_page(request: Request, day_id: str, edisi: str | None = None) -> Response:
    """A day's schedule per room, the form to move a slot, and each room's panel."""
    await require_user(request, "committee")
    return await _day_page(request, edition_of(request, edisi), day_id)


@router.post("/panitia/audisi/{day_id}/pindah")
async def move_slot(request: Request, day_id: str) -> Response:
    """Move a slot's idea to the picked place (a swap when it is taken); the API's refusal is shown."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition, slot_id = edition_of(request, form_text(form, "edisi")), form_text(form, "slot_id")
    try:
        await api(
            request,
            "judging",
            "POST",
            f"/api/v1/slots/{slot_id}/move",
            json={"to_slot_id": form_text(form, "to_slot_id"), "reason": form_text(form, "reason")},
        )
    except ApiError as exc:
        if exc.status not in (404, 409, 422):
            raise
        errors = {f"{field}-{slot_id}": message or exc.message for field, message in exc.field_errors().items()}
        values = {
            f"to_slot_id-{slot_id}": form_text(form, "to_slot_id"),
            f"reason-{slot_id}": form_text(form, "reason"),
        }
        return await _day_page(request, edition, day_id, failure=exc.message, errors=errors, values=values)
    return redirect(f"/panitia/audisi/{day_id}?edisi={edition}&pesan=pindah")


@router.post("/panitia/audisi/{day_id}/usulan")
async def propose(request: Request, day_id: str) -> Response:
    """Ask judging for panels (balanced agencies, conflicts avoided) from the directory; nothing is saved yet."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, form_text(form, "edisi"))
    per_room = form_text(form, "judges_per_room")
    pool = [_judge_in(j) for j in await _directory(request)]
    try:
        proposal = await api(
            request,
            "judging",
            "POST",
            f"/api/v1/editions/{edition}/audition-days/{day_id}/panel-proposal",
            json={"judges_per_room": int(per_room) if per_room.isdigit() else per_room, "judges": pool},
        )
    except ApiError as exc:
        if exc.status not in (404, 409, 422):
            raise
        found = exc.field_errors()
        errors = {"judges_per_room": found["judges_per_room"] or exc.message} if "judges_per_room" in found else {}
        # A judge of the directory the API refuses (e.g. an address it cannot accept) is named in the summary.
        others = [f"{field}: {message}" for field, message in found.items() if field != "judges_per_room"]
        return await _day_page(request, edition, day_id, failure=" ".join([exc.message, *others]), errors=errors)
    return await _day_page(request, edition, day_id, proposal=proposal, values={"judges_per_room": per_room})


def _judge_in(judge: dict[str, Any]) -> dict[str, Any]:
    """A directory entry as the panel APIs take a judge."""
    return {
        "user_id": judge["id"],
        "name": judge["name"],
        "email": judge["email"],
        "agency_code": judge.get("agency_code"),
        "work_unit": judge.get("work_unit"),
    }


@router.post("/panitia/audisi/{day_id}/panel")
async def set_panel(request: Request, day_id: str) -> Response:
    """Confirm a room's panel (PUT): the ticked judges of the directory."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition, room_id = edition_of(request, form_text(form, "edisi")), form_text(form, "room_id")
    ticked = {v for v in form.getlist("judge_id") if isinstance(v, str)}
    judges = [_judge_in(j) for j in await _directory(request) if str(j["id"]) in ticked]
    try:
        await api(
            request, "judging", "PUT", f"/api/v1/editions/{edition}/rooms/{room_id}/panel", json={"judges": judges}
        )
    except ApiError as exc:
        if exc.status not in (404, 409, 422):
            raise
        return await _day_page(request, edition, day_id, failure=exc.message)
    return redirect(f"/panitia/audisi/{day_id}?edisi={edition}&pesan=panel")


@router.get("/panitia/audisi/{day_id}/jadwal.pdf")
async def day_pdf(request: Request, day_id: str, edisi: str | None = None) -> Response:
    """The day's printable schedule (a page per room), as judging makes it."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    upstream = await backend_of(request).stream(
        "judging",
        f"/api/v1/editions/{edition}/audition-days/{day_id}/jadwal.pdf",
        token=token_of(request),
        language=language(request),
        params={},
    )
    try:
        body = await upstream.aread()
    finally:
        await upstream.aclose()
    disposition = upstream.headers.get("content-disposition") or 'attachment; filename="jadwal.pdf"'
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get("/panitia/konflik")
async def conflicts_page(request: Request, edisi: str | None = None) -> Response:
    """Who declared their conflicts of interest, and every exclusion and recusal of the edition."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    declarations = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/declarations")
    exclusions = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/exclusions")
    return render(
        request,
        "committee/conflicts.html",
        edition=edition,
        declarations=declarations,
        exclusions=exclusions,
        directory=await _directory(request),
        editions=await edition_choices(request),
    )
