"""Decisions: weighted score and rank in the group, idea.judged.v1 through the outbox, idempotency."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.db import messaging
from services.judging.tests.factories import T0, eligible_idea, full_scores, person, rubric
from shared.auth import Role
from shared.events import PositionGroup, parse_event


def score(client: TestClient, headers: dict[str, str], idea_id: uuid.UUID, values: tuple[int, int, int]) -> None:
    key = uuid.uuid4().hex
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(*values), headers={**headers, "Idempotency-Key": key}
    )
    assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=headers).status_code == 200


def outbox(session: Session) -> list[Any]:
    """The decisions published (the team's notifications that go with them: see test_team_notifications)."""
    rows = session.execute(select(messaging.outbox_event.c.body).order_by(messaging.outbox_event.c.created_at)).all()
    return [e for e in (parse_event(r.body) for r in rows) if e.type == "idea.judged.v1"]


def test_decision_selected_publishes_idea_judged_with_score_and_rank(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    proposer = person("KEC-PANGGUL")
    first = eligible_idea(session, proposer=proposer)
    second = eligible_idea(session, submitted_at=T0 + timedelta(hours=1))
    other_group = eligible_idea(session, group=PositionGroup.PENGAWAS)
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    score(client, judge, first, (5, 5, 3))  # 30 + 30 + 20 = 80
    score(client, judge, second, (5, 5, 5))  # 100
    score(client, judge, other_group, (1, 1, 1))  # 0, rank 1 in its own group
    response = client.post(
        f"/api/v1/ideas/{first}/decision",
        json={"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30", "reason": "Rapat"},
        headers=tokens(Role.COMMITTEE),
    )
    assert response.status_code == 200
    assert (response.json()["score"], response.json()["rank"]) == (80.0, 2)
    [event] = outbox(session)
    assert event.type == "idea.judged.v1"
    p = event.payload
    assert (p.idea_id, p.selected, p.score, p.rank) == (first, True, 80.0, 2)
    assert (p.implementing_agency_code, str(p.due_date), p.position_group) == ("DISDUKCAPIL", "2027-06-30", "pelaksana")
    assert (p.proposer.user_id, p.idea.title) == (proposer.user_id, "Antrean daring KTP-el")
    other = client.post(
        f"/api/v1/ideas/{other_group}/decision", json={"selected": False}, headers=tokens(Role.COMMITTEE)
    )
    assert (other.json()["selected"], other.json()["rank"], other.json()["implementing_agency_code"]) == (
        False,
        1,
        None,
    )


def test_decision_repeated_same_is_idempotent_different_conflicts(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    idea_id = eligible_idea(session)
    body = {"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30", "reason": "Rapat"}
    committee = tokens(Role.COMMITTEE)
    assert client.post(f"/api/v1/ideas/{idea_id}/decision", json=body, headers=committee).status_code == 200
    assert client.post(f"/api/v1/ideas/{idea_id}/decision", json=body, headers=committee).status_code == 200
    changed = client.post(f"/api/v1/ideas/{idea_id}/decision", json={"selected": False}, headers=committee)
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "already_decided"
    assert len(outbox(session)) == 1


def test_decision_selected_without_agency_rejected(client: TestClient, tokens: Any, session: Session) -> None:
    idea_id = eligible_idea(session)
    response = client.post(f"/api/v1/ideas/{idea_id}/decision", json={"selected": True}, headers=tokens(Role.COMMITTEE))
    assert response.status_code == 422
    unknown = client.post(
        f"/api/v1/ideas/{idea_id}/decision",
        json={"selected": True, "implementing_agency_code": "NOPE", "due_date": "2027-06-30"},
        headers=tokens(Role.COMMITTEE),
    )
    assert unknown.status_code == 422
    assert outbox(session) == []


def test_decision_judge_forbidden(client: TestClient, tokens: Any, session: Session) -> None:
    idea_id = eligible_idea(session)
    response = client.post(f"/api/v1/ideas/{idea_id}/decision", json={"selected": False}, headers=tokens(Role.JUDGE))
    assert response.status_code == 403
