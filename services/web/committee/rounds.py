"""The committee's round pages: each round's rubric (frozen once scoring started), and advancing ideas from
the screening round to the audition (after a confirmation page, so it works without JavaScript)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from services.web.backend import ApiError
from services.web.committee.picker import edition_choices, edition_of
from services.web.committee.routes import ROUND_KINDS
from services.web.pages import api, checked_form, redirect, render, require_user

router = APIRouter(include_in_schema=False)

CRITERION_FIELDS = ("key", "name", "description", "weight", "min_score", "max_score", "levels")
#: The form offers at least this many criterion blocks, and always one empty block under the declared
#: criteria, so a criterion can be added without script.
MIN_ROWS = 4


def _kind(babak: str | None) -> str:
    return babak if babak in ROUND_KINDS else "audition"


def form_text(form: FormData, name: str) -> str:
    """A posted field, trimmed ('' when missing)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(value: str) -> int | str:
    """A whole number, or the text as typed (for the API to refuse with its own message)."""
    return int(value) if re.fullmatch(r"-?\d+", value) else value


def _levels(text: str) -> list[dict[str, Any]]:
    """'1: Tidak ada perubahan' per line -> [{"score": 1, "description": ...}]; a line without a score is kept
    whole so the API names what is wrong."""
    levels = []
    for line in text.splitlines():
        if not line.strip():
            continue
        score, sep, description = line.partition(":")
        levels.append({"score": _number(score.strip()) if sep else line.strip(), "description": description.strip()})
    return levels


def _rows_of(rubric: dict[str, Any] | None) -> list[dict[str, str]]:
    """The form's rows: the declared criteria, then empty rows."""
    rows = []
    for c in (rubric or {}).get("criteria", []):
        rows.append(
            {
                "key": c["key"],
                "name": c["name"],
                "description": c.get("description") or "",
                "weight": str(c["weight"]),
                "min_score": str(c["min_score"]),
                "max_score": str(c["max_score"]),
                "counted": "1" if c.get("counted", True) else "",
                "levels": "\n".join(f"{lv['score']}: {lv['description']}" for lv in c.get("levels") or []),
            }
        )
    return _with_blanks(rows)


def _with_blanks(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    filled = [r for r in rows if r["key"] or r["name"]]
    blank = {"key": "", "name": "", "description": "", "weight": "", "min_score": "1", "max_score": "5"}
    return filled + [dict(blank, counted="1", levels="") for _ in range(max(1, MIN_ROWS - len(filled)))]


async def _rubric(request: Request, edition: str, kind: str) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/rounds/{kind}/rubric")
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    return data


@router.get("/panitia/rubrik")
async def rubric_page(request: Request, edisi: str | None = None, babak: str | None = None) -> Response:
    """A round's rubric: criteria, weights summing to 100, score range, level descriptors, shown-not-counted."""
    await require_user(request, "committee")
    edition, kind = edition_of(request, edisi), _kind(babak)
    rubric = await _rubric(request, edition, kind)
    return render(
        request,
        "committee/rubric.html",
        edition=edition,
        round_kind=kind,
        rubric=rubric,
        rows=_rows_of(rubric),
        errors={},
        failure=None,
        notice=request.query_params.get("tersimpan") and "Rubrik tersimpan.",
        editions=await edition_choices(request),
    )


@router.post("/panitia/rubrik")
async def rubric_save(request: Request) -> Response:
    """Declare the round's rubric (PUT); the API's refusals are shown next to the rows they concern."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition, kind = edition_of(request, form_text(form, "edisi")), _kind(form_text(form, "babak"))
    rows: list[dict[str, str]] = []
    sent: list[int] = []  # the row of each criterion sent, to put the API's errors back on it
    criteria = []
    count = min(int(form_text(form, "rows")), 40) if form_text(form, "rows").isdigit() else 0
    for n in range(count):
        row = {field: form_text(form, f"c{n}-{field}") for field in CRITERION_FIELDS}
        row["counted"] = "1" if form_text(form, f"c{n}-counted") else ""
        rows.append(row)
        if not (row["key"] or row["name"]):
            continue
        sent.append(n)
        counted = bool(row["counted"])
        criteria.append(
            {
                "key": row["key"],
                "name": row["name"],
                "description": row["description"],
                "weight": _number(row["weight"]) if row["weight"] else (100 if counted else 0),
                "min_score": _number(row["min_score"] or "1"),
                "max_score": _number(row["max_score"] or "5"),
                "counted": counted,
                "levels": _levels(row["levels"]),
            }
        )
    try:
        await api(
            request,
            "judging",
            "PUT",
            f"/api/v1/editions/{edition}/rounds/{kind}/rubric",
            json={"criteria": criteria},
        )
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return render(
            request,
            "committee/rubric.html",
            edition=edition,
            round_kind=kind,
            rubric=await _rubric(request, edition, kind),
            rows=_with_blanks(rows),
            errors=_row_errors(exc, [n - sum(1 for r in rows[:n] if not (r["key"] or r["name"])) for n in sent]),
            failure=exc.summary(),
            notice=None,
        )
    return redirect(f"/panitia/rubrik?edisi={edition}&babak={kind}&tersimpan=1")


def _row_errors(exc: ApiError, sent: list[int]) -> dict[str, str]:
    """{"c0-weight": message, "c1": message}: the API's `criteria.<i>.<field>` put back on the form's row."""
    errors: dict[str, str] = {}
    for field, message in exc.field_errors().items():
        parts = field.split(".")
        if parts[0] != "criteria" or len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(sent):
            continue
        row = sent[int(parts[1])]
        name = f"c{row}-{parts[2]}" if len(parts) > 2 and parts[2] in CRITERION_FIELDS else f"c{row}"
        errors.setdefault(name, message or exc.message)
    return errors


@router.get("/panitia/lolos")
async def advance_page(request: Request, edisi: str | None = None) -> Response:
    """The screening round's ideas, to tick those that go on to the audition."""
    await require_user(request, "committee")
    edition = edition_of(request, edisi)
    ideas = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/ideas", params={"round": "screening"})
    return render(
        request,
        "committee/advance.html",
        edition=edition,
        ideas=ideas,
        chosen=[],
        confirm=False,
        failure=None,
        notice=request.query_params.get("lolos"),
        editions=await edition_choices(request),
    )


@router.post("/panitia/lolos")
async def advance(request: Request) -> Response:
    """First the confirmation (what will advance), then the call; advancing cannot be undone from the pages."""
    await require_user(request, "committee")
    form = await checked_form(request)
    edition = edition_of(request, form_text(form, "edisi"))
    chosen = [v for v in form.getlist("idea_id") if isinstance(v, str) and v]
    ideas = await api(request, "judging", "GET", f"/api/v1/editions/{edition}/ideas", params={"round": "screening"})
    failure = None
    if chosen and form_text(form, "yakin") == "1":
        try:
            done = await api(
                request,
                "judging",
                "POST",
                f"/api/v1/editions/{edition}/rounds/screening/advance",
                json={"idea_ids": chosen, "reason": form_text(form, "reason") or None},
            )
        except ApiError as exc:
            if exc.status not in (404, 409, 422):
                raise
            failure = exc.message
        else:
            return redirect(f"/panitia/lolos?edisi={edition}&lolos={done['advanced']}")
    return render(
        request,
        "committee/advance.html",
        edition=edition,
        ideas=ideas,
        chosen=chosen,
        confirm=bool(chosen) and failure is None,
        reason=form_text(form, "reason"),
        failure=failure if chosen else "Pilih paling sedikit satu gagasan.",
        notice=None,
    )
