"""Committee exports of ideas (rekap) as CSV or XLSX; cells that look like formulas are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from services.submission.common import wib
from services.submission.ideas.models import Idea
from shared.cells import safe_row

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = (
    "id", "edition", "status", "title", "proposer_name", "proposer_nip", "position_group", "proposer_agency",
    "target_agency", "service_area", "problem", "solution", "beneficiaries", "time_saved_minutes_per_case",
    "cost_saved_per_year_rp", "estimated_budget_rp", "partners", "revision", "submitted_at_wib", "submitted_late",
    "screening_eligible", "screening_reason", "decision_selected", "decision_score", "decision_rank",
    "ticket_status",
)  # fmt: skip


def _row(idea: Idea, edition_code: str, proposer_name: str, proposer_nip: str, questions: Sequence[str]) -> list[Any]:
    values = [
        str(idea.id), edition_code, idea.status, idea.title, proposer_name, proposer_nip, idea.position_group,
        idea.proposer_agency_code, idea.target_agency_code, idea.service_area, idea.problem, idea.solution,
        idea.beneficiaries, idea.time_saved_minutes_per_case, idea.cost_saved_per_year_rp, idea.estimated_budget_rp,
        "; ".join(f"{p['name']} ({p['kind']})" for p in idea.partners), idea.revision,
        wib(idea.submitted_at) if idea.submitted_at else None, idea.submitted_late, idea.screened_eligible,
        idea.screening_reason, idea.decision_selected, idea.decision_score, idea.decision_rank, idea.ticket_status,
    ]  # fmt: skip
    values += [idea.extra_answers.get(key) for key in questions]
    return safe_row(values)


def to_table(rows: Sequence[Any], questions: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the export; extra questions of the edition become extra columns."""
    header = list(COLUMNS) + [f"extra_{key}" for key in questions]
    return header, [_row(r[0], r[1], r[2], r[3], questions) for r in rows]


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM (Excel opens it with the right encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    """A workbook with one sheet, header frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Gagasan")
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
