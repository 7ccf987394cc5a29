"""Proposed selection -> adjustments with reasons -> publication; participants' feedback afterwards."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from services.judging.db import audit_log, messaging
from services.judging.decisions import service as decisions_service
from services.judging.decisions.models import Decision
from services.judging.results.service import compute_results
from services.judging.tests.factories import EDITION, eligible_idea, full_scores, person, rubric
from shared.auth import Role
from shared.events import parse_event


def save(client: TestClient, headers: dict[str, str], idea_id: uuid.UUID, body: dict[str, Any]) -> None:
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=headers).status_code == 200


def test_adjust_then_publish_emits_one_judged_event_per_idea(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    best, second, third = (eligible_idea(session, target_agency=a) for a in ("DINKES", "DISHUB", "DLH"))
    committee = tokens(Role.COMMITTEE)
    client.put(
        f"/api/v1/editions/{EDITION}/selection-rules", json={"quota_per_group": {"pelaksana": 1}}, headers=committee
    )
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    save(client, judge, best, full_scores(5, 5, 5))
    save(client, judge, second, full_scores(4, 4, 4))
    save(client, judge, third, full_scores(3, 3, 3))
    adjusted = client.post(
        f"/api/v1/editions/{EDITION}/selection/adjustments",
        json={"idea_id": str(second), "selected": True, "implementing_agency_code": "DPUPR", "reason": "mitra siap"},
        headers=committee,
    )
    assert adjusted.status_code == 200
    assert (adjusted.json()["proposed"], adjusted.json()["selected"], adjusted.json()["adjustment_reason"]) == (
        False,
        True,
        "mitra siap",
    )
    published = client.post(
        f"/api/v1/editions/{EDITION}/selection/publish", json={"due_date": "2027-06-30"}, headers=committee
    )
    assert published.status_code == 200
    assert (published.json()["published"], published.json()["selected"]) == (3, 2)
    events: list[Any] = [parse_event(b) for b in session.scalars(select(messaging.outbox_event.c.body))]
    by_idea = {e.payload.idea_id: e.payload for e in events if e.type == "idea.judged.v1"}
    assert (by_idea[best].selected, by_idea[best].implementing_agency_code, by_idea[best].rank) == (True, "DINKES", 1)
    assert (by_idea[second].selected, by_idea[second].implementing_agency_code, by_idea[second].rank) == (
        True,
        "DPUPR",
        2,
    )
    assert (by_idea[third].selected, by_idea[third].implementing_agency_code, by_idea[third].due_date) == (
        False,
        None,
        None,
    )
    again = client.post(
        f"/api/v1/editions/{EDITION}/selection/publish", json={"due_date": "2027-06-30"}, headers=committee
    )
    assert again.json()["published"] == 0
    late = client.post(
        f"/api/v1/editions/{EDITION}/selection/adjustments",
        json={"idea_id": str(third), "selected": True, "reason": "terlambat"},
        headers=committee,
    )
    assert late.status_code == 409
    logged = session.scalars(select(audit_log.c.action).where(audit_log.c.action == "selection_adjusted")).all()
    assert logged == ["selection_adjusted"]


def test_adjustment_requires_reason(client: TestClient, tokens: Any, session: Session) -> None:
    idea = eligible_idea(session)
    r = client.post(
        f"/api/v1/editions/{EDITION}/selection/adjustments",
        json={"idea_id": str(idea), "selected": True},
        headers=tokens(Role.COMMITTEE),
    )
    assert r.status_code == 422


def test_feedback_for_team_after_publication_without_judge_names(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    proposer = person("DINSOS")
    idea = eligible_idea(session, proposer=proposer)
    me = tokens(Role.PARTICIPANT, user_id=proposer.user_id)
    assert client.get(f"/api/v1/ideas/{idea}/feedback", headers=me).status_code == 404  # not yet published
    save(client, tokens(Role.JUDGE, agency="BAPPEDA", name="Juri Rahasia"), idea, full_scores(5, 3, 1, "Cepat sekali"))
    save(client, tokens(Role.JUDGE, agency="DLH", name="Juri Kedua"), idea, full_scores(4, 3, 2, "Perlu data"))
    client.post(f"/api/v1/ideas/{idea}/decision", json={"selected": False}, headers=tokens(Role.COMMITTEE))
    r = client.get(f"/api/v1/ideas/{idea}/feedback", headers=me)
    assert r.status_code == 200
    body = r.json()
    assert [(c["key"], c["mean"], c["comments"]) for c in body["criteria"]] == [
        ("speed_of_service", 4.5, ["Cepat sekali", "Perlu data"]),
        ("cost_saving", 3.0, []),
        ("feasibility", 1.5, []),
    ]
    assert "Juri" not in r.text
    assert client.get(f"/api/v1/ideas/{idea}/feedback", headers=tokens(Role.PARTICIPANT)).status_code == 404


SELECT = {"selected": True, "implementing_agency_code": "DPUPR", "due_date": "2027-06-30"}


def _quota_of_one(client: TestClient, tokens: Any, session: Session) -> tuple[uuid.UUID, uuid.UUID]:
    """Two scored ideas of one group under a quota of one: the first is proposed, the second is not."""
    rubric(session)
    best, second = eligible_idea(session, title="Antrean KTP"), eligible_idea(session, title="Posyandu digital")
    rules = {"quota_per_group": {"pelaksana": 1}}
    client.put(f"/api/v1/editions/{EDITION}/selection-rules", json=rules, headers=tokens(Role.COMMITTEE))
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    save(client, judge, best, full_scores(5, 5, 5))
    save(client, judge, second, full_scores(4, 4, 4))
    return best, second


def _judged_events(session: Session) -> list[Any]:
    events = [parse_event(b) for b in session.scalars(select(messaging.outbox_event.c.body))]
    return [e for e in events if e.type == "idea.judged.v1"]


def test_decision_outside_quota_without_reason_refused(client: TestClient, tokens: Any, session: Session) -> None:
    best, second = _quota_of_one(client, tokens, session)
    committee = tokens(Role.COMMITTEE)
    for body in (SELECT, {**SELECT, "reason": "   "}):
        r = client.post(f"/api/v1/ideas/{second}/decision", json=body, headers=committee)
        assert r.status_code == 422
        assert r.json()["error"]["code"] == "decision_reason_required"
        assert r.json()["error"]["details"] == {"proposed": False, "selected": True, "rank": 2}
    passed_over = client.post(f"/api/v1/ideas/{best}/decision", json={"selected": False}, headers=committee)
    assert passed_over.json()["error"]["code"] == "decision_reason_required"
    assert _judged_events(session) == []
    assert session.scalar(select(func.count()).select_from(Decision)) == 0


def test_decision_following_the_proposal_needs_no_reason(client: TestClient, tokens: Any, session: Session) -> None:
    best, second = _quota_of_one(client, tokens, session)
    committee = tokens(Role.COMMITTEE)
    assert client.post(f"/api/v1/ideas/{best}/decision", json=SELECT, headers=committee).status_code == 200
    passed_over = client.post(f"/api/v1/ideas/{second}/decision", json={"selected": False}, headers=committee)
    assert passed_over.status_code == 200
    results = client.get(f"/api/v1/editions/{EDITION}/results", headers=committee).json()["ideas"]
    assert [(r["title"], r["exception"]) for r in results] == [("Antrean KTP", False), ("Posyandu digital", False)]


def test_decision_outside_quota_with_reason_shows_as_exception_in_recap(
    client: TestClient, tokens: Any, session: Session
) -> None:
    _, second = _quota_of_one(client, tokens, session)
    committee = tokens(Role.COMMITTEE)
    body = {**SELECT, "reason": "Arahan Bupati: prioritas kesehatan"}
    assert client.post(f"/api/v1/ideas/{second}/decision", json=body, headers=committee).status_code == 200
    [event] = _judged_events(session)
    assert (event.payload.idea_id, event.payload.selected) == (second, True)
    [details] = session.scalars(select(audit_log.c.details).where(audit_log.c.action == "decision_published")).all()
    assert details["reason"] == "Arahan Bupati: prioritas kesehatan"
    results = client.get(f"/api/v1/editions/{EDITION}/results", headers=committee).json()["ideas"]
    assert [(r["title"], r["proposed"], r["exception"]) for r in results] == [
        ("Antrean KTP", True, False),
        ("Posyandu digital", False, True),
    ]
    recap = client.get(f"/api/v1/editions/{EDITION}/exports/recap.csv", headers=committee)
    rows = list(csv.DictReader(io.StringIO(recap.content.decode("utf-8-sig"))))
    assert [(r["Judul gagasan"], r["Terpilih"], r["Pengecualian aturan"], r["Alasan pengecualian"]) for r in rows] == [
        ("Antrean KTP", "ya", "", ""),
        ("Posyandu digital", "ya", "ya", "Arahan Bupati: prioritas kesehatan"),
    ]


def test_decision_outside_quota_takes_the_reason_of_the_adjustment(
    client: TestClient, tokens: Any, session: Session
) -> None:
    _, second = _quota_of_one(client, tokens, session)
    committee = tokens(Role.COMMITTEE)
    adjustment = {"idea_id": str(second), "selected": True, "reason": "Mitra sudah siap"}
    adjusted = client.post(f"/api/v1/editions/{EDITION}/selection/adjustments", json=adjustment, headers=committee)
    assert adjusted.status_code == 200
    assert client.post(f"/api/v1/ideas/{second}/decision", json=SELECT, headers=committee).status_code == 200
    assert session.scalars(select(Decision.reason)).all() == ["Mitra sudah siap"]


def three_scored_ideas(client: TestClient, tokens: Any, session: Session) -> None:
    """Three eligible ideas of three agencies, scored and submitted by one judge, best first."""
    rubric(session)
    ideas = [eligible_idea(session, target_agency=a) for a in ("DINKES", "DISHUB", "DLH")]
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    for n, idea in enumerate(ideas):
        save(client, judge, idea, full_scores(5 - n, 5 - n, 5 - n))


def test_publish_computes_the_results_once_for_all_its_decisions(
    client: TestClient, tokens: Any, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_scored_ideas(client, tokens, session)
    calls: list[str] = []

    def counted(session: Session, **kwargs: Any) -> Any:
        calls.append(kwargs["edition_code"])
        return compute_results(session, **kwargs)

    # The whole edition's ranking is the expensive part (seconds for 10,000 ideas): once per publish, not per idea.
    monkeypatch.setattr(decisions_service, "compute_results", counted)
    published = client.post(
        f"/api/v1/editions/{EDITION}/selection/publish", json={"due_date": "2027-06-30"}, headers=tokens(Role.COMMITTEE)
    )
    assert published.status_code == 200
    assert (published.json()["published"], calls) == (3, [EDITION])


def test_publish_reads_no_decision_back_after_writing_it(client: TestClient, tokens: Any, session: Session) -> None:
    three_scored_ideas(client, tokens, session)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        published = client.post(
            f"/api/v1/editions/{EDITION}/selection/publish",
            json={"due_date": "2027-06-30"},
            headers=tokens(Role.COMMITTEE),
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert published.status_code == 200
    assert len(published.json()["decisions"]) == 3
    reads = [s.split("WHERE")[-1].strip() for s in statements if s.startswith("SELECT") and "FROM decision" in s]
    # The results read the edition's decisions once; each new one comes back from its INSERT ... RETURNING,
    # not from a SELECT per idea.
    assert reads == ["decision.edition_code = %(edition_code_1)s::VARCHAR"]
