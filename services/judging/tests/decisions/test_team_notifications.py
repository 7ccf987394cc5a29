"""What a team hears from judging (HTTP): its audition slot, its feedback being ready, and "not selected"."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.db import messaging
from services.judging.tests.decisions.test_decisions import score
from services.judging.tests.factories import EDITION, eligible_idea, person, rubric
from services.judging.tests.schedule.test_schedule import make_day
from shared.auth import Role
from shared.events import NotificationRequested, parse_event


def told(session: Session) -> list[NotificationRequested]:
    """Every notification judging published, in order."""
    rows = session.execute(select(messaging.outbox_event.c.body).order_by(messaging.outbox_event.c.created_at)).all()
    events = [parse_event(r.body) for r in rows]
    return [e for e in events if isinstance(e, NotificationRequested)]


def test_whole_team_hears_its_slot_once(client: TestClient, tokens: Any, session: Session) -> None:
    team = [person("KEC-PANGGUL", name="Siti"), person("RSUD", name="Budi"), person("DINKES", name="Rina")]
    idea = eligible_idea(session, proposer=team[0], co_proposers=team[1:], title="Antrean daring KTP-el")
    make_day(client, tokens)
    committee = tokens(Role.COMMITTEE)
    assert client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=committee).json()["assigned"] == 1
    assert client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=committee).json()["assigned"] == 0
    session.expire_all()
    notices = told(session)
    assert [(n.payload.template, n.payload.recipient.user_id) for n in notices] == [
        ("audition_slot_assigned", member.user_id) for member in team
    ]
    assert notices[0].payload.context == {
        "idea_id": str(idea),
        "title": "Antrean daring KTP-el",
        "room": "Ruang A",
        "starts_at": "10-08-2026 08:00 WIB",
    }
    assert {n.payload.idempotency_key.rsplit(":", 2)[0] for n in notices} == {
        notices[0].payload.idempotency_key.rsplit(":", 2)[0]
    }


def test_decision_tells_the_team_feedback_is_ready_and_not_selected(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    team = [person("KEC-PANGGUL", name="Siti"), person("RSUD", name="Budi")]
    chosen = eligible_idea(session, proposer=team[0], co_proposers=team[1:])
    passed_over = eligible_idea(session, proposer=team[0], co_proposers=team[1:], title="Parkir berlangganan")
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    score(client, judge, chosen, (5, 5, 5))
    score(client, judge, passed_over, (2, 2, 2))
    committee = tokens(Role.COMMITTEE)
    selected = client.post(
        f"/api/v1/ideas/{chosen}/decision",
        json={"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30", "reason": "Rapat"},
        headers=committee,
    )
    assert selected.status_code == 200, selected.text
    for _ in range(2):  # deciding again answers with the decision already published, and tells nobody again
        not_selected = client.post(f"/api/v1/ideas/{passed_over}/decision", json={"selected": False}, headers=committee)
        assert not_selected.status_code == 200, not_selected.text
    session.expire_all()
    heard = sorted(
        (str(n.payload.context["idea_id"]), n.payload.template, n.payload.recipient.name) for n in told(session)
    )
    assert heard == sorted(
        [
            (str(chosen), "feedback_ready", "Siti"),
            (str(chosen), "feedback_ready", "Budi"),
            (str(passed_over), "feedback_ready", "Siti"),
            (str(passed_over), "feedback_ready", "Budi"),
            (str(passed_over), "idea_not_selected", "Siti"),
            (str(passed_over), "idea_not_selected", "Budi"),
        ]
    )
    # The team's notifications are caused by the decision's event: its id leads every key.
    rows = session.execute(select(messaging.outbox_event.c.body)).all()
    judged = {str(b["payload"]["idea_id"]): b["event_id"] for (b,) in rows if b["type"] == "idea.judged.v1"}
    for notice in told(session):
        cause = judged[str(notice.payload.context["idea_id"])]
        assert notice.payload.idempotency_key == f"{cause}:{notice.payload.recipient.user_id}:{notice.payload.template}"
    # The team is in the decision too, so the implementation service can tell every member about the ticket.
    (chosen_event,) = [parse_event(b) for (b,) in rows if b["type"] == "idea.judged.v1" and b["payload"]["selected"]]
    assert [p.name for p in chosen_event.payload.co_proposers] == ["Budi"]  # type: ignore[attr-defined]
