"""The committee's overview of an edition's implementation: tickets by agency and status, progress by month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.implementation.tickets.models import ProgressUpdate, Ticket, TicketStatus
from shared.clock import WIB
from shared.db import utcnow

#: The chart shows at most two years; an edition's implementation runs about one.
MAX_MONTHS = 24


class AgencyCounts(BaseModel):
    """One agency's tickets of the edition, counted per status (every status present, zero when none)."""

    agency_code: str
    total: int
    by_status: dict[str, int]


class MonthProgress(BaseModel):
    """Where the edition's tickets stood at the end of one month (WIB)."""

    month: str = Field(description="YYYY-MM")
    tickets: int = Field(description="tickets that existed by the end of the month")
    implemented: int = Field(description="tickets implemented by the end of the month (cumulative)")
    updates: int = Field(description="progress updates posted during the month")
    mean_percent: float = Field(
        description="mean percent complete: implemented 100, else the latest reported by then (none: 0)"
    )


class TicketSummary(BaseModel):
    """Counts for the committee's charts; the same figures as the ticket list, aggregated."""

    edition_code: str
    statuses: list[str]
    total: int
    by_agency: list[AgencyCounts]
    by_month: list[MonthProgress]


def _month(moment: datetime) -> date:
    local = moment.astimezone(WIB)
    return date(local.year, local.month, 1)


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def summary(session: Session, *, edition_code: str) -> TicketSummary:
    """Tickets of an edition by agency and status, and month by month: implemented, updates, mean percent."""
    statuses = [s.value for s in TicketStatus]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(statuses, 0))
    rows = session.execute(
        select(Ticket.agency_code, Ticket.status, func.count())
        .where(Ticket.edition_code == edition_code)
        .group_by(Ticket.agency_code, Ticket.status)
    )
    for agency, status, n in rows:
        counts[agency][status] = n
    by_agency = [
        AgencyCounts(agency_code=agency, total=sum(c.values()), by_status=c) for agency, c in sorted(counts.items())
    ]
    tickets = session.execute(
        select(Ticket.id, Ticket.decided_at, Ticket.status, Ticket.closed_at).where(Ticket.edition_code == edition_code)
    ).all()
    updates = session.execute(
        select(ProgressUpdate.ticket_id, ProgressUpdate.created_at, ProgressUpdate.percent_complete)
        .join(Ticket, Ticket.id == ProgressUpdate.ticket_id)
        .where(Ticket.edition_code == edition_code)
        .order_by(ProgressUpdate.created_at)
    ).all()
    return TicketSummary(
        edition_code=edition_code,
        statuses=statuses,
        total=len(tickets),
        by_agency=by_agency,
        by_month=_by_month(tickets, updates),
    )


def _by_month(tickets: Sequence[Any], updates: Sequence[Any]) -> list[MonthProgress]:
    if not tickets:
        return []
    now = _month(utcnow())
    start = max(min(_month(t.decided_at) for t in tickets), date(now.year - MAX_MONTHS // 12, now.month, 1))
    months: list[MonthProgress] = []
    month = start
    while month <= now:
        end = _next(month)
        latest: dict[object, int] = {}
        posted = 0
        for u in updates:
            at = _month(u.created_at)
            if at >= end:
                break
            posted += at == month
            if u.percent_complete is not None:
                latest[u.ticket_id] = u.percent_complete
        existing = [t for t in tickets if _month(t.decided_at) < end]
        done = {
            t.id
            for t in existing
            if t.status == TicketStatus.IMPLEMENTED and t.closed_at is not None and _month(t.closed_at) < end
        }
        # An implemented ticket is complete whatever its last report said.
        percents = [100 if t.id in done else latest.get(t.id, 0) for t in existing]
        mean = sum(percents) / len(percents) if percents else 0.0
        months.append(
            MonthProgress(
                month=month.strftime("%Y-%m"),
                tickets=len(existing),
                implemented=len(done),
                updates=posted,
                mean_percent=round(mean, 1),
            )
        )
        month = end
    return months
