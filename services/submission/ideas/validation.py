"""Checking an idea's fields and extra answers, and what it still needs before it is submitted."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.submission.agencies.service import require_agency
from services.submission.editions.models import Edition
from services.submission.ideas.models import Idea
from shared.errors import AppError, Message, invalid

# (field, Indonesian label, English label) of what an idea needs before it can be submitted.
REQUIRED_FIELDS = (
    ("title", "judul", "title"),
    ("problem", "permasalahan", "problem"),
    ("solution", "solusi yang diusulkan", "proposed solution"),
    ("beneficiaries", "penerima manfaat", "beneficiaries"),
    ("time_saved_minutes_per_case", "waktu yang dihemat per layanan (menit)", "time saved per case (minutes)"),
    ("cost_saved_per_year_rp", "biaya yang dihemat per tahun (Rp)", "cost saved per year (Rp)"),
    ("estimated_budget_rp", "perkiraan anggaran (Rp)", "estimated budget (Rp)"),
    ("target_agency_code", "perangkat daerah pelaksana", "implementing agency"),
    ("service_area", "bidang layanan", "service area"),
)


def problem(field: str, message_id: str, message_en: str) -> dict[str, str]:
    """One field's problem, in Indonesian and English."""
    return {"field": field, "message_id": message_id, "message_en": message_en}


def _validate_answers(edition: Edition, answers: dict[str, Any], *, complete: bool) -> list[dict[str, str]]:
    """Problems with the extra questions' answers; `complete` also checks required ones are answered."""
    problems = []
    questions = {q["key"]: q for q in edition.extra_questions}
    for key in answers:
        if key not in questions:
            problems.append(problem(f"extra_answers.{key}", "pertanyaan tidak dikenal", "unknown question"))
    for key, q in questions.items():
        value = answers.get(key)
        field = f"extra_answers.{key}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if complete and q.get("required"):
                problems.append(
                    problem(field, f"'{q['label']}' wajib diisi", f"'{q.get('label_en') or q['label']}' is required")
                )
            continue
        if q["kind"] == "text":
            if not isinstance(value, str):
                problems.append(problem(field, "harus berupa teks", "must be text"))
            elif len(value) > int(q.get("max_length", 2000)):
                problems.append(problem(field, "terlalu panjang", "too long"))
        elif q["kind"] == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(problem(field, "harus berupa angka", "must be a number"))
            elif (q.get("min_value") is not None and value < q["min_value"]) or (
                q.get("max_value") is not None and value > q["max_value"]
            ):
                problems.append(problem(field, "di luar rentang yang diizinkan", "outside the allowed range"))
        elif q["kind"] == "choice" and value not in q.get("choices", []):
            problems.append(problem(field, "bukan pilihan yang tersedia", "not one of the choices"))
    return problems


def completeness(idea: Idea, edition: Edition) -> list[dict[str, str]]:
    """Every reason the idea cannot be submitted yet, all at once."""
    problems = []
    for field, label_id, label_en in REQUIRED_FIELDS:
        value = getattr(idea, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(problem(field, f"{label_id} wajib diisi", f"{label_en} is required"))
    problems += _validate_answers(edition, idea.extra_answers or {}, complete=True)
    return problems


def refuse_incomplete(problems: list[dict[str, str]]) -> AppError:
    """The 422 for an idea that cannot be submitted yet, listing every problem."""
    return invalid(
        "idea_incomplete",
        Message(
            f"Gagasan belum lengkap: {len(problems)} isian perlu diperbaiki",
            f"The idea is incomplete: {len(problems)} fields need attention",
        ),
        problems,
    )


def apply_fields(session: Session, idea: Idea, edition: Edition, values: dict[str, Any]) -> bool:
    """Set the given fields after checking them; True when anything changed."""
    if values.get("target_agency_code"):
        require_agency(session, values["target_agency_code"], "target_agency_code")
    if values.get("extra_answers") is not None:
        problems = _validate_answers(edition, values["extra_answers"], complete=False)
        if problems:
            raise invalid("invalid_answers", Message("Jawaban tidak sah", "Invalid answers"), problems)
    if "partners" in values:
        values["partners"] = [{"name": p["name"], "kind": str(p["kind"])} for p in (values["partners"] or [])]
    if "extra_answers" in values and values["extra_answers"] is None:
        values["extra_answers"] = {}
    changed = False
    for key, value in values.items():
        if key == "title" and value is None:
            continue
        if getattr(idea, key) != value:
            setattr(idea, key, value)
            changed = True
    return changed
