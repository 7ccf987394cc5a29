"""A team of three walks an edition, and each member hears every step exactly once.

The three services run in this process on their own databases, over HTTP; events go from each outbox to the
production consumers of the queues the outbox addressed (each delivered twice, as at-least-once delivery may),
the way the relay and the workers carry them. At the end every member's in-app list (implementation service)
holds each notification once, and each has its email job.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from shared.auth import Role, TokenService
from shared.db import unit_of_work
from tests.notifications.expected import team_notifications

submission_runtime, *_ = service_fixtures("submission")
judging_runtime, *_ = service_fixtures("judging")
implementation_runtime, *_ = service_fixtures("implementation")


class Walk:
    """The three services' clients, tokens, and the carrier of their events."""

    def __init__(self, runtimes: dict[str, Any], clients: dict[str, TestClient]) -> None:
        self.runtimes = runtimes
        self.clients = clients
        self.carried: set[tuple[str, str]] = set()

    def token(self, role: Role, *, user_id: uuid.UUID | None = None, agency: str | None = None) -> dict[str, str]:
        """Headers with a token signed as the submission service signs them (every service verifies it)."""
        issued, _ = TokenService(self.runtimes["submission"].settings).issue(
            user_id=user_id or uuid.uuid4(), role=role, name="Test", email="t@example.go.id", agency_code=agency
        )
        return {"Authorization": f"Bearer {issued}"}

    def carry(self) -> int:
        """Deliver every new outbox event to the consumers it was addressed to, twice; returns how many events."""
        from services.implementation.worker import handle_implementation_event, handle_notification_event
        from services.judging.worker import handle_event as judging_consumer
        from services.submission.worker import handle_event as submission_consumer

        consumers = {
            "submission": submission_consumer,
            "judging": judging_consumer,
            "implementation": handle_implementation_event,
            "notifications": handle_notification_event,
        }
        carried = 0
        while True:
            pending: list[tuple[dict[str, Any], str]] = []
            for runtime in self.runtimes.values():
                with runtime.engine.connect() as conn:
                    rows = conn.execute(
                        text(
                            "SELECT e.body, d.subscriber FROM outbox_delivery d JOIN outbox_event e USING (event_id)"
                            " ORDER BY e.created_at"
                        )
                    ).all()
                pending += [
                    (r.body, r.subscriber) for r in rows if (r.body["event_id"], r.subscriber) not in self.carried
                ]
            if not pending:
                return carried
            for body, subscriber in pending:
                self.carried.add((body["event_id"], subscriber))
                outcomes = [consumers[subscriber].run(event=body) for _ in range(2)]
                assert outcomes == ["handled", "duplicate"], (body["type"], subscriber, outcomes)
                carried += 1


@pytest.fixture
def walk(submission_runtime: Any, judging_runtime: Any, implementation_runtime: Any) -> Iterator[Walk]:
    """The three services side by side."""
    runtimes = {"submission": submission_runtime, "judging": judging_runtime, "implementation": implementation_runtime}
    from services.implementation.notifications import service as notifications
    from services.submission.agencies.service import sync_agencies

    with unit_of_work(submission_runtime.session_factory) as session:
        sync_agencies(session)  # tables are emptied after each test, the migration's agencies with them

    saved = list(notifications._enqueuers)
    notifications.set_email_enqueuer(None)  # the emails wait for the sweep: this test reads the jobs
    with (
        TestClient(load(SERVICES["submission"].app_path)) as s,  # type: ignore[arg-type]
        TestClient(load(SERVICES["judging"].app_path)) as j,  # type: ignore[arg-type]
        TestClient(load(SERVICES["implementation"].app_path)) as i,  # type: ignore[arg-type]
    ):
        yield Walk(runtimes, {"submission": s, "judging": j, "implementation": i})
    notifications._enqueuers[:] = saved


def test_team_of_three_hears_every_step_exactly_once(walk: Walk) -> None:
    from services.implementation.notifications.models import NotificationJob
    from services.judging.tests.decisions.test_decisions import score
    from services.judging.tests.factories import rubric
    from services.judging.tests.schedule.test_schedule import DAY
    from services.submission.tests.factories import make_edition, make_idea, make_participant

    s, j, i = walk.clients["submission"], walk.clients["judging"], walk.clients["implementation"]
    with walk.runtimes["submission"].session_factory() as session:
        make_edition(session)
        owner, owner_p = make_participant(session, name="Siti Rahmawati", agency_code="KEC-PANGGUL")
        budi, _ = make_participant(session, name="Budi Santoso", agency_code="RSUD")
        rina, _ = make_participant(session, name="Rina Wulandari", agency_code="DINSOS")
        idea = make_idea(session, owner_p, title="Antrean daring KTP elektronik")
    team = {p.name: p for p in (owner, budi, rina)}
    as_member = {
        name: walk.token(Role.PARTICIPANT, user_id=p.user_id, agency=p.agency_code) for name, p in team.items()
    }
    committee = walk.token(Role.COMMITTEE, agency="BKPSDM")
    idea_url = f"/api/v1/ideas/{idea.id}"

    # Submission: the team forms, the idea goes in, the committee screens it.
    for mate in (budi, rina):
        assert (
            s.post(f"{idea_url}/co-proposers", headers=as_member[owner.name], json={"nip": mate.nip}).status_code == 200
        )
        assert s.post(f"{idea_url}/co-proposers/accept", headers=as_member[mate.name]).status_code == 200
    assert s.post(f"{idea_url}/submit", headers=as_member[owner.name]).status_code == 200
    screened = s.post(f"{idea_url}/screening", headers=committee, json={"eligible": True, "reason": None})
    assert screened.status_code == 200, screened.text
    walk.carry()

    # Judging: a slot, the judges' scores, the decision.
    with walk.runtimes["judging"].session_factory() as session:
        rubric(session)
    assert j.post("/api/v1/editions/ATA-2026/audition-days", json=DAY, headers=committee).status_code == 201
    assert j.post("/api/v1/editions/ATA-2026/schedule/assign", headers=committee).json()["assigned"] == 1
    judge = walk.token(Role.JUDGE, agency="BAPPEDA")
    assert j.post("/api/v1/editions/ATA-2026/declaration", json={}, headers=judge).status_code == 200  # no conflicts
    score(j, judge, idea.id, (5, 4, 5))
    decided = j.post(
        f"{idea_url}/decision",
        headers=committee,
        json={"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30", "reason": "Rapat"},
    )
    assert decided.status_code == 200, decided.text
    walk.carry()

    # Implementation: one ticket, every member reads it; the agency accepts it and reports progress.
    officer = walk.token(Role.AGENCY, agency="DISDUKCAPIL")
    (ticket,) = i.get("/api/v1/tickets", headers=officer, params={"idea_id": str(idea.id)}).json()["items"]
    for name in team:
        assert i.get(f"/api/v1/tickets/{ticket['id']}", headers=as_member[name]).status_code == 200
    ticket_url = f"/api/v1/tickets/{ticket['id']}"
    assert i.post(f"{ticket_url}/transitions", headers=officer, json={"to": "accepted"}).status_code == 200
    assert i.post(f"{ticket_url}/transitions", headers=officer, json={"to": "in_progress"}).status_code == 200
    progress = i.post(
        f"{ticket_url}/updates", headers=officer, json={"body": "Uji coba di 3 desa", "percent_complete": 30}
    )
    assert progress.status_code == 201, progress.text
    walk.carry()
    assert walk.carry() == 0  # nothing left in any outbox

    expected = team_notifications(owner.name, [budi.name, rina.name])
    for name, member in team.items():
        page = i.get("/api/v1/notifications", headers=as_member[name], params={"limit": 200}).json()
        assert Counter(item["template"] for item in page["items"]) == expected[name], name
        with walk.runtimes["implementation"].session_factory() as session:
            jobs = session.scalars(
                select(NotificationJob).where(NotificationJob.recipient_user_id == member.user_id)
            ).all()
        assert Counter(job.template for job in jobs) == expected[name], name
        assert {(job.recipient_email, job.email_status) for job in jobs} == {(member.email, "pending")}
