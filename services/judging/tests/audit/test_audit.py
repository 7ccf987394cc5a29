"""The shared append-only audit log in judging: scores, submissions, decisions, rubric and panel changes
recorded with who, when and from where; admins list and export it; the committee reads its edition's part."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from services.judging.db import audit, audit_log
from services.judging.tests.factories import EDITION, eligible_idea, full_scores, person, rubric
from shared.auth import Role


def _entries(session: Session, action: str | None = None) -> list[dict[str, Any]]:
    session.rollback()  # a fresh snapshot: entries committed by the requests
    query = select(audit_log).order_by(audit_log.c.id)
    if action:
        query = query.where(audit_log.c.action == action)
    return [dict(r) for r in session.execute(query).mappings()]


@pytest.fixture
def idea_id(session: Session) -> uuid.UUID:
    rubric(session)
    return eligible_idea(session, proposer=person("DISDUKCAPIL"))


def _put(client: TestClient, idea_id: uuid.UUID, headers: dict[str, str], body: dict[str, Any], key: str) -> Any:
    return client.put(f"/api/v1/ideas/{idea_id}/scores", json=body, headers={**headers, "Idempotency-Key": key})


def test_score_save_recorded_once_with_who_and_from_where_not_on_replay(
    client: TestClient, tokens: Any, session: Session, idea_id: uuid.UUID
) -> None:
    judge_id = uuid.uuid4()
    judge = tokens(Role.JUDGE, agency="BAPPEDA", user_id=judge_id, name="Pak Juri") | {
        "User-Agent": "tablet-juri/2.0",
        "X-Correlation-ID": "corr-save-1",
    }
    first = _put(client, idea_id, judge, full_scores(5, 3, 1, "bagus"), "save-1")
    replay = _put(client, idea_id, judge, full_scores(5, 3, 1, "bagus"), "save-1")
    assert (first.status_code, replay.status_code) == (200, 200)
    [entry] = _entries(session, "scores_saved")
    assert (entry["actor_id"], entry["actor_role"], entry["actor_name"]) == (judge_id, "judge", "Pak Juri")
    assert (entry["object_type"], entry["object_id"]) == ("idea", str(idea_id))
    assert (entry["client_ip"], entry["user_agent"], entry["correlation_id"]) == (
        "testclient",
        "tablet-juri/2.0",
        "corr-save-1",
    )
    assert entry["details"] == {
        "edition_code": EDITION,
        "round": "audition",
        "score_set_id": first.json()["id"],
        "scores": {"speed_of_service": 5.0, "cost_saving": 3.0, "feasibility": 1.0},
        "commented": ["speed_of_service"],
        "idempotency_key": "save-1",
    }
    # A second save with a new key is a new saved set: a second entry.
    second = _put(client, idea_id, judge, {"scores": [{"criterion": "feasibility", "value": 2}]}, "save-2")
    assert second.status_code == 200
    assert [e["details"]["scores"] for e in _entries(session, "scores_saved")][1] == {"feasibility": 2.0}


def test_refused_save_leaves_no_entry(client: TestClient, tokens: Any, session: Session, idea_id: uuid.UUID) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    bad = _put(client, idea_id, judge, {"scores": [{"criterion": "feasibility", "value": 9}]}, "k")
    assert bad.status_code == 422
    conflicted = _put(client, idea_id, tokens(Role.JUDGE, agency="DISDUKCAPIL"), full_scores(3, 3, 3), "k")
    assert conflicted.status_code == 403
    assert [e["action"] for e in _entries(session)] == ["rubric_declared", "judge_excluded_conflict"]


def test_submit_recorded_once(client: TestClient, tokens: Any, session: Session, idea_id: uuid.UUID) -> None:
    judge_id = uuid.uuid4()
    judge = tokens(Role.JUDGE, agency="BAPPEDA", user_id=judge_id)
    assert _put(client, idea_id, judge, full_scores(5, 5, 5), "k").status_code == 200
    for _ in range(2):  # the repeat is harmless and records nothing more
        assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200
    [entry] = _entries(session, "scores_submitted")
    assert (entry["actor_id"], entry["object_id"]) == (judge_id, str(idea_id))
    assert (entry["details"]["weighted_score"], entry["details"]["scores"]) == (
        100.0,
        {"speed_of_service": 5.0, "cost_saving": 5.0, "feasibility": 5.0},
    )


def test_decision_recorded_with_selection_score_rank_and_agency(
    client: TestClient, tokens: Any, session: Session, idea_id: uuid.UUID
) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    assert _put(client, idea_id, judge, full_scores(5, 3, 1), "k").status_code == 200
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200
    committee_id = uuid.uuid4()
    committee = tokens(Role.COMMITTEE, user_id=committee_id, name="Bu Panitia")
    # No quota or threshold declared: nothing is proposed, so selecting is an exception with a reason.
    body = {"selected": True, "implementing_agency_code": "DISDUKCAPIL", "due_date": "2027-06-30", "reason": "Rapat"}
    for _ in range(2):  # repeating the same decision is harmless: one entry
        assert client.post(f"/api/v1/ideas/{idea_id}/decision", headers=committee, json=body).status_code == 200
    [entry] = _entries(session, "decision_published")
    assert (entry["actor_id"], entry["actor_role"], entry["actor_name"]) == (committee_id, "committee", "Bu Panitia")
    assert (entry["object_type"], entry["object_id"]) == ("idea", str(idea_id))
    details = entry["details"]
    assert {k: details[k] for k in ("selected", "score", "rank", "agency", "due_date", "position_group")} == {
        "selected": True,
        "score": 45.0,
        "rank": 1,
        "agency": "DISDUKCAPIL",
        "due_date": "2027-06-30",
        "position_group": "pelaksana",
    }
    assert uuid.UUID(details["event_id"])


def test_rubric_change_and_panel_change_recorded_with_before_and_after(
    client: TestClient, tokens: Any, session: Session
) -> None:
    committee = tokens(Role.COMMITTEE)
    criteria = [
        {"key": "speed", "name": "Kecepatan", "description": "", "weight": 60, "min_score": 1, "max_score": 5},
        {"key": "cost", "name": "Biaya", "description": "", "weight": 40, "min_score": 1, "max_score": 5},
    ]
    assert client.put(f"/api/v1/editions/{EDITION}/rubric", headers=committee, json={"criteria": criteria}).is_success
    criteria[0]["weight"], criteria[1]["weight"] = 50, 50
    assert client.put(f"/api/v1/editions/{EDITION}/rubric", headers=committee, json={"criteria": criteria}).is_success
    declared, changed = _entries(session)
    assert (declared["action"], changed["action"]) == ("rubric_declared", "rubric_changed")
    assert [c["weight"] for c in changed["details"]["before"]] == [60, 40]
    assert [c["weight"] for c in changed["details"]["after"]] == [50, 50]

    judges = [
        {"user_id": str(uuid.uuid4()), "name": f"Juri {i}", "email": f"juri{i}@example.go.id", "agency_code": "DINSOS"}
        for i in range(2)
    ]
    path = f"/api/v1/editions/{EDITION}/rounds/screening/panel"
    assert client.put(path, headers=committee, json={"judges": judges}).status_code == 200
    assert client.put(path, headers=committee, json={"judges": judges[:1]}).status_code == 200
    panels = _entries(session, "panel_set")
    assert panels[-1]["details"]["before"] == sorted(j["user_id"] for j in judges)
    assert panels[-1]["details"]["judges"] == [judges[0]["user_id"]]


def test_update_delete_and_truncate_refused_by_the_database(judging_runtime: Any) -> None:
    with judging_runtime.session_factory() as session:
        audit.record(session, actor=None, action="test.entry", object_type="test")
        session.commit()
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only") as refused, judging_runtime.engine.begin() as conn:
            conn.execute(text(statement))
        assert refused.value.orig is not None
        assert refused.value.orig.sqlstate == "42501"  # type: ignore[attr-defined]
    with judging_runtime.engine.connect() as conn:
        assert conn.execute(select(audit_log.c.action)).scalars().all() == ["test.entry"]


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.JUDGE, Role.COMMITTEE, Role.AGENCY])
def test_non_admins_refused(client: TestClient, tokens: Any, role: Role) -> None:
    for path in ("/api/v1/audit", "/api/v1/audit/export"):
        response = client.get(path, headers=tokens(role, agency="DINKES"))
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert client.get("/api/v1/audit").status_code == 401


def test_admin_lists_and_exports_csv(client: TestClient, tokens: Any, session: Session, idea_id: uuid.UUID) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA", name="Pak Juri")
    assert _put(client, idea_id, judge, full_scores(4, 4, 4), "k").status_code == 200
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200
    admin = tokens(Role.ADMIN)
    page = client.get("/api/v1/audit", headers=admin, params={"object_type": "idea", "object_id": str(idea_id)})
    assert page.status_code == 200
    assert [e["action"] for e in page.json()["items"]] == ["scores_submitted", "scores_saved"]  # newest first
    response = client.get("/api/v1/audit/export", headers=admin, params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["action"], r["object_id"], r["actor_name"]) for r in rows] == [
        ("rubric_declared", rows[0]["object_id"], "Panitia Uji"),
        ("scores_saved", str(idea_id), "Pak Juri"),
        ("scores_submitted", str(idea_id), "Pak Juri"),
    ]
    assert rows[1]["client_ip"] == "testclient"
    assert '"edition_code": "ATA-2026"' in rows[1]["details"]


def test_committee_reads_only_its_editions_entries(
    client: TestClient, tokens: Any, session: Session, idea_id: uuid.UUID
) -> None:
    audit.record(session, actor=None, action="slot_moved", object_type="slot", details={"edition_code": "X"})
    session.commit()
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    assert _put(client, idea_id, judge, full_scores(4, 4, 4), "k").status_code == 200
    listed = client.get(f"/api/v1/editions/{EDITION}/audit", headers=tokens(Role.COMMITTEE))
    assert listed.status_code == 200
    assert [(e["action"], e["object_type"]) for e in listed.json()] == [
        ("rubric_declared", "round"),
        ("scores_saved", "idea"),
    ]
    assert "client_ip" not in listed.json()[0]
    assert "edition_code" not in listed.json()[1]["details"]
