"""The participant's pages: their ideas, the idea form with the edition's extra questions, the team,
attachments, submitting, withdrawing, and what happens after: screening, feedback, the ticket."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from services.web.backend import ApiError
from services.web.pages import (
    agencies,
    api,
    backend_of,
    checked_form,
    digits,
    language,
    redirect,
    render,
    require_user,
    token_of,
)

router = APIRouter(include_in_schema=False)

TEXT_FIELDS = ("title", "problem", "solution", "beneficiaries", "target_agency_code", "service_area")
NUMBER_FIELDS = ("time_saved_minutes_per_case", "cost_saved_per_year_rp", "estimated_budget_rp")


async def _editions(request: Request) -> list[dict[str, Any]]:
    data = await api(request, "submission", "GET", "/api/v1/editions")
    items: list[dict[str, Any]] = data["items"] if isinstance(data, dict) else data
    return items


def _idea_body(form: FormData, questions: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = str(form.get(name, "")).strip()
        body[name] = value or None
    for name in NUMBER_FIELDS:
        body[name] = digits(str(form.get(name, "")))
    answers: dict[str, Any] = {}
    for question in questions:
        raw = str(form.get(f"extra_{question['key']}", "")).strip()
        if raw == "":
            continue
        if question.get("kind") == "number":
            parsed = digits(raw)
            answers[question["key"]] = parsed
        else:
            answers[question["key"]] = raw
    body["extra_answers"] = answers
    partner = str(form.get("partner_name", "")).strip()
    body["partners"] = [{"name": partner, "kind": str(form.get("partner_kind", "other"))}] if partner else []
    return body


def _values_of(idea: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: idea.get(name) or "" for name in (*TEXT_FIELDS, *NUMBER_FIELDS)}
    for key, answer in (idea.get("extra_answers") or {}).items():
        values[f"extra_{key}"] = answer
    partners = idea.get("partners") or []
    if partners:
        values["partner_name"] = partners[0].get("name", "")
        values["partner_kind"] = partners[0].get("kind", "other")
    values["edition_code"] = idea.get("edition_code", "")
    return values


def _form_errors(exc: ApiError) -> dict[str, str]:
    errors = {}
    for field, message in exc.field_errors().items():
        name = field.replace("extra_answers.", "extra_").split(".")[0]
        errors[name] = message or exc.message
    return errors


async def _form_page(
    request: Request,
    *,
    idea: dict[str, Any] | None,
    edition: dict[str, Any] | None,
    editions: list[dict[str, Any]],
    values: dict[str, Any],
    failed: ApiError | None = None,
) -> Response:
    return render(
        request,
        "participant/idea_form.html",
        idea=idea,
        edition=edition,
        editions=editions,
        values=values,
        errors=_form_errors(failed) if failed else {},
        failure=failed.message if failed else None,
        agencies=await agencies(request),
    )


@router.get("/gagasan")
async def ideas(request: Request, pesan: str | None = None) -> Response:
    """My ideas (own and team) and their status."""
    user = await require_user(request, "participant")
    data = await api(request, "submission", "GET", "/api/v1/ideas", params={"page_size": 100})
    return render(request, "participant/ideas.html", ideas=data["items"], notice=pesan, me=user)


async def _edition(request: Request, code: str) -> dict[str, Any]:
    edition: dict[str, Any] = await api(request, "submission", "GET", f"/api/v1/editions/{code}")
    return edition


@router.get("/gagasan/baru")
async def new_idea(request: Request) -> Response:
    """The idea form: the edition's open call, its fields and extra questions."""
    await require_user(request, "participant")
    editions = [e for e in await _editions(request) if e.get("phase") == "submission_open"] or await _editions(request)
    edition = editions[0] if editions else None
    values = {"edition_code": edition["code"] if edition else ""}
    return await _form_page(request, idea=None, edition=edition, editions=editions, values=values)


@router.post("/gagasan/baru")
async def create_idea(request: Request) -> Response:
    """Save the draft; the participant submits it from its page once complete."""
    await require_user(request, "participant")
    form = await checked_form(request)
    code = str(form.get("edition_code", ""))
    edition = await _edition(request, code)
    body = _idea_body(form, edition.get("extra_questions", []))
    try:
        idea = await api(request, "submission", "POST", "/api/v1/ideas", json={**body, "edition_code": code})
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return await _form_page(request, idea=None, edition=edition, editions=[edition], values=values, failed=exc)
    return redirect(f"/gagasan/{idea['id']}?pesan=tersimpan")


async def _feedback(request: Request, idea: dict[str, Any]) -> Any:
    """The judges' feedback once the idea has a decision (None while judging keeps it back)."""
    if idea.get("decision") is None:
        return None
    try:
        return await api(request, "judging", "GET", f"/api/v1/ideas/{idea['id']}/feedback")
    except ApiError as exc:
        if exc.status not in (403, 404, 409):
            raise
        return None


async def _ticket(request: Request, idea: dict[str, Any]) -> Any:
    """The agency's ticket of a selected idea (None before there is one, or when it is not hers to see)."""
    if not idea.get("implementation"):
        return None
    try:
        return await api(request, "implementation", "GET", f"/api/v1/tickets/{idea['implementation']['ticket_id']}")
    except ApiError as exc:
        if exc.status not in (403, 404):
            raise
        return None


async def _slot(request: Request, idea: dict[str, Any]) -> Any:
    """The idea's audition slot, once it passed screening."""
    if not (idea.get("screening") and idea["screening"].get("eligible")):
        return None
    slots = await api(request, "judging", "GET", f"/api/v1/editions/{idea['edition_code']}/schedule")
    return next((s for s in slots if s.get("idea_id") == str(idea["id"])), None)


@router.get("/gagasan/{idea_id}")
async def idea_page(idea_id: str, request: Request, pesan: str | None = None) -> Response:
    """One idea: its status and every step after submitting (screening, feedback, the agency's ticket)."""
    user = await require_user(request, "participant")
    idea = await api(request, "submission", "GET", f"/api/v1/ideas/{idea_id}")
    feedback, ticket, edition, slot = await asyncio.gather(  # what the idea names, read at once
        _feedback(request, idea), _ticket(request, idea), _edition(request, idea["edition_code"]), _slot(request, idea)
    )
    my_membership = next((m for m in idea.get("team", []) if m.get("nip") == user.nip), None)
    return render(
        request,
        "participant/idea.html",
        idea=idea,
        edition=edition,
        feedback=feedback,
        ticket=ticket,
        slot=slot,
        notice=pesan,
        is_proposer=idea["proposer"]["nip"] == user.nip,
        membership=my_membership,
        failure=request.query_params.get("gagal"),
    )


@router.get("/gagasan/{idea_id}/ubah")
async def edit_idea(idea_id: str, request: Request) -> Response:
    """Change the idea: a draft any time, a submitted idea until the deadline."""
    await require_user(request, "participant")
    idea = await api(request, "submission", "GET", f"/api/v1/ideas/{idea_id}")
    edition = await _edition(request, idea["edition_code"])
    return await _form_page(request, idea=idea, edition=edition, editions=[edition], values=_values_of(idea))


@router.post("/gagasan/{idea_id}/ubah")
async def update_idea(idea_id: str, request: Request) -> Response:
    """Save the changes."""
    await require_user(request, "participant")
    form = await checked_form(request)
    idea = await api(request, "submission", "GET", f"/api/v1/ideas/{idea_id}")
    edition = await _edition(request, idea["edition_code"])
    try:
        await api(
            request,
            "submission",
            "PATCH",
            f"/api/v1/ideas/{idea_id}",
            json=_idea_body(form, edition.get("extra_questions", [])),
        )
    except ApiError as exc:
        if exc.status not in (400, 409, 422):
            raise
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return await _form_page(request, idea=idea, edition=edition, editions=[edition], values=values, failed=exc)
    return redirect(f"/gagasan/{idea_id}?pesan=tersimpan")


async def _action(request: Request, idea_id: str, path: str, notice: str, body: Any = None) -> Response:
    try:
        await api(request, "submission", "POST", f"/api/v1/ideas/{idea_id}{path}", json=body)
    except ApiError as exc:
        if exc.status not in (400, 403, 409, 422):
            raise
        return await _idea_with_failure(request, idea_id, exc)
    return redirect(f"/gagasan/{idea_id}?pesan={notice}")


async def _idea_with_failure(request: Request, idea_id: str, exc: ApiError) -> Response:
    idea = await api(request, "submission", "GET", f"/api/v1/ideas/{idea_id}")
    user = await require_user(request)
    edition = await _edition(request, idea["edition_code"])
    missing = [str(f) for f in (exc.details or {}).get("missing", [])] if isinstance(exc.details, dict) else []
    return render(
        request,
        "participant/idea.html",
        idea=idea,
        edition=edition,
        feedback=None,
        ticket=None,
        notice=None,
        is_proposer=idea["proposer"]["nip"] == user.nip,
        membership=next((m for m in idea.get("team", []) if m.get("nip") == user.nip), None),
        failure=exc.message,
        missing=missing,
    )


@router.post("/gagasan/{idea_id}/kirim")
async def submit_idea(idea_id: str, request: Request) -> Response:
    """Submit the idea (the API reports every missing field at once)."""
    await checked_form(request)
    return await _action(request, idea_id, "/submit", "terkirim")


@router.post("/gagasan/{idea_id}/tarik")
async def withdraw_idea(idea_id: str, request: Request) -> Response:
    """Withdraw the idea, with a reason."""
    form = await checked_form(request)
    return await _action(request, idea_id, "/withdraw", "ditarik", {"reason": str(form.get("reason", "")).strip()})


@router.post("/gagasan/{idea_id}/anggota")
async def invite(idea_id: str, request: Request) -> Response:
    """Invite a co-proposer by NIP."""
    form = await checked_form(request)
    return await _action(request, idea_id, "/co-proposers", "diundang", {"nip": str(form.get("nip", "")).strip()})


@router.post("/gagasan/{idea_id}/undangan/{answer}")
async def answer_invitation(idea_id: str, answer: str, request: Request) -> Response:
    """Accept or decline an invitation to an idea's team."""
    await checked_form(request)
    path = "/co-proposers/accept" if answer == "terima" else "/co-proposers/decline"
    return await _action(request, idea_id, path, "diterima" if answer == "terima" else "ditolak")


@router.post("/gagasan/{idea_id}/lampiran")
async def upload(idea_id: str, request: Request) -> Response:
    """Attach a file (the pitch deck, photos, a budget sheet)."""
    form = await checked_form(request)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        exc = ApiError(400, "file_required", "Pilih berkas yang akan dilampirkan." if language(request) == "id"
                       else "Choose a file to attach.")  # fmt: skip
        return await _idea_with_failure(request, idea_id, exc)
    content = await file.read()
    try:
        await api(
            request,
            "submission",
            "POST",
            "/api/v1/attachments",
            data={"idea_id": idea_id},
            files={"file": (file.filename, content, file.content_type or "application/octet-stream")},
        )
    except ApiError as exc:
        if exc.status not in (400, 403, 409, 413, 415, 422):
            raise
        return await _idea_with_failure(request, idea_id, exc)
    return redirect(f"/gagasan/{idea_id}?pesan=terlampir")


@router.get("/lampiran/{attachment_id}")
async def download(attachment_id: str, request: Request) -> Response:
    """Download an attachment the signed-in person may see."""
    await require_user(request)
    upstream = await backend_of(request).request(
        "submission", "GET", f"/api/v1/attachments/{attachment_id}", token=token_of(request), language=language(request)
    )
    if upstream.status_code >= 400:
        from services.web.backend import error_of

        raise error_of(upstream, language(request))
    headers = {k: v for k, v in upstream.headers.items() if k.lower() in ("content-type", "content-disposition")}
    return Response(upstream.content, headers=headers)


@router.get("/tiket/{ticket_id}")
async def ticket_page(ticket_id: str, request: Request) -> Response:
    """The agency's progress on a selected idea: status, milestones, updates."""
    await require_user(request)
    ticket = await api(request, "implementation", "GET", f"/api/v1/tickets/{ticket_id}")
    return render(request, "participant/ticket.html", ticket=ticket)
