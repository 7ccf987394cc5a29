"""The judge's tablet pages: the conflict declaration, today's schedule, the idea with its pitch deck and
extra answers, scoring, submit, recusal.

Scores are saved as they are entered: the page's script sends each change with an Idempotency-Key
and keeps it in the browser until the judging service has it, so a dropped connection loses nothing
and a resend doubles nothing. Without the script the whole form is saved at once.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.web.backend import ApiError, error_of
from services.web.i18n import translate
from services.web.pages import (
    api,
    backend_of,
    check_csrf_header,
    checked_form,
    language,
    redirect,
    render,
    require_user,
    settings_of,
)
from shared.clock import WIB

router = APIRouter(include_in_schema=False)


def _day_of(slot: str | None) -> str | None:
    return datetime.fromisoformat(slot).astimezone(WIB).date().isoformat() if slot else None


@router.get("/juri")
async def schedule(request: Request) -> Response:
    """The ideas of the judge's panel, today's first, in the order of their slots."""
    await require_user(request, "judge")
    code = settings_of(request).default_edition
    listed, declared = await asyncio.gather(  # independent reads, at once
        api(request, "judging", "GET", f"/api/v1/editions/{code}/ideas"), _declared(request, code)
    )
    ideas: list[dict[str, Any]] = listed
    today = datetime.now(WIB).date().isoformat()
    ideas.sort(key=lambda i: (i.get("slot_starts_at") is None, i.get("slot_starts_at") or "", i.get("title") or ""))
    todays = [i for i in ideas if _day_of(i.get("slot_starts_at")) == today]
    others = [i for i in ideas if _day_of(i.get("slot_starts_at")) != today]
    return render(
        request,
        "judge/schedule.html",
        edition_code=code,
        todays=todays,
        others=others,
        today=today,
        declared=declared,
    )


async def _declared(request: Request, edition_code: str) -> bool:
    """Whether the judge made the edition's conflict declaration (scoring waits for it)."""
    try:
        await api(request, "judging", "GET", f"/api/v1/editions/{edition_code}/declaration")
    except ApiError as exc:
        if exc.status != 404:
            raise
        return False
    return True


#: The ties a judge may declare, as the judging service names them.
RELATIONS = ("family", "direct_supervisor", "other")


@router.get("/juri/pernyataan")
async def declaration_page(request: Request) -> Response:
    """Before scoring: the judge declares ties to any idea's team that HR data cannot show."""
    await require_user(request, "judge")
    code = settings_of(request).default_edition
    ideas = await api(request, "judging", "GET", f"/api/v1/editions/{code}/ideas")
    return render(request, "judge/declaration.html", edition_code=code, ideas=ideas, relations=RELATIONS)


@router.post("/juri/pernyataan")
async def declare(request: Request) -> Response:
    """Send the declaration: each idea marked with a tie excludes the judge from it (logged by judging)."""
    await require_user(request, "judge")
    form = await checked_form(request)
    code = settings_of(request).default_edition
    ideas = await api(request, "judging", "GET", f"/api/v1/editions/{code}/ideas")
    conflicts = []
    for idea in ideas:
        relation = str(form.get(f"relation_{idea['idea_id']}", "")).strip()
        if relation in RELATIONS:
            note = str(form.get(f"note_{idea['idea_id']}", "")).strip() or None
            conflicts.append({"idea_id": idea["idea_id"], "relation": relation, "note": note})
    try:
        await api(request, "judging", "POST", f"/api/v1/editions/{code}/declaration", json={"conflicts": conflicts})
    except ApiError as exc:
        if exc.status not in (400, 404, 409, 422):
            raise
        return render(
            request,
            "judge/declaration.html",
            edition_code=code,
            ideas=ideas,
            relations=RELATIONS,
            failure=exc.message,
        )
    return redirect("/juri?pesan=pernyataan")


async def _scoring_context(request: Request, idea_id: str, idea: dict[str, Any] | None = None) -> dict[str, Any]:
    if idea is None:
        idea = await api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}")
    # Three reads that do not depend on each other: at once, so the page waits for the slowest, not the sum.
    rubric, scores, materials = await asyncio.gather(
        api(request, "judging", "GET", f"/api/v1/editions/{idea['edition_code']}/rubric"),
        api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}/scores"),
        # What judging lets this judge read: extra answers, and files behind links it signs for them.
        api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}/materials"),
    )
    mine = scores.get("mine") or {}
    saved = {s["criterion"]: s for s in mine.get("scores", [])}
    for criterion in rubric["criteria"]:
        described = {level["score"]: level["description"] for level in criterion.get("levels", [])}
        criterion["options"] = [
            (value, described.get(value)) for value in range(criterion["min_score"], criterion["max_score"] + 1)
        ]
    return {
        "idea": idea,
        "rubric": rubric,
        "mine": mine,
        "saved": saved,
        "attachments": materials["attachments"],
        "extra_answers": materials["extra_answers"],
        "idempotency_key": str(uuid.uuid4()),
    }


@router.get("/juri/gagasan/{idea_id}")
async def scoring_page(idea_id: str, request: Request, pesan: str | None = None) -> Response:
    """The idea, the rubric with its level descriptors, the pitch timer and the judge's saved scores."""
    await require_user(request, "judge")
    idea = await api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}")
    context, declared = await asyncio.gather(
        _scoring_context(request, idea_id, idea), _declared(request, idea["edition_code"])
    )
    if not declared:
        return redirect("/juri/pernyataan")
    return render(request, "judge/score.html", notice=pesan, **context)


@router.get("/juri/gagasan/{idea_id}/lampiran/{attachment_id}")
async def deck_file(idea_id: str, attachment_id: str, request: Request) -> Response:
    """A file of the idea, fetched through a link judging signs now (a page left open never holds a stale one)."""
    await require_user(request, "judge")
    materials = await api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}/materials")
    link = next((a["url"] for a in materials["attachments"] if a["attachment_id"] == attachment_id), None)
    if link is None:
        raise ApiError(404, "not_found", translate("Lampiran tidak ditemukan.", language(request)))
    signed = urlsplit(link)
    upstream = await backend_of(request).request(
        "submission", "GET", signed.path, token=None, language=language(request), params=parse_qsl(signed.query)
    )
    if upstream.status_code >= 400:
        raise error_of(upstream, language(request))
    headers = {k: v for k, v in upstream.headers.items() if k.lower() in ("content-type", "content-disposition")}
    return Response(upstream.content, headers=headers)


def _scores_of_form(form: Any, rubric: dict[str, Any]) -> list[dict[str, Any]]:
    scores = []
    for criterion in rubric["criteria"]:
        value = str(form.get(f"score_{criterion['key']}", "")).strip()
        if value:
            comment = str(form.get(f"comment_{criterion['key']}", "")).strip() or None
            scores.append({"criterion": criterion["key"], "value": float(value), "comment": comment})
    return scores


@router.post("/juri/gagasan/{idea_id}/nilai")
async def save_form(idea_id: str, request: Request) -> Response:
    """Without the script: save the whole form once (its Idempotency-Key came with the page)."""
    await require_user(request, "judge")
    form = await checked_form(request)
    context = await _scoring_context(request, idea_id)
    scores = _scores_of_form(form, context["rubric"])
    try:
        if not scores:
            raise ApiError(400, "no_scores", "Pilih nilai untuk paling sedikit satu kriteria.")
        await api(
            request,
            "judging",
            "PUT",
            f"/api/v1/ideas/{idea_id}/scores",
            json={"scores": scores},
            headers={"Idempotency-Key": str(form.get("idempotency_key") or uuid.uuid4())},
        )
    except ApiError as exc:
        if exc.status not in (400, 403, 409, 422):
            raise
        return render(request, "judge/score.html", failure=exc.message, **context)
    return redirect(f"/juri/gagasan/{idea_id}?pesan=tersimpan")


@router.post("/juri/gagasan/{idea_id}/nilai.json")
async def save_json(idea_id: str, request: Request) -> Response:
    """The script's autosave: passed on to the judging service with the browser's own Idempotency-Key."""
    await require_user(request, "judge")
    check_csrf_header(request)
    key = request.headers.get("Idempotency-Key", "")
    try:
        body = await request.json()
        saved = await api(
            request,
            "judging",
            "PUT",
            f"/api/v1/ideas/{idea_id}/scores",
            json={"scores": body.get("scores", [])},
            headers={"Idempotency-Key": key},
        )
    except ApiError as exc:
        return JSONResponse(
            {"error": {"code": exc.code, "message": exc.message, "details": exc.details}}, status_code=exc.status
        )
    except ValueError:
        return JSONResponse({"error": {"code": "invalid_json", "message": "JSON", "details": None}}, status_code=400)
    return JSONResponse({"status": saved["status"], "complete": saved["complete"], "missing": saved["missing"]})


@router.post("/juri/gagasan/{idea_id}/kunci")
async def lock(idea_id: str, request: Request) -> Response:
    """Submit the complete set, which locks it."""
    await require_user(request, "judge")
    await checked_form(request)
    try:
        await api(request, "judging", "POST", f"/api/v1/ideas/{idea_id}/scores/submit")
    except ApiError as exc:
        if exc.status not in (400, 403, 409, 422):
            raise
        context = await _scoring_context(request, idea_id)
        return render(request, "judge/score.html", failure=exc.message, **context)
    return redirect(f"/juri/gagasan/{idea_id}?pesan=terkunci")


@router.post("/juri/gagasan/{idea_id}/mundur")
async def recuse(idea_id: str, request: Request) -> Response:
    """Step back from judging an idea (a conflict of interest), with a reason."""
    await require_user(request, "judge")
    form = await checked_form(request)
    try:
        await api(
            request,
            "judging",
            "POST",
            f"/api/v1/ideas/{idea_id}/recusal",
            json={"reason": str(form.get("reason", "")).strip()},
        )
    except ApiError as exc:
        if exc.status not in (400, 403, 409, 422):
            raise
        context = await _scoring_context(request, idea_id)
        return render(request, "judge/score.html", failure=exc.message, **context)
    return redirect("/juri?pesan=mundur")
