"""Rubrics: weights sum to 100, uncounted criteria, locking once scoring began."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.judging.tests.factories import RUBRIC, eligible_idea, full_scores
from shared.auth import Role


def test_put_rubric_committee_returns_criteria(client: TestClient, tokens: Any) -> None:
    response = client.put("/api/v1/editions/ATA-2026/rubric", json=RUBRIC, headers=tokens(Role.COMMITTEE))
    assert response.status_code == 200
    body = response.json()
    assert body["round"] == "audition"
    assert [(c["key"], c["weight"], c["counted"]) for c in body["criteria"]] == [
        ("speed_of_service", 30, True),
        ("cost_saving", 30, True),
        ("feasibility", 40, True),
    ]


def test_put_rubric_weights_not_100_rejected_in_the_callers_language(client: TestClient, tokens: Any) -> None:
    bad = copy.deepcopy(RUBRIC)
    bad["criteria"][0]["weight"] = 25
    response = client.put("/api/v1/editions/ATA-2026/rubric", json=bad, headers=tokens(Role.COMMITTEE))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"] == [
        {
            "field": "",
            "type": "value_error",
            "message": "Jumlah bobot kriteria yang dihitung harus tepat 100; sekarang 95",
        }
    ]
    english = client.put(
        "/api/v1/editions/ATA-2026/rubric", json=bad, headers={**tokens(Role.COMMITTEE), "Accept-Language": "en"}
    )
    assert english.json()["error"]["details"][0]["message"] == "weights of counted criteria must sum to 100 (got 95)"


def test_put_rubric_uncounted_criterion_needs_zero_weight(client: TestClient, tokens: Any) -> None:
    body = copy.deepcopy(RUBRIC)
    body["criteria"].append({"key": "presentation", "name": "Presentasi", "weight": 5, "counted": False})
    assert client.put("/api/v1/editions/ATA-2026/rubric", json=body, headers=tokens(Role.COMMITTEE)).status_code == 422
    body["criteria"][-1]["weight"] = 0
    response = client.put("/api/v1/editions/ATA-2026/rubric", json=body, headers=tokens(Role.COMMITTEE))
    assert response.status_code == 200
    assert response.json()["criteria"][-1]["counted"] is False


def test_put_rubric_judge_forbidden(client: TestClient, tokens: Any) -> None:
    response = client.put("/api/v1/editions/ATA-2026/rubric", json=RUBRIC, headers=tokens(Role.JUDGE))
    assert response.status_code == 403


def test_put_rubric_locked_after_scoring_began(client: TestClient, tokens: Any, session: Session) -> None:
    committee = tokens(Role.COMMITTEE)
    assert client.put("/api/v1/editions/ATA-2026/rubric", json=RUBRIC, headers=committee).status_code == 200
    assert client.get("/api/v1/editions/ATA-2026/rubric", headers=committee).json()["scoring_started"] is False
    idea_id = eligible_idea(session)
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    saved = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**judge, "Idempotency-Key": "k1"}
    )
    assert saved.status_code == 200
    changed = copy.deepcopy(RUBRIC)
    changed["criteria"][0]["weight"], changed["criteria"][2]["weight"] = 40, 30
    response = client.put("/api/v1/editions/ATA-2026/rubric", json=changed, headers=committee)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "rubric_locked"
    # the committee's page shows it read-only before anyone tries: the rubric says scoring started
    assert client.get("/api/v1/editions/ATA-2026/rubric", headers=committee).json()["scoring_started"] is True
    # the same rubric again is a harmless no-op
    assert client.put("/api/v1/editions/ATA-2026/rubric", json=RUBRIC, headers=committee).status_code == 200


def test_rounds_have_their_own_rubrics(client: TestClient, tokens: Any) -> None:
    committee = tokens(Role.COMMITTEE)
    screening = {"criteria": [{"key": "problem_understanding", "name": "Pemahaman masalah", "weight": 100}]}
    assert (
        client.put("/api/v1/editions/ATA-2026/rounds/screening/rubric", json=screening, headers=committee).status_code
        == 200
    )
    assert client.put("/api/v1/editions/ATA-2026/rubric", json=RUBRIC, headers=committee).status_code == 200
    got = client.get("/api/v1/editions/ATA-2026/rounds/screening/rubric", headers=committee).json()
    assert [c["key"] for c in got["criteria"]] == ["problem_understanding"]
    got = client.get("/api/v1/editions/ATA-2026/rubric", headers=tokens(Role.JUDGE)).json()
    assert [c["key"] for c in got["criteria"]] == ["speed_of_service", "cost_saving", "feasibility"]


def test_seed_creates_ata_2026_rubric_idempotently(judging_runtime: Any) -> None:
    from services.judging.rubric.models import RoundKind
    from services.judging.rubric.service import get_rubric
    from services.judging.seed import seed

    seed()
    seed()
    with judging_runtime.session_factory() as s:
        audition = get_rubric(s, edition_code="ATA-2026", kind=RoundKind.AUDITION)
        screening = get_rubric(s, edition_code="ATA-2026", kind=RoundKind.SCREENING)
    keys = [c.key for c in audition.criteria]
    assert keys == [
        "speed_of_service",
        "cost_saving",
        "practicality",
        "innovation",
        "feasibility",
        "collaboration",
        "presentation",
    ]
    assert sum(c.weight for c in audition.criteria if c.counted) == 100
    assert all(len(c.levels) == c.max_score - c.min_score + 1 for c in audition.criteria)
    assert sum(c.weight for c in screening.criteria) == 100
    assert uuid.UUID(str(audition.round_id))
