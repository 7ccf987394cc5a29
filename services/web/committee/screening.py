"""The committee's screening queue: submitted ideas not yet screened, one at a time, with the ideas that read
like it side by side; eligible, or not eligible with a reason the participant sees; then the next one.

The queue is the submission service's list of the edition's `submitted` ideas (newest first, as it lists them):
a screened idea leaves it, so "the next" is always the first of what is left.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.web.backend import ApiError
from services.web.committee.picker import edition_choices, edition_of
from services.web.committee.routes import GROUPS
from services.web.pages import api, checked_form, language, redirect, render, require_user, settings_of

router = APIRouter(include_in_schema=False)

SIMILAR_LIMIT = 5


def _query(edition: str, group: str | None, **more: str) -> str:
    params = {"edisi": edition, **({"kelompok": group} if group else {}), **more}
    return urlencode(params)


def answers_of(idea: dict[str, Any], edition: dict[str, Any], lang: str) -> list[tuple[str, Any]]:
    """An idea's extra answers labelled by their questions (in the person's language), in the form's order;
    an answer to a question no longer on the form keeps its key."""
    answers = dict(idea.get("extra_answers") or {})
    labelled = []
    for question in edition.get("extra_questions") or []:
        key = question.get("key")
        if key in answers:
            label = question.get("label_en") if lang == "en" and question.get("label_en") else question.get("label")
            labelled.append((str(label or key), answers.pop(key)))
    return labelled + list(answers.items())


async def _queue_page(
    request: Request,
    *,
    edition: str,
    group: str | None,
    idea_id: str | None,
    notice: str | None = None,
    failed: ApiError | None = None,
    reason: str = "",
) -> Response:
    params: dict[str, Any] = {"edition_code": edition, "status": "submitted", "page": 1, "page_size": 1}
    if group:
        params["position_group"] = group
    waiting = await api(request, "submission", "GET", "/api/v1/ideas", params=params)
    if idea_id is None and waiting["items"]:
        idea_id = str(waiting["items"][0]["id"])
    idea = similar = None
    if idea_id:
        idea = await api(request, "submission", "GET", f"/api/v1/ideas/{idea_id}")
        similar = await api(
            request, "submission", "GET", f"/api/v1/ideas/{idea_id}/similar", params={"limit": SIMILAR_LIMIT}
        )
    edition_data = await api(request, "submission", "GET", f"/api/v1/editions/{edition}")
    errors = failed.field_errors() if failed else {}
    return render(
        request,
        "committee/screening.html",
        edition=edition_data,
        group=group,
        groups=GROUPS,
        left=waiting["total"],
        idea=idea,
        answers=answers_of(idea, edition_data, language(request)) if idea else [],
        similar=similar,
        notice=notice,
        errors=errors,
        failure=failed.message if failed and not errors else None,
        reason=reason,
        query=_query(edition, group),
        editions=await edition_choices(request),
    )


@router.get("/panitia/seleksi")
async def queue(
    request: Request,
    edisi: str | None = None,
    kelompok: str | None = None,
    gagasan: str | None = None,
    pesan: str | None = None,
) -> Response:
    """The first submitted idea not yet screened (or the one asked for), with how many are left."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    group = kelompok if kelompok in GROUPS else None
    return await _queue_page(request, edition=edition, group=group, idea_id=gagasan, notice=pesan)


@router.post("/panitia/seleksi/{idea_id}")
async def decide(idea_id: str, request: Request) -> Response:
    """Record the verdict; a refusal (no reason, window closed) shows on the same idea."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = str(form.get("edisi") or settings_of(request).default_edition)
    group = str(form.get("kelompok") or "") or None
    group = group if group in GROUPS else None
    verdict = str(form.get("keputusan") or "")
    reason = str(form.get("alasan") or "").strip()
    if verdict not in ("layak", "tidak_layak"):
        failed = ApiError(422, "validation_error", "", [{"field": "eligible", "message": ""}])
        return await _queue_page(request, edition=edition, group=group, idea_id=idea_id, failed=failed, reason=reason)
    body = {"eligible": verdict == "layak", "reason": reason or None}
    try:
        await api(request, "submission", "POST", f"/api/v1/ideas/{idea_id}/screening", json=body)
    except ApiError as exc:
        if exc.status not in (404, 409, 422):
            raise
        return await _queue_page(request, edition=edition, group=group, idea_id=idea_id, failed=exc, reason=reason)
    return redirect(f"/panitia/seleksi?{_query(edition, group, pesan=verdict)}")
