"""The committee's home and an edition's setup: its timeline in WIB, position groups, the idea form's extra
questions, and its page with the ideas per position group and status.

The extra questions are edited without script: adding, removing and moving a row are buttons of the same form
that show it again changed (nothing is saved until "Simpan"), so the page works the same on any browser.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from services.web.backend import ApiError
from services.web.committee.routes import GROUPS
from services.web.i18n import STATUS_LABELS, translate
from services.web.pages import api, checked_form, language, redirect, render, require_user
from shared.clock import WIB

router = APIRouter(include_in_schema=False)

#: The timeline as the API has it, in order; each a datetime-local input read as WIB.
TIMELINE = (
    "submission_opens_at",
    "submission_closes_at",
    "screening_opens_at",
    "screening_closes_at",
    "auditions_start_at",
    "auditions_end_at",
    "decisions_at",
)
KINDS = ("text", "number", "choice")
QUESTION_FIELDS = ("key", "label", "label_en", "kind", "choices")
FORM_FAILURES = (400, 404, 409, 422)


def local_input(value: str | None) -> str:
    """An API time (UTC, ISO) as a datetime-local value in WIB: `2026-12-01T08:00`."""
    if not value:
        return ""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    local = parsed.astimezone(WIB) if parsed.tzinfo else parsed
    return local.strftime("%Y-%m-%dT%H:%M")


def _values_of(edition: dict[str, Any]) -> dict[str, Any]:
    """The form's values from an edition as the API returns it."""
    values: dict[str, Any] = {name: str(edition.get(name) or "") for name in ("code", "name", "year")}
    values.update({name: local_input(edition.get(name)) for name in TIMELINE})
    values["grace_period_minutes"] = str(edition.get("grace_period_minutes", 0))
    values["max_ideas_per_participant"] = str(edition.get("max_ideas_per_participant", 3))
    values["position_groups"] = list(edition.get("position_groups") or GROUPS)
    values["questions"] = [
        {
            "key": q.get("key", ""),
            "label": q.get("label", ""),
            "label_en": q.get("label_en") or "",
            "kind": q.get("kind", "text"),
            "choices": "\n".join(q.get("choices") or []),
            "required": bool(q.get("required")),
            "extra": {k: v for k, v in q.items() if k in ("max_length", "min_value", "max_value")},
        }
        for q in edition.get("extra_questions") or []
    ]
    return values


def _questions_of(form: FormData) -> list[dict[str, Any]]:
    """The question rows as posted (`q-0-key`, `q-0-label`, ...), blank rows left out."""
    rows = []
    count = int(str(form.get("q-count", "0"))) if str(form.get("q-count", "0")).isdigit() else 0
    for n in range(min(count, 40)):
        row: dict[str, Any] = {name: str(form.get(f"q-{n}-{name}", "")).strip() for name in QUESTION_FIELDS}
        row["required"] = form.get(f"q-{n}-required") == "1"
        row["extra"] = json.loads(str(form.get(f"q-{n}-extra") or "{}") or "{}")
        if row["key"] or row["label"] or row["label_en"] or row["choices"]:
            rows.append(row)
    return rows


def _values_from(form: FormData) -> dict[str, Any]:
    """The form's values as posted."""
    values: dict[str, Any] = {
        name: str(form.get(name, "")).strip()
        for name in ("code", "name", "year", "grace_period_minutes", "max_ideas_per_participant", *TIMELINE)
    }
    values["position_groups"] = [str(g) for g in form.getlist("position_groups")]
    values["questions"] = _questions_of(form)
    return values


def _rearranged(questions: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """A row added (`tambah`), removed (`hapus-N`) or moved up (`naik-N`) or down (`turun-N`)."""
    rows = list(questions)
    if action == "tambah":
        rows.append({"key": "", "label": "", "label_en": "", "kind": "text", "choices": "", "required": False})
        return rows
    verb, _, index = action.partition("-")
    if not index.isdigit() or int(index) >= len(rows):
        return rows
    n = int(index)
    if verb == "hapus":
        rows.pop(n)
    elif verb == "naik" and n > 0:
        rows[n - 1], rows[n] = rows[n], rows[n - 1]
    elif verb == "turun" and n < len(rows) - 1:
        rows[n + 1], rows[n] = rows[n], rows[n + 1]
    return rows


def _number(value: str) -> int | str | None:
    """A whole number, or the text for the API to refuse by name."""
    return None if not value else int(value) if value.isdigit() else value


def body_of(values: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """The API body of the form: times as written (the API reads them as WIB); a blank time is left out of a new
    edition and sent as null when editing, which clears it (the API refuses clearing a required one by name)."""
    body: dict[str, Any] = {"name": values["name"]}
    if new:
        body["code"] = values["code"].upper()
        body["year"] = _number(values["year"])
    for name in TIMELINE:
        if values[name]:
            body[name] = values[name]
        elif not new or name.startswith("submission"):
            body[name] = None  # cleared when editing; a required one is named by the API
    for name in ("grace_period_minutes", "max_ideas_per_participant"):
        if values[name]:
            body[name] = _number(values[name])
    body["position_groups"] = values["position_groups"]
    body["extra_questions"] = [
        {
            **q.get("extra", {}),
            "key": q["key"],
            "label": q["label"],
            "label_en": q["label_en"] or None,
            "kind": q["kind"],
            "required": q["required"],
            "choices": [c.strip() for c in q["choices"].splitlines() if c.strip()] if q["kind"] == "choice" else [],
        }
        for q in values["questions"]
    ]
    return body


def _form_page(request: Request, values: dict[str, Any], *, new: bool, failed: ApiError | None = None) -> Response:
    errors = failed.field_errors() if failed else {}
    lang = language(request)
    if failed and failed.code == "invalid_timeline" and isinstance(failed.details, list):
        # Each broken rule names the two times it compares: both are marked at their inputs with the rule.
        for rule in failed.details:
            for name in rule.get("fields", []) if isinstance(rule, dict) else []:
                errors.setdefault(str(name), str(rule.get("rule", "")))
    names = {"key": "Kunci", "label": "Pertanyaan (Bahasa Indonesia)", "label_en": "Pertanyaan (English)",
             "kind": "Jenis jawaban", "choices": "Pilihan jawaban (satu per baris)"}  # fmt: skip
    # The summary names a question's field as the page does ("Pertanyaan 1 · Kunci"), not as the API does.
    question_labels = {}
    for field in errors:
        parts = field.split(".")
        if parts[0] == "extra_questions" and len(parts) > 1 and parts[1].isdigit():
            label = f"{translate('Pertanyaan', lang)} {int(parts[1]) + 1}"
            if len(parts) > 2 and parts[2] in names:
                label += f" · {translate(names[parts[2]], lang)}"
            question_labels[field] = label
    return render(
        request,
        "committee/edition_form.html",
        question_labels=question_labels,
        values=values,
        new=new,
        errors=errors,
        failure=failed.message if failed else None,
        timeline=TIMELINE,
        groups=GROUPS,
        kinds=KINDS,
    )


async def _save(request: Request, *, code: str | None) -> Response:
    """Show the form again after a row action, or send it to the API and see the edition."""
    await require_user(request, "committee")
    form = await checked_form(request)
    values = _values_from(form)
    if code:
        values["code"] = code
    action = str(form.get("aksi", "simpan"))
    if action != "simpan":
        values["questions"] = _rearranged(values["questions"], action)
        return _form_page(request, values, new=code is None)
    try:
        if code is None:
            saved = await api(request, "submission", "POST", "/api/v1/editions", json=body_of(values, new=True))
        else:
            saved = await api(
                request, "submission", "PATCH", f"/api/v1/editions/{code}", json=body_of(values, new=False)
            )
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        return _form_page(request, values, new=code is None, failed=exc)
    return redirect(f"/panitia/edisi/{saved['code']}?pesan=disimpan")


@router.get("/panitia")
async def committee_home(request: Request) -> Response:
    """Every edition with the window open now and its counts, newest first."""
    await require_user(request, "committee")
    editions = await api(request, "submission", "GET", "/api/v1/editions")
    rows = []
    for edition in sorted(editions, key=lambda e: e["submission_opens_at"], reverse=True):
        summary = await api(request, "submission", "GET", f"/api/v1/editions/{edition['code']}/summary")
        rows.append({"edition": edition, "summary": summary})
    return render(request, "committee/home.html", rows=rows)


@router.get("/panitia/edisi/baru")
async def new_edition(request: Request) -> Response:
    """The form of a new edition: every position group takes part, three ideas per participant."""
    await require_user(request, "committee")
    values = _values_of({"max_ideas_per_participant": 3, "grace_period_minutes": 0})
    return _form_page(request, values, new=True)


@router.post("/panitia/edisi/baru")
async def create_edition(request: Request) -> Response:
    """Create the edition (or change the form's question rows)."""
    return await _save(request, code=None)


@router.get("/panitia/edisi/{code}/ubah")
async def edit_edition(code: str, request: Request) -> Response:
    """The edition's form with what it holds now."""
    await require_user(request, "committee")
    edition = await api(request, "submission", "GET", f"/api/v1/editions/{code}")
    return _form_page(request, _values_of(edition), new=False)


@router.post("/panitia/edisi/{code}/ubah")
async def update_edition(code: str, request: Request) -> Response:
    """Save the edition's changes (or change the form's question rows)."""
    return await _save(request, code=code)


#: The edition page's timeline: the API's field (or the deadline with grace) and its label.
TIMELINE_LABELS = (
    ("submission_opens_at", "Pengajuan dibuka"),
    ("submission_closes_at", "Pengajuan ditutup"),
    ("deadline_with_grace", "Batas akhir dengan masa tenggang"),
    ("screening_opens_at", "Seleksi administrasi dibuka"),
    ("screening_closes_at", "Seleksi administrasi ditutup"),
    ("auditions_start_at", "Audisi dimulai"),
    ("auditions_end_at", "Audisi selesai"),
    ("decisions_at", "Keputusan diumumkan"),
)


def timeline_of(edition: dict[str, Any]) -> list[tuple[str, str, datetime | None]]:
    """The edition's moments in order (UTC; the page writes them in WIB), unset ones as None."""
    closes = datetime.fromisoformat(str(edition["submission_closes_at"]).replace("Z", "+00:00"))
    moments: dict[str, Any] = {
        **edition,
        "deadline_with_grace": closes + timedelta(minutes=int(edition.get("grace_period_minutes") or 0)),
    }
    return [
        (key, label, datetime.fromisoformat(str(moments[key]).replace("Z", "+00:00")) if moments.get(key) else None)
        for key, label in TIMELINE_LABELS
    ]


def status_chart(summary: dict[str, Any], lang: str) -> dict[str, Any]:
    """Ideas per position group (bars) and status (stacked), for static/js/results.js."""
    by_group: dict[str, dict[str, int]] = summary.get("ideas_by_group_and_status") or {}
    present = set(by_group)
    groups = [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))
    statuses = sorted({s for counts in by_group.values() for s in counts})

    def label(key: str) -> str:
        return translate(STATUS_LABELS.get(key, key), lang)

    return {
        "labels": [label("group_" + g) for g in groups],
        "series": [{"label": label(s), "values": [by_group[g].get(s, 0) for g in groups]} for s in statuses],
        "stacked": True,
    }


@router.get("/panitia/edisi/{code}")
async def edition_page(code: str, request: Request, pesan: str | None = None) -> Response:
    """The edition: its timeline in WIB, groups, questions, and its ideas per group and status."""
    await require_user(request, "committee")
    edition = await api(request, "submission", "GET", f"/api/v1/editions/{code}")
    summary = await api(request, "submission", "GET", f"/api/v1/editions/{code}/summary")
    chart = status_chart(summary, language(request))
    return render(
        request,
        "committee/edition.html",
        edition=edition,
        summary=summary,
        chart=chart,
        timeline=timeline_of(edition),
        chart_data=json.dumps(chart, ensure_ascii=False),
        saved=pesan == "disimpan",
    )
