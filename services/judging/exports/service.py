"""The recap sheet (rekap nilai) for the Regent's office: XLSX with one sheet per position group, and CSV."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.decisions.models import Decision
from services.judging.ideas.models import Idea
from services.judging.results.schemas import IdeaResult, ResultsRead
from services.judging.results.service import compute_results
from services.judging.rubric.models import DEFAULT_ROUND, Criterion, RoundKind
from services.judging.rubric.service import criteria_of, find_round
from shared.cells import safe_row
from shared.events import PositionGroup

GROUP_TITLES = {
    PositionGroup.PENGAWAS: "Pengawas",
    PositionGroup.FUNGSIONAL_PENYETARAAN: "Fungsional Penyetaraan",
    PositionGroup.FUNGSIONAL_AHLI: "Fungsional Ahli",
    PositionGroup.PELAKSANA: "Pelaksana",
}


@dataclass(frozen=True)
class RecapData:
    """What the recap and the signed documents are made of: results with their ideas, decisions and criteria."""

    results: ResultsRead
    ideas: dict[uuid.UUID, Idea]
    decisions: dict[uuid.UUID, Decision]
    criteria: list[Criterion]

    def selected(self, r: IdeaResult) -> bool:
        """Whether the idea is selected: its published decision, else the proposal as adjusted."""
        decision = self.decisions.get(r.idea_id)
        return decision.selected if decision else r.selected

    def exception_reason(self, r: IdeaResult) -> str:
        """Why the idea departs from the rules' proposal (the decision's reason, else the adjustment's)."""
        decision = self.decisions.get(r.idea_id)
        return (decision.reason if decision else None) or r.adjustment_reason or ""


def recap_data(session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND) -> RecapData:
    """The round's results with the ideas, published decisions and rubric criteria they refer to."""
    results = compute_results(session, edition_code=edition_code, kind=kind)
    rnd = find_round(session, edition_code, kind)
    criteria = list(criteria_of(session, rnd.id)) if rnd else []
    ids = [r.idea_id for r in results.ideas]
    ideas = {i.id: i for i in session.scalars(select(Idea).where(Idea.id.in_(ids)))} if ids else {}
    decisions = (
        {d.idea_id: d for d in session.scalars(select(Decision).where(Decision.idea_id.in_(ids)))} if ids else {}
    )
    return RecapData(results=results, ideas=ideas, decisions=decisions, criteria=criteria)


def recap_rows(
    session: Session, *, edition_code: str, kind: RoundKind = DEFAULT_ROUND
) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """The header and the rows per position group, ranked, with raw and calibrated scores side by side."""
    data = recap_data(session, edition_code=edition_code, kind=kind)
    criteria = data.criteria
    header = [
        "Peringkat",
        "Judul gagasan",
        "Pengusul",
        "NIP",
        "Instansi pengusul",
        "Jumlah juri",
        "Nilai mentah",
        "Nilai terkalibrasi",
        *[f"{c.name} ({c.min_score}-{c.max_score})" for c in criteria],
        "Kesepakatan juri (W)",
        "Perlu dibahas",
        "Usulan terpilih",
        "Terpilih",
        "Pengecualian aturan",
        "Alasan pengecualian",
        "Instansi pelaksana",
        "Keputusan diterbitkan",
    ]
    groups: dict[str, list[list[Any]]] = {str(g): [] for g in PositionGroup}
    for r in data.results.ideas:
        groups.setdefault(r.position_group or "", []).append(_row(r, data))
    return header, groups


def _row(r: IdeaResult, data: RecapData) -> list[Any]:
    idea = data.ideas.get(r.idea_id)
    decision = data.decisions.get(r.idea_id)
    proposer = (idea.proposer if idea else None) or {}
    return [
        r.rank,
        r.title,
        proposer.get("name"),
        proposer.get("nip"),
        proposer.get("agency_code"),
        r.judges,
        r.raw_score,
        r.calibrated_score,
        *[r.criteria.get(c.key) for c in data.criteria],
        r.agreement_w,
        "ya" if r.flagged else "",
        "ya" if r.proposed else "",
        "ya" if data.selected(r) else "",
        "ya" if r.exception else "",
        data.exception_reason(r),
        decision.implementing_agency_code if decision else "",
        decision.decided_at.date().isoformat() if decision else "",
    ]


def recap_xlsx(session: Session, *, edition_code: str) -> bytes:
    """The recap workbook: one sheet per position group."""
    header, groups = recap_rows(session, edition_code=edition_code)
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for group in PositionGroup:
        sheet = workbook.create_sheet(GROUP_TITLES[group])
        sheet.append([f"Rekap nilai {edition_code} — kelompok {GROUP_TITLES[group]}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(safe_row(header))  # criterion names are typed by the committee
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in groups.get(str(group), []):
            sheet.append(safe_row(row))
        sheet.freeze_panes = "C3"
        for i, title in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(title) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def recap_csv(session: Session, *, edition_code: str) -> str:
    """The recap as one CSV (a column names the position group)."""
    header, groups = recap_rows(session, edition_code=edition_code)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(["Kelompok jabatan", *header]))
    for group in PositionGroup:
        for row in groups.get(str(group), []):
            writer.writerow([GROUP_TITLES[group], *safe_row("" if v is None else v for v in row)])
    return out.getvalue()
