"""Results through the API: calibration worked example, tie-break order, quotas, thresholds, rule locking."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.db import audit_log
from services.judging.tests.factories import EDITION, T0, eligible_idea, full_scores, rubric
from shared.auth import Role
from shared.events import PositionGroup

OVERALL = {"criteria": [{"key": "overall", "name": "Nilai", "weight": 100, "min_score": 0, "max_score": 100}]}


def save(client: TestClient, headers: dict[str, str], idea_id: uuid.UUID, body: dict[str, Any]) -> None:
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=headers).status_code == 200


def overall(value: int) -> dict[str, Any]:
    return {"scores": [{"criterion": "overall", "value": value}]}


def rules(client: TestClient, tokens: Any, **kw: Any) -> Any:
    return client.put(f"/api/v1/editions/{EDITION}/selection-rules", json=kw, headers=tokens(Role.COMMITTEE))


def results(client: TestClient, tokens: Any) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/editions/{EDITION}/results", headers=tokens(Role.COMMITTEE))
    assert r.status_code == 200, r.text
    return r.json()["ideas"]  # type: ignore[no-any-return]


@pytest.fixture
def worked_example(client: TestClient, tokens: Any, session: Session) -> list[uuid.UUID]:
    """Judge A harsh (40, 50, 60), judge B lenient (70, 80, 90), judge C scored idea 1 only (100)."""
    rubric(session, OVERALL)
    ideas = [eligible_idea(session, submitted_at=T0 + timedelta(minutes=i)) for i in range(3)]
    a, b, c = (tokens(Role.JUDGE, agency=x) for x in ("BAPPEDA", "DLH", "DISHUB"))
    for idea, va, vb in zip(ideas, (40, 50, 60), (70, 80, 90), strict=True):
        save(client, a, idea, overall(va))
        save(client, b, idea, overall(vb))
    save(client, c, ideas[0], overall(100))
    return ideas


def test_results_raw_and_calibrated_side_by_side_worked_example(
    client: TestClient, tokens: Any, worked_example: list[uuid.UUID]
) -> None:
    got = {r["idea_id"]: r for r in results(client, tokens)}
    one, two, three = (got[str(i)] for i in worked_example)
    assert (one["raw_score"], two["raw_score"], three["raw_score"]) == (70.0, 65.0, 75.0)
    # A and B standardised onto the round's mean 70 and sd 20; C (1 idea < min_sample 3) keeps 100.
    assert (one["calibrated_score"], two["calibrated_score"], three["calibrated_score"]) == (63.6701, 70.0, 94.4949)
    # Spread is over calibrated scores: 45.5051, 45.5051, 100 -> sd 25.6891, above 15: flagged.
    assert (one["judges"], one["spread_sd"], one["flagged"]) == (3, 25.6891, True)
    # A (harsh) and B (lenient) rank ideas 2 and 3 alike: calibrated, they agree exactly.
    assert (two["spread_sd"], two["flagged"], three["spread_sd"], three["flagged"]) == (0.0, False, 0.0, False)


def test_results_give_each_judges_distribution_before_and_after_calibration(
    client: TestClient, tokens: Any, worked_example: list[uuid.UUID]
) -> None:
    r = client.get(f"/api/v1/editions/{EDITION}/results", headers=tokens(Role.COMMITTEE))
    judges = r.json()["judges"]
    assert all(j["name"] for j in judges)
    got = sorted((j["ideas"], j["raw_mean"], j["raw_sd"], j["calibrated_mean"], j["calibrated_sd"]) for j in judges)
    # Harsh A (mean 50) and lenient B (mean 80) both land on the round's mean 70 once calibrated;
    # with the round's spread 20 (calibrated = 70 + 20 * z). C, one idea (under min_sample), keeps her 100.
    assert got == [(1, 100.0, 0.0, 100.0, 0.0), (3, 50.0, 8.165, 70.0, 20.0), (3, 80.0, 8.165, 70.0, 20.0)]


def test_results_rank_follows_declared_score_basis(
    client: TestClient, tokens: Any, worked_example: list[uuid.UUID]
) -> None:
    ranked = sorted(results(client, tokens), key=lambda r: r["rank"])
    assert [r["idea_id"] for r in ranked] == [str(worked_example[i]) for i in (2, 0, 1)]  # raw 75, 70, 65
    assert (
        rules(client, tokens, score_basis="calibrated", reason="kalibrasi disepakati rapat panitia").status_code == 200
    )
    ranked = sorted(results(client, tokens), key=lambda r: r["rank"])
    assert [r["idea_id"] for r in ranked] == [str(worked_example[i]) for i in (2, 1, 0)]  # 94.49, 70, 63.67


def test_tie_break_order_cost_saving_then_earlier_submission(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    x = eligible_idea(session, submitted_at=T0)
    y = eligible_idea(session, submitted_at=T0 + timedelta(hours=1))
    z = eligible_idea(session, submitted_at=T0 + timedelta(hours=2))
    assert (
        rules(client, tokens, tie_break=["calibrated_score", "criterion:cost_saving", "submitted_at"]).status_code
        == 200
    )
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    save(client, judge, z, full_scores(3, 5, 3))  # 15 + 30 + 20 = 65, cost 5, latest
    save(client, judge, x, full_scores(5, 3, 3))  # 30 + 15 + 20 = 65, cost 3, earliest
    save(client, judge, y, full_scores(3, 5, 3))  # 65, cost 5
    ranked = sorted(results(client, tokens), key=lambda r: r["rank"])
    assert [r["raw_score"] for r in ranked] == [65.0, 65.0, 65.0]
    assert [r["idea_id"] for r in ranked] == [str(y), str(z), str(x)]


def test_tie_break_earlier_submission_first_when_declared_alone(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    x = eligible_idea(session, submitted_at=T0)
    y = eligible_idea(session, submitted_at=T0 + timedelta(hours=1))
    assert rules(client, tokens, tie_break=["submitted_at"]).status_code == 200
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    save(client, judge, y, full_scores(3, 5, 3))
    save(client, judge, x, full_scores(5, 3, 3))
    ranked = sorted(results(client, tokens), key=lambda r: r["rank"])
    assert [r["idea_id"] for r in ranked] == [str(x), str(y)]


def test_quota_and_threshold_per_position_group(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session, OVERALL)
    staff = [eligible_idea(session, group=PositionGroup.PELAKSANA) for _ in range(3)]
    bosses = [eligible_idea(session, group=PositionGroup.PENGAWAS) for _ in range(2)]
    assert rules(client, tokens, quota_per_group={"pelaksana": 2, "pengawas": 1}, threshold=60).status_code == 200
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    for idea, value in zip([*staff, *bosses], (90, 70, 50, 80, 95), strict=True):
        save(client, judge, idea, overall(value))
    got = {r["idea_id"]: r for r in results(client, tokens)}
    assert [(got[str(i)]["rank"], got[str(i)]["proposed"]) for i in staff] == [(1, True), (2, True), (3, False)]
    assert [(got[str(i)]["rank"], got[str(i)]["proposed"]) for i in bosses] == [(2, False), (1, True)]
    rules(client, tokens, quota_per_group={"pelaksana": 2, "pengawas": 1}, threshold=75, reason="ambang dinaikkan")
    got = {r["idea_id"]: r for r in results(client, tokens)}
    assert [got[str(i)]["proposed"] for i in staff] == [True, False, False]


def test_rules_locked_once_scoring_began_unless_reason_logged(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    idea = eligible_idea(session)
    first = rules(client, tokens, quota_per_group={"pelaksana": 5})
    assert (first.status_code, first.json()["locked"], first.json()["declared"]) == (200, False, True)
    save(client, tokens(Role.JUDGE, agency="BAPPEDA"), idea, full_scores(3, 3, 3))
    refused = rules(client, tokens, quota_per_group={"pelaksana": 3})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "rules_locked")
    assert rules(client, tokens, quota_per_group={"pelaksana": 5}).status_code == 200  # unchanged: fine
    changed = rules(client, tokens, quota_per_group={"pelaksana": 3}, reason="anggaran hanya cukup untuk tiga")
    assert (changed.status_code, changed.json()["quota_per_group"], changed.json()["locked"]) == (
        200,
        {"pelaksana": 3},
        True,
    )
    entry = session.execute(select(audit_log).where(audit_log.c.action == "selection_rules_changed")).one()
    assert (entry.object_type, entry.object_id) == ("edition", EDITION)
    assert entry.details["reason"] == "anggaran hanya cukup untuk tiga"
    assert (entry.details["before"]["quota_per_group"], entry.details["after"]["quota_per_group"]) == (
        {"pelaksana": 5},
        {"pelaksana": 3},
    )


def test_rules_unknown_tie_break_rejected(client: TestClient, tokens: Any) -> None:
    assert rules(client, tokens, tie_break=["luck"]).status_code == 422


def test_criterion_agreement_reported(client: TestClient, tokens: Any, worked_example: list[uuid.UUID]) -> None:
    body = client.get(f"/api/v1/editions/{EDITION}/results", headers=tokens(Role.COMMITTEE)).json()
    # A and B rank ideas 1 < 2 < 3 the same way (C's single idea is another panel): W = 1
    assert body["criteria_agreement"] == [{"criterion": "overall", "agreement_w": 1.0}]
