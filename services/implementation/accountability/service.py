"""The public accountability view: selected ideas of an edition, their progress and their impact."""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.implementation.accountability.schemas import PublicEdition, PublicIdea, PublicMilestone, PublicPhoto
from services.implementation.agencies.models import AgencyContact
from services.implementation.evidence.models import EvidenceFile
from services.implementation.evidence.service import is_public_photo
from services.implementation.tickets.models import Milestone, Ticket, TicketStatus
from shared.agencies import AGENCY_BY_CODE
from shared.cells import safe_cell
from shared.files import IMAGES

CSV_COLUMNS = [
    "idea_id", "edition_code", "title", "service_area", "position_group", "agency_code", "agency_name",
    "proposer_name", "status", "percent_complete", "due_date", "milestones_done", "milestones_total",
    "promised_minutes_saved_per_case", "promised_cost_saved_per_year_rp", "estimated_budget_rp",
    "baseline_minutes_per_case", "measured_minutes_per_case", "baseline_cost_per_year_rp",
    "measured_cost_per_year_rp",
]  # fmt: skip


def edition_view(session: Session, *, edition_code: str) -> PublicEdition:
    """Every selected idea of the edition (four queries, whatever the number of ideas)."""
    tickets = list(
        session.scalars(select(Ticket).where(Ticket.edition_code == edition_code).order_by(Ticket.title, Ticket.id))
    )
    milestones: dict[object, list[PublicMilestone]] = defaultdict(list)
    if tickets:
        for m in session.scalars(
            select(Milestone)
            .where(Milestone.ticket_id.in_([t.id for t in tickets]))
            .order_by(Milestone.due_date, Milestone.created_at)
        ):
            milestones[m.ticket_id].append(PublicMilestone.model_validate(m, from_attributes=True))
    photos = _photos(session, [t for t in tickets if t.status == TicketStatus.IMPLEMENTED])
    names = {c.code: c.name for c in session.scalars(select(AgencyContact))}
    items = [
        PublicIdea(
            idea_id=t.idea_id,
            edition_code=t.edition_code,
            title=t.title,
            service_area=t.service_area,
            position_group=t.position_group,
            agency_code=t.agency_code,
            agency_name=names.get(t.agency_code) or _catalogue_name(t.agency_code),
            proposer_name=t.proposer_name if t.proposer_public else None,
            status=t.status,
            percent_complete=t.percent_complete,
            due_date=t.due_date,
            milestones=milestones.get(t.id, []),
            promised_minutes_saved_per_case=t.promised_minutes_saved_per_case,
            promised_cost_saved_per_year_rp=t.promised_cost_saved_per_year_rp,
            estimated_budget_rp=t.estimated_budget_rp,
            baseline_minutes_per_case=t.baseline_minutes_per_case,
            measured_minutes_per_case=t.measured_minutes_per_case,
            baseline_cost_per_year_rp=t.baseline_cost_per_year_rp,
            measured_cost_per_year_rp=t.measured_cost_per_year_rp,
            photos=photos.get(t.id, []),
        )
        for t in tickets
    ]
    return PublicEdition(edition_code=edition_code, items=items)


def _photos(session: Session, implemented: list[Ticket]) -> dict[uuid.UUID, list[PublicPhoto]]:
    """The evidence images of implemented tickets, oldest first (one query)."""
    photos: dict[uuid.UUID, list[PublicPhoto]] = defaultdict(list)
    if not implemented:
        return photos
    by_id = {t.id: t for t in implemented}
    for e in session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.ticket_id.in_(by_id), EvidenceFile.content_type.in_(IMAGES))
        .order_by(EvidenceFile.created_at, EvidenceFile.id)
    ):
        if is_public_photo(e, by_id[e.ticket_id]):
            photos[e.ticket_id].append(
                PublicPhoto(url=f"/api/v1/public/evidence/{e.id}", content_type=e.content_type, created_at=e.created_at)
            )
    return photos


def _catalogue_name(code: str) -> str:
    agency = AGENCY_BY_CODE.get(code)
    return agency.name if agency else code


def to_csv(view: PublicEdition) -> str:
    """The open-data CSV of an edition (one row per idea)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in view.items:
        row = item.model_dump(mode="json", exclude={"milestones", "photos"})
        row["milestones_done"] = sum(1 for m in item.milestones if m.done)
        row["milestones_total"] = len(item.milestones)
        writer.writerow({k: "" if row.get(k) is None else safe_cell(row[k]) for k in CSV_COLUMNS})
    return out.getvalue()
