"""Escalation of overdue tickets and milestones: agency first, then committee, each once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from services.implementation.tests.helpers import notifications, open_ticket
from services.implementation.tickets.deadlines import escalate_overdue
from services.implementation.tickets.models import Escalation, Milestone
from shared.db import unit_of_work

DUE = date(2027, 6, 30)


def escalations(runtime: Any) -> list[tuple[str, int]]:
    with runtime.session_factory() as session:
        return sorted(
            (subject.split(":")[0], level)
            for subject, level in session.execute(select(Escalation.subject, Escalation.level))
        )


def run(runtime: Any, today: date) -> dict[int, int]:
    with runtime.session_factory() as session:
        return escalate_overdue(session, today=today)


def test_nothing_escalates_before_due_date(implementation_runtime: Any) -> None:
    open_ticket(implementation_runtime.session_factory, due_date=DUE)
    assert run(implementation_runtime, DUE) == {1: 0, 2: 0}


def test_overdue_ticket_escalates_once_per_level(implementation_runtime: Any) -> None:
    open_ticket(implementation_runtime.session_factory, due_date=DUE)
    day1 = DUE + timedelta(days=1)
    assert run(implementation_runtime, day1) == {1: 1, 2: 0}
    assert run(implementation_runtime, day1) == {1: 0, 2: 0}  # the next beat run: no storm
    assert run(implementation_runtime, DUE + timedelta(days=6)) == {1: 0, 2: 0}  # not yet the committee's turn
    assert run(implementation_runtime, DUE + timedelta(days=7)) == {1: 0, 2: 1}
    for days in (7, 8, 30):
        assert run(implementation_runtime, DUE + timedelta(days=days)) == {1: 0, 2: 0}
    assert escalations(implementation_runtime) == [("ticket", 1), ("ticket", 2)]
    with implementation_runtime.session_factory() as session:
        jobs = [n for n in notifications(session) if n["template"] == "escalation"]
    assert [(j["recipient"]["email"], j["context"]["level"]) for j in jobs] == [
        ("disdukcapil@trenggalekkab.go.id", 1),
        ("panitia.ata@trenggalekkab.go.id", 2),
    ]


def test_long_overdue_ticket_reminds_agency_before_committee(implementation_runtime: Any) -> None:
    open_ticket(implementation_runtime.session_factory, due_date=DUE)
    late = DUE + timedelta(days=30)
    assert run(implementation_runtime, late) == {1: 1, 2: 0}
    assert run(implementation_runtime, late) == {1: 0, 2: 1}


def test_overdue_milestone_escalates_and_done_one_does_not(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    ticket_id, _ = open_ticket(factory, due_date=DUE + timedelta(days=365))
    with unit_of_work(factory) as session:
        session.add(Milestone(ticket_id=ticket_id, title="Sosialisasi ke desa", due_date=DUE, done=False))
        session.add(Milestone(ticket_id=ticket_id, title="Rapat awal", due_date=DUE, done=True))
    assert run(implementation_runtime, DUE + timedelta(days=1)) == {1: 1, 2: 0}
    assert escalations(implementation_runtime) == [("milestone", 1)]


def test_closed_ticket_does_not_escalate(implementation_runtime: Any, client: Any, tokens: Any) -> None:
    from shared.auth import Role

    ticket_id, _ = open_ticket(implementation_runtime.session_factory, due_date=DUE)
    client.post(
        f"/api/v1/tickets/{ticket_id}/transitions",
        headers=tokens(Role.COMMITTEE),
        json={"to": "cancelled", "reason": "Program digabung"},
    )
    assert run(implementation_runtime, DUE + timedelta(days=10)) == {1: 0, 2: 0}
