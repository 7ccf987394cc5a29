"""The committee's selection pages: the rules (quotas, threshold, tie-breaks), the proposal per position group with
adjustments that must give a reason, and publication behind a page that says what it will do.

Every rule stays in judging: the page shows judging's proposal and its own messages when it refuses a change.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from services.web.backend import ApiError
from services.web.committee.picker import edition_choices, edition_of
from services.web.committee.routes import GROUPS
from services.web.i18n import translate
from services.web.pages import agencies, api, checked_form, language, redirect, render, require_user

router = APIRouter(include_in_schema=False)

#: The tie-breaks judging knows (a `criterion:<key>` one is offered per criterion of the results).
TIE_BREAKS = ("calibrated_score", "raw_score", "submitted_at")
#: Refusals shown next to the form instead of an error page.
FORM_FAILURES = (400, 409, 422)


def proposal_groups(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The scored ideas per position group, best first, with the quota line and the ties the tie-breaks settled."""
    quotas: dict[str, int] = (results.get("rules") or {}).get("quota_per_group") or {}
    present = {i.get("position_group") for i in results["ideas"]} - {None}
    groups = []
    for group in [g for g in GROUPS if g in present] + sorted(present - set(GROUPS)):
        ideas = sorted(
            (i for i in results["ideas"] if i.get("position_group") == group and i.get("score") is not None),
            key=lambda i: i.get("rank") or 10**6,
        )
        rows = []
        for n, idea in enumerate(ideas):
            neighbours = ideas[max(n - 1, 0) : n] + ideas[n + 1 : n + 2]
            tied = any(other["score"] == idea["score"] for other in neighbours)
            rows.append({**idea, "tied": tied, "below_quota_line": group in quotas and n + 1 == quotas[group]})
        groups.append({"group": group, "quota": quotas.get(group), "ideas": rows})
    return groups


def published_state(results: dict[str, Any]) -> tuple[int, int]:
    """(scored ideas, of them already published)."""
    scored = [i for i in results["ideas"] if i.get("score") is not None]
    return len(scored), sum(1 for i in scored if i.get("decision_published"))


#: An idea's adjustment fields on the selection page, by the API's name (each idea's form has its own ids).
ADJUSTMENT_FIELDS = {"selected": "selected", "implementing_agency_code": "agency", "reason": "reason"}


def refusal(failed: ApiError | None, values: dict[str, str] | None, suffix: str | None = None) -> dict[str, Any]:
    """What a form shown again needs: the API's message, its per-field messages (keyed by the fields' ids, which
    end in `-<idea id>` on an idea's adjustment form), what was typed."""
    errors: dict[str, str] = {}
    if failed is not None:
        for field, message in failed.field_errors().items():
            name = field.split(".")[0]
            key = f"{ADJUSTMENT_FIELDS.get(name, name)}-{suffix}" if suffix else name
            errors[key] = message or failed.message
    return {"failure": failed.message if failed else None, "errors": errors, "values": values or {}}


async def _page(
    request: Request,
    edition: str,
    *,
    notice: str | None = None,
    form: str | None = None,
    failed: ApiError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rules, results, listed = await asyncio.gather(  # independent reads, at once
        api(request, "judging", "GET", f"/api/v1/editions/{edition}/selection-rules"),
        api(request, "judging", "GET", f"/api/v1/editions/{edition}/results"),
        agencies(request),
    )
    scored, published = published_state(results)
    criteria = sorted({key for i in results["ideas"] for key in (i.get("criteria") or {})})
    return render(
        request,
        "committee/selection.html",
        edition=edition,
        rules=rules,
        groups=proposal_groups(results),
        all_groups=GROUPS,
        tie_breaks=list(TIE_BREAKS) + [f"criterion:{key}" for key in criteria],
        agencies=listed,
        scored=scored,
        published=published,
        notice=notice,
        form=form,
        editions=await edition_choices(request),
        **refusal(failed, values, suffix=form.removeprefix("adjust-") if form and form != "rules" else None),
    )


@router.get("/panitia/penetapan")
async def selection_page(request: Request, edisi: str | None = None, pesan: str | None = None) -> Response:
    """The rules and the proposal per position group, with adjustments and the way to publish."""
    await require_user(request, "committee")
    return await _page(request, edition_of(request, edisi), notice=pesan)


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def _number(value: str) -> float | str | None:
    """`60,5` -> 60.5; text that is no number is sent on, for judging to refuse in its words."""
    try:
        return float(value) if value else None
    except ValueError:
        return value


def rules_of_form(form: FormData, current: dict[str, Any]) -> dict[str, Any]:
    """The rules the form declares; what the form does not show (calibration guards) stays as it is."""
    quotas: dict[str, Any] = {}
    for group in GROUPS:
        value = _text(form, f"quota_{group}")
        if value:
            quotas[group] = int(value) if value.lstrip("-").isdigit() else value
    threshold = _text(form, "threshold").replace(",", ".")
    tie_break = [t for t in (_text(form, f"tie_break_{n}") for n in (1, 2, 3)) if t]
    return {
        "score_basis": _text(form, "score_basis") or current.get("score_basis", "raw"),
        "quota_per_group": quotas,
        "threshold": _number(threshold),
        "tie_break": tie_break,
        "min_sample": current.get("min_sample", 3),
        "disagreement_sd": current.get("disagreement_sd", 15.0),
        "reason": _text(form, "reason") or None,
    }


@router.post("/panitia/penetapan/aturan")
async def save_rules(request: Request) -> Response:
    """Declare the selection rules; after scoring began judging asks for a reason, shown next to the form."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, _text(form, "edisi"))
    current = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/selection-rules")
    try:
        await api(
            request, "judging", "PUT", f"/api/v1/editions/{edition}/selection-rules", json=rules_of_form(form, current)
        )
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return await _page(request, edition, form="rules", failed=exc, values=values)
    return redirect(f"/panitia/penetapan?edisi={edition}&pesan=aturan")


@router.post("/panitia/penetapan/penyesuaian")
async def adjust(request: Request) -> Response:
    """Select or leave out one idea against the proposal; judging requires the reason."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, _text(form, "edisi"))
    body = {
        "idea_id": _text(form, "idea_id"),
        "selected": _text(form, "selected") == "1",
        "implementing_agency_code": _text(form, "implementing_agency_code") or None,
        "reason": _text(form, "reason"),
    }
    try:
        await api(request, "judging", "POST", f"/api/v1/editions/{edition}/selection/adjustments", json=body)
    except ApiError as exc:
        if exc.status not in (*FORM_FAILURES, 404):
            raise
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return await _page(request, edition, form=f"adjust-{body['idea_id']}", failed=exc, values=values)
    return redirect(f"/panitia/penetapan?edisi={edition}&pesan=disesuaikan")


async def _confirm_page(
    request: Request, edition: str, failed: ApiError | None = None, values: dict[str, str] | None = None
) -> Response:
    results = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/results")
    pending = [i for i in results["ideas"] if i.get("score") is not None and not i.get("decision_published")]
    selected = [i for i in pending if i.get("selected")]
    return render(
        request,
        "committee/publish.html",
        edition=edition,
        pending=pending,
        selected=selected,
        **refusal(failed, values),
    )


@router.get("/panitia/penetapan/terbitkan")
async def confirm_publish(request: Request, edisi: str | None = None) -> Response:
    """What publishing will do (decisions, tickets for the agencies, notices to the teams), before doing it."""
    await require_user(request, "committee")
    return await _confirm_page(request, edition_of(request, edisi))


@router.post("/panitia/penetapan/terbitkan")
async def publish(request: Request) -> Response:
    """Publish every scored, undecided idea's decision (judging leaves a published one as it is)."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, _text(form, "edisi"))
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if _text(form, "confirm") != "1":
        message = translate("Centang pernyataan bahwa Anda memahami akibat penerbitan.", language(request))
        refused = ApiError(422, "confirmation_required", message, [{"field": "confirm", "message": message}])
        return await _confirm_page(request, edition, refused, values)
    try:
        await api(
            request, "judging", "POST", f"/api/v1/editions/{edition}/selection/publish",
            json={"due_date": _text(form, "due_date") or None},
        )  # fmt: skip
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        return await _confirm_page(request, edition, exc, values)
    return redirect(f"/panitia/penetapan?edisi={edition}&pesan=terbit")
