"""The judge's tablet pages: today's schedule, the idea with its pitch deck, scoring, submit, recusal.

Scores are saved as they are entered: the page's script sends each change with an Idempotency-Key
and keeps it in the browser until the judging service has it, so a dropped connection loses nothing
and a resend doubles nothing. Without the script the whole form is saved at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.web.backend import ApiError
from services.web.formatting import WIB
from services.web.pages import api, check_csrf_header, checked_form, redirect, render, require_user, settings_of

router = APIRouter(include_in_schema=False)


def _day_of(slot: str | None) -> str | None:
    return datetime.fromisoformat(slot).astimezone(WIB).date().isoformat() if slot else None


@router.get("/juri")
async def schedule(request: Request) -> Response:
    """The ideas of the judge's panel, today's first, in the order of their slots."""
    await require_user(request, "judge")
    code = settings_of(request).default_edition
    ideas: list[dict[str, Any]] = await api(request, "judging", "GET", f"/api/v1/editions/{code}/ideas")
    today = datetime.now(WIB).date().isoformat()
    ideas.sort(key=lambda i: (i.get("slot_starts_at") is None, i.get("slot_starts_at") or "", i.get("title") or ""))
    todays = [i for i in ideas if _day_of(i.get("slot_starts_at")) == today]
    others = [i for i in ideas if _day_of(i.get("slot_starts_at")) != today]
    return render(request, "judge/schedule.html", edition_code=code, todays=todays, others=others, today=today)


async def _scoring_context(request: Request, idea_id: str) -> dict[str, Any]:
    idea = await api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}")
    rubric = await api(request, "judging", "GET", f"/api/v1/editions/{idea['edition_code']}/rubric")
    scores = await api(request, "judging", "GET", f"/api/v1/ideas/{idea_id}/scores")
    deck = await api(request, "submission", "GET", f"/api/v1/ideas/{idea_id}/attachments")
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
        "attachments": deck,
        "idempotency_key": str(uuid.uuid4()),
    }


@router.get("/juri/gagasan/{idea_id}")
async def scoring_page(idea_id: str, request: Request, pesan: str | None = None) -> Response:
    """The idea, the rubric with its level descriptors, the pitch timer and the judge's saved scores."""
    await require_user(request, "judge")
    context = await _scoring_context(request, idea_id)
    return render(request, "judge/score.html", notice=pesan, **context)


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
