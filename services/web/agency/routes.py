"""The agency officer's pages: the ticket board, one ticket (status, milestones, progress, impact, the person
in charge and the partners) and the agency's webhook endpoints with their recent deliveries.

Every rule stays in the implementation service: the page offers exactly the moves the API lists in the
ticket's `allowed_transitions` for this officer, and shows the API's own message when it refuses one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from services.web import formatting
from services.web.agency.evidence import attach, chosen_files
from services.web.backend import ApiError
from services.web.pages import api, checked_form, digits, language, redirect, render, require_user

router = APIRouter(include_in_schema=False)

#: The board's columns, in the order a ticket usually goes; a status the API adds later gets a column at the end.
BOARD_ORDER = ("new", "accepted", "in_progress", "piloting", "blocked", "implemented", "cancelled")
#: Refusals the page shows next to the form, instead of an error page.
FORM_FAILURES = (400, 403, 409, 422)
IMPACT_FIELDS = (
    "baseline_minutes_per_case",
    "measured_minutes_per_case",
    "baseline_cost_per_year_rp",
    "measured_cost_per_year_rp",
)
#: Each form's fields on the page, by the API's field name (one page holds several forms).
FORM_FIELDS: dict[str, dict[str, str]] = {
    "transition": {"to": "to", "reason": "reason"},
    "milestone": {"title": "milestone_title", "due_date": "milestone_due_date"},
    "update": {"body": "update_body", "evidence_links": "update_links", "percent_complete": "update_percent"},
    "impact": {**{name: name for name in IMPACT_FIELDS}, "note": "impact_note"},
    "person": {
        "person_in_charge": "person_in_charge",
        "person_in_charge_contact": "person_in_charge_contact",
        "partners": "partners",
    },
}


async def _tickets(request: Request) -> list[dict[str, Any]]:
    """Every ticket of the officer's agency (the API shows an officer only their own), following the cursor."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = await api(request, "implementation", "GET", "/api/v1/tickets", params=params)
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor or len(items) >= 2000:
            return items


def board_columns(tickets: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Tickets grouped by status, in the workflow's order; the overdue first within a column, then by due date."""
    statuses = [*BOARD_ORDER, *sorted({t["status"] for t in tickets} - set(BOARD_ORDER))]
    columns = []
    for status in statuses:
        column = [t for t in tickets if t["status"] == status]
        column.sort(key=lambda t: (not t.get("overdue"), t.get("due_date") or "9999", t.get("title") or ""))
        columns.append((status, column))
    return columns


@router.get("/opd")
async def board(request: Request) -> Response:
    """The agency's tickets by status."""
    user = await require_user(request, "agency")
    tickets = await _tickets(request)
    return render(request, "agency/board.html", columns=board_columns(tickets), agency_code=user.agency_code)


async def _ticket_page(
    request: Request,
    ticket_id: str,
    *,
    form: str | None = None,
    failed: ApiError | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    file_field: str | None = None,
) -> Response:
    ticket = await api(request, "implementation", "GET", f"/api/v1/tickets/{ticket_id}")
    errors: dict[str, str] = {}
    if failed is not None and form is not None:
        fields = FORM_FIELDS[form]
        for field, message in failed.field_errors().items():
            errors[fields.get(field.split(".")[0], field)] = message or failed.message
    if failed is not None and file_field is not None:
        errors[file_field] = failed.message  # the service's words on the kind or size, at the file field
    return render(
        request,
        "agency/ticket.html",
        ticket=ticket,
        notice=notice,
        failure=failed.message if failed and not file_field else None,
        errors=errors,
        file_labels={file_field: "Berkas bukti"} if file_field else {},
        values={**_current_values(ticket), **(values or {})},
    )


def _current_values(ticket: dict[str, Any]) -> dict[str, str]:
    """The forms start from what the ticket holds now (the measured impact, the person in charge)."""
    impact = ticket.get("impact") or {}
    values = {name: formatting.number(impact[name]) for name in IMPACT_FIELDS if impact.get(name) is not None}
    if impact.get("note"):
        values["impact_note"] = str(impact["note"])
    for name in ("person_in_charge", "person_in_charge_contact"):
        if ticket.get(name):
            values[name] = str(ticket[name])
    values["partners"] = "\n".join(str(p["name"]) for p in ticket.get("partners") or [])
    return values


@router.get("/opd/tiket/{ticket_id}")
async def ticket_page(ticket_id: str, request: Request, pesan: str | None = None) -> Response:
    """One ticket: what the idea promised, its status and the moves this officer may make, milestones,
    progress reports, measured impact."""
    await require_user(request, "agency")
    return await _ticket_page(request, ticket_id, notice=pesan)


async def _change(
    request: Request, ticket_id: str, form: FormData, *, name: str, method: str, path: str, body: Any, notice: str
) -> Response:
    """Send one form's change to the ticket; a refusal shows the page again with the API's words."""
    try:
        await api(request, "implementation", method, f"/api/v1/tickets/{ticket_id}{path}", json=body)
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return await _ticket_page(request, ticket_id, form=name, failed=exc, values=values)
    return redirect(f"/opd/tiket/{ticket_id}?pesan={notice}")


def _text(form: FormData, name: str) -> str | None:
    return str(form.get(name, "")).strip() or None


@router.post("/opd/tiket/{ticket_id}/status")
async def transition(ticket_id: str, request: Request) -> Response:
    """Move the ticket (the API checks the move and whether it needs a reason)."""
    await require_user(request, "agency")
    form = await checked_form(request)
    body = {"to": str(form.get("to", "")), "reason": _text(form, "reason")}
    return await _change(
        request, ticket_id, form, name="transition", method="POST", path="/transitions", body=body, notice="status"
    )


@router.post("/opd/tiket/{ticket_id}/tonggak")
async def add_milestone(ticket_id: str, request: Request) -> Response:
    """Add a milestone with its target date."""
    await require_user(request, "agency")
    form = await checked_form(request)
    body = {"title": str(form.get("milestone_title", "")).strip(), "due_date": _text(form, "milestone_due_date")}
    return await _change(
        request, ticket_id, form, name="milestone", method="POST", path="/milestones", body=body, notice="tonggak"
    )


@router.post("/opd/tiket/{ticket_id}/tonggak/{milestone_id}/selesai")
async def finish_milestone(ticket_id: str, milestone_id: str, request: Request) -> Response:
    """Mark a milestone done."""
    await require_user(request, "agency")
    form = await checked_form(request)
    return await _change(
        request,
        ticket_id,
        form,
        name="milestone",
        method="PATCH",
        path=f"/milestones/{milestone_id}",
        body={"done": True},
        notice="tonggak_selesai",
    )


@router.post("/opd/tiket/{ticket_id}/laporan")
async def add_update(ticket_id: str, request: Request) -> Response:
    """Report progress, with evidence files and links (one a line) and optionally the new percent complete."""
    await require_user(request, "agency")
    form = await checked_form(request)
    links = [line.strip() for line in str(form.get("update_links", "")).splitlines() if line.strip()]
    body = {
        "body": str(form.get("update_body", "")).strip(),
        "evidence_links": links,
        "percent_complete": digits(str(form.get("update_percent", ""))),
    }
    try:
        update = await api(request, "implementation", "POST", f"/api/v1/tickets/{ticket_id}/updates", json=body)
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return await _ticket_page(request, ticket_id, form="update", failed=exc, values=values)
    refused = await attach(request, str(update["id"]), chosen_files(form, "update_files"))
    if refused is not None:
        # The report is saved and listed; only the file was refused, so it is offered again under that report.
        return await _ticket_page(
            request, ticket_id, failed=refused, notice="laporan_tanpa_berkas", file_field=f"bukti-{update['id']}"
        )
    return redirect(f"/opd/tiket/{ticket_id}?pesan=laporan")


@router.post("/opd/tiket/{ticket_id}/laporan/{update_id}/bukti")
async def add_files(ticket_id: str, update_id: str, request: Request) -> Response:
    """Add evidence files to a progress report already posted."""
    await require_user(request, "agency")
    form = await checked_form(request)
    field = f"bukti-{update_id}"
    files = chosen_files(form, field)
    refused = (
        await attach(request, update_id, files)
        if files
        else ApiError(
            400,
            "file_required",
            "Pilih berkas bukti yang akan diunggah." if language(request) == "id" else "Choose a file to upload.",
        )
    )
    if refused is not None:
        return await _ticket_page(request, ticket_id, failed=refused, file_field=field)
    return redirect(f"/opd/tiket/{ticket_id}?pesan=bukti")


@router.post("/opd/tiket/{ticket_id}/dampak")
async def set_impact(ticket_id: str, request: Request) -> Response:
    """Record the measured time per case and cost per year, before and after."""
    await require_user(request, "agency")
    form = await checked_form(request)
    body: dict[str, Any] = {name: digits(str(form.get(name, ""))) for name in IMPACT_FIELDS}
    body["note"] = _text(form, "impact_note")
    return await _change(
        request, ticket_id, form, name="impact", method="PUT", path="/impact", body=body, notice="dampak"
    )


@router.post("/opd/tiket/{ticket_id}/penanggung-jawab")
async def set_person(ticket_id: str, request: Request) -> Response:
    """Name the staff member in charge, how to reach them, and the partners (mitra) who help, one a line."""
    await require_user(request, "agency")
    form = await checked_form(request)
    ticket = await api(request, "implementation", "GET", f"/api/v1/tickets/{ticket_id}")
    kinds = {str(p["name"]): p.get("kind", "other") for p in ticket.get("partners") or []}
    names = [line.strip() for line in str(form.get("partners", "")).splitlines() if line.strip()]
    body: dict[str, Any] = {name: _text(form, name) for name in ("person_in_charge", "person_in_charge_contact")}
    # A partner kept from before keeps its kind (a university, a business...); a new one is "other".
    body["partners"] = [{"name": name, "kind": kinds.get(name, "other")} for name in dict.fromkeys(names)]
    return await _change(request, ticket_id, form, name="person", method="PATCH", path="", body=body, notice="petugas")


async def _webhooks_page(
    request: Request, *, created: dict[str, Any] | None = None, failed: ApiError | None = None, url: str = ""
) -> Response:
    endpoints: list[dict[str, Any]] = await api(request, "implementation", "GET", "/api/v1/webhooks")
    deliveries = await asyncio.gather(  # each endpoint's, at once
        *(
            api(request, "implementation", "GET", f"/api/v1/webhooks/{e['id']}/deliveries", params={"limit": 10})
            for e in endpoints
        )
    )
    for endpoint, delivered in zip(endpoints, deliveries, strict=True):
        endpoint["deliveries"] = delivered
    errors = {"url": failed.field_errors().get("url") or failed.message} if failed else {}
    return render(
        request,
        "agency/webhooks.html",
        endpoints=endpoints,
        created=created,
        errors=errors,
        failure=failed.message if failed else None,
        values={"url": url},
        notice=request.query_params.get("pesan"),
    )


@router.get("/opd/webhook")
async def webhooks(request: Request) -> Response:
    """The agency's endpoints and what was last delivered to each."""
    await require_user(request, "agency")
    return await _webhooks_page(request)


@router.post("/opd/webhook")
async def create_webhook(request: Request) -> Response:
    """Register an endpoint; its signing secret is shown on this answer only (never stored by the page)."""
    await require_user(request, "agency")
    form = await checked_form(request)
    url = str(form.get("url", "")).strip()
    try:
        created = await api(request, "implementation", "POST", "/api/v1/webhooks", json={"url": url})
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        return await _webhooks_page(request, failed=exc, url=url)
    return await _webhooks_page(request, created=created)


@router.post("/opd/webhook/{subscription_id}/hapus")
async def delete_webhook(subscription_id: str, request: Request) -> Response:
    """Stop sending to an endpoint."""
    await require_user(request, "agency")
    await checked_form(request)
    await api(request, "implementation", "DELETE", f"/api/v1/webhooks/{subscription_id}")
    return redirect("/opd/webhook?pesan=dihentikan")
