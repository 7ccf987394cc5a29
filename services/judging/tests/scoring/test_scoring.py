"""Scoring rules: idempotent autosave, locking, conflicts, recusal, hidden scores, reopening."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.judging.conflicts.models import Exclusion
from services.judging.db import audit_log
from services.judging.ideas import service as ideas
from services.judging.scoring.models import Score
from services.judging.tests.factories import EDITION, T0, eligible_idea, full_scores, person, rubric, submitted
from shared.auth import Role
from shared.events import IdeaWithdrawnPayload


@pytest.fixture
def idea_id(session: Session) -> uuid.UUID:
    rubric(session)
    return eligible_idea(session, proposer=person("DISDUKCAPIL"), co_proposers=[person("KEC-PANGGUL")])


def put(client: TestClient, idea_id: uuid.UUID, headers: dict[str, str], body: dict[str, Any], key: str) -> Any:
    return client.put(f"/api/v1/ideas/{idea_id}/scores", json=body, headers={**headers, "Idempotency-Key": key})


def test_save_scores_judge_returns_weighted_score(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    response = put(client, idea_id, tokens(Role.JUDGE, agency="BAPPEDA"), full_scores(5, 3, 1, "bagus"), "k1")
    assert response.status_code == 200
    body = response.json()
    # 30*(4/4) + 30*(2/4) + 40*(0/4) = 45
    assert (body["status"], body["complete"], body["weighted_score"]) == ("draft", True, 45.0)
    assert body["scores"][0] == {"criterion": "speed_of_service", "value": 5.0, "comment": "bagus"}


def test_save_scores_retry_same_key_replays_without_overwriting_newer(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session
) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    first = put(client, idea_id, judge, {"scores": [{"criterion": "cost_saving", "value": 2}]}, "save-1")
    newer = put(client, idea_id, judge, {"scores": [{"criterion": "cost_saving", "value": 4}]}, "save-2")
    retry = put(client, idea_id, judge, {"scores": [{"criterion": "cost_saving", "value": 2}]}, "save-1")
    assert (first.status_code, newer.status_code, retry.status_code) == (200, 200, 200)
    assert retry.json() == first.json()
    assert session.scalars(select(Score.value)).all() == [4.0]


def test_save_scores_key_reused_for_other_body_rejected(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    assert put(client, idea_id, judge, full_scores(3, 3, 3), "k").status_code == 200
    response = put(client, idea_id, judge, full_scores(4, 3, 3), "k")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_save_scores_without_key_rejected(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    response = client.put(f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers=tokens(Role.JUDGE))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_save_scores_out_of_range_rejected_nothing_written(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session
) -> None:
    response = put(client, idea_id, tokens(Role.JUDGE, agency="BAPPEDA"), full_scores(6, 3, 3), "k")
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"criterion": "speed_of_service", "error": "must be within 1..5"}]
    assert session.scalar(select(func.count()).select_from(Score)) == 0


def test_save_scores_unknown_idea_404(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    assert put(client, uuid.uuid4(), tokens(Role.JUDGE), full_scores(3, 3, 3), "k").status_code == 404


def test_save_scores_participant_forbidden(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    assert put(client, idea_id, tokens(Role.PARTICIPANT), full_scores(3, 3, 3), "k").status_code == 403


@pytest.mark.parametrize(("agency", "reason"), [("DISDUKCAPIL", "same_agency"), ("KEC-PANGGUL", "same_agency")])
def test_save_scores_conflicted_judge_forbidden_and_logged(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session, agency: str, reason: str
) -> None:
    judge_id = uuid.uuid4()
    response = put(client, idea_id, tokens(Role.JUDGE, agency=agency, user_id=judge_id), full_scores(3, 3, 3), "k")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "conflict_of_interest"
    assert response.json()["error"]["details"] == {"reason": reason}
    exclusion = session.execute(select(Exclusion)).scalar_one()
    assert (exclusion.judge_id, exclusion.kind, exclusion.reason) == (judge_id, "conflict", reason)
    assert session.scalars(select(audit_log.c.action)).all().count("judge_excluded_conflict") == 1
    # a second attempt is refused again but logged only once
    assert (
        put(
            client, idea_id, tokens(Role.JUDGE, agency=agency, user_id=judge_id), full_scores(3, 3, 3), "k2"
        ).status_code
        == 403
    )
    assert session.scalar(select(func.count()).select_from(Exclusion)) == 1


def test_save_scores_judge_on_team_forbidden(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    teammate = person("BAPPEDA")
    idea_id = eligible_idea(session, proposer=person("DINSOS"), co_proposers=[teammate])
    response = put(
        client, idea_id, tokens(Role.JUDGE, agency="DISHUB", user_id=teammate.user_id), full_scores(3, 3, 3), "k"
    )
    assert response.status_code == 403
    assert response.json()["error"]["details"] == {"reason": "on_team"}


def test_save_scores_not_eligible_idea_conflict(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    event = submitted()
    ideas.apply_submitted(session, event.payload)
    session.commit()
    response = put(client, event.payload.idea_id, tokens(Role.JUDGE, agency="BAPPEDA"), full_scores(3, 3, 3), "k")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idea_not_judgeable"


def test_save_scores_withdrawn_idea_conflict(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session
) -> None:
    ideas.apply_withdrawn(
        session, IdeaWithdrawnPayload(idea_id=idea_id, edition_code=EDITION, reason="mundur", withdrawn_at=T0)
    )
    session.commit()
    response = put(client, idea_id, tokens(Role.JUDGE, agency="BAPPEDA"), full_scores(3, 3, 3), "k")
    assert response.status_code == 409


def test_autosave_partial_then_submit_incomplete_rejected(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    partial = put(client, idea_id, judge, {"scores": [{"criterion": "cost_saving", "value": 4}]}, "k1")
    assert partial.json()["missing"] == ["speed_of_service", "feasibility"]
    assert partial.json()["weighted_score"] is None
    response = client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"missing": ["speed_of_service", "feasibility"]}
    rest = {"scores": [{"criterion": "speed_of_service", "value": 5}, {"criterion": "feasibility", "value": 3}]}
    assert put(client, idea_id, judge, rest, "k2").json()["weighted_score"] == 72.5
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge).json()["status"] == "submitted"


def test_submit_locks_set_then_committee_reopens_with_logged_reason(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session
) -> None:
    judge_id = uuid.uuid4()
    judge = tokens(Role.JUDGE, agency="BAPPEDA", user_id=judge_id)
    put(client, idea_id, judge, full_scores(3, 3, 3), "k1")
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200
    assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge).status_code == 200  # harmless retry
    locked = put(client, idea_id, judge, full_scores(4, 3, 3), "k2")
    assert locked.status_code == 409
    assert locked.json()["error"]["code"] == "score_set_locked"
    reopened = client.post(
        f"/api/v1/ideas/{idea_id}/scores/{judge_id}/reopen",
        json={"reason": "juri salah memasukkan nilai"},
        headers=tokens(Role.COMMITTEE),
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "draft"
    assert put(client, idea_id, judge, full_scores(4, 3, 3), "k3").status_code == 200
    entry = session.execute(select(audit_log).where(audit_log.c.action == "score_set_reopened")).one()
    assert (entry.object_id, entry.details["reason"], entry.details["judge_id"]) == (
        str(idea_id),
        "juri salah memasukkan nilai",
        str(judge_id),
    )


def test_reopen_requires_reason(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    response = client.post(
        f"/api/v1/ideas/{idea_id}/scores/{uuid.uuid4()}/reopen", json={}, headers=tokens(Role.COMMITTEE)
    )
    assert response.status_code == 422


def test_recusal_excludes_judge_and_is_logged(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session
) -> None:
    judge = tokens(Role.JUDGE, agency="BAPPEDA", name="Bu Ratna")
    put(client, idea_id, judge, full_scores(3, 3, 3), "k1")
    response = client.post(f"/api/v1/ideas/{idea_id}/recusal", json={"reason": "kerabat pengusul"}, headers=judge)
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["reason"]) == ("recusal", "kerabat pengusul")
    again = put(client, idea_id, judge, full_scores(3, 3, 3), "k2")
    assert again.status_code == 403
    assert again.json()["error"]["code"] == "judge_excluded"
    assert session.scalar(select(func.count()).select_from(Score)) == 0  # the draft went with the recusal
    listed = client.get(f"/api/v1/editions/{EDITION}/exclusions", headers=tokens(Role.COMMITTEE)).json()
    assert [(e["kind"], e["judge_name"]) for e in listed] == [("recusal", "Bu Ratna")]


def test_others_scores_hidden_until_all_judges_submitted(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    a = tokens(Role.JUDGE, agency="BAPPEDA")
    b = tokens(Role.JUDGE, agency="DISHUB")
    put(client, idea_id, a, full_scores(3, 3, 3), "a1")
    put(client, idea_id, b, full_scores(5, 5, 5), "b1")
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=a)
    seen = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=a).json()
    assert (seen["revealed"], seen["mine"]["weighted_score"], seen["others"]) == (False, 50.0, [])
    committee_view = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=tokens(Role.COMMITTEE)).json()
    assert len(committee_view["others"]) == 2
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=b)
    seen = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=a).json()
    assert seen["revealed"] is True
    assert [o["weighted_score"] for o in seen["others"]] == [100.0]


def test_judge_who_has_not_started_sees_no_others_scores_without_panels(
    client: TestClient, tokens: Any, idea_id: uuid.UUID
) -> None:
    a = tokens(Role.JUDGE, agency="BAPPEDA")
    b = tokens(Role.JUDGE, agency="DISHUB")
    late = tokens(Role.JUDGE, agency="DLH")
    for key, headers in (("a1", a), ("b1", b)):
        put(client, idea_id, headers, full_scores(4, 4, 4), key)
        assert client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=headers).status_code == 200
    # Every judge may score every idea of a round without panels, so every judge is assigned to it.
    seen = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=late).json()
    assert (seen["revealed"], seen["mine"], seen["others"]) == (False, None, [])
    put(client, idea_id, late, full_scores(2, 2, 2), "late1")
    assert client.get(f"/api/v1/ideas/{idea_id}/scores", headers=late).json()["others"] == []
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=late)
    seen = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=late).json()
    assert (seen["revealed"], sorted(o["weighted_score"] for o in seen["others"])) == (True, [75.0, 75.0])


def test_judge_of_the_round_holds_back_the_reveal_until_scoring_this_idea(
    client: TestClient, tokens: Any, idea_id: uuid.UUID, session: Session
) -> None:
    a = tokens(Role.JUDGE, agency="BAPPEDA")
    b = tokens(Role.JUDGE, agency="DISHUB")
    put(client, idea_id, a, full_scores(4, 4, 4), "a1")
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=a)
    put(client, eligible_idea(session, proposer=person("DINSOS")), b, full_scores(3, 3, 3), "b-other")
    assert client.get(f"/api/v1/ideas/{idea_id}/scores", headers=a).json()["revealed"] is False
    put(client, idea_id, b, full_scores(5, 5, 5), "b1")
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=b)
    seen = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=a).json()
    assert (seen["revealed"], [o["weighted_score"] for o in seen["others"]]) == (True, [100.0])


def test_get_idea_before_event_404_then_200(client: TestClient, tokens: Any, session: Session) -> None:
    unknown = uuid.uuid4()
    assert client.get(f"/api/v1/ideas/{unknown}", headers=tokens(Role.JUDGE)).status_code == 404
    idea_id = eligible_idea(session, proposer=person("DINKES"))
    body = client.get(f"/api/v1/ideas/{idea_id}", headers=tokens(Role.JUDGE, agency="DINKES")).json()
    assert (body["id"], body["eligible"], body["conflict"]) == (str(idea_id), True, "same_agency")


def test_save_scores_concurrent_copies_of_one_request_apply_once(
    judging_runtime: Any, idea_id: uuid.UUID, session: Session
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from services.judging.scoring.models import ScoreRequest
    from services.judging.scoring.schemas import ScoresIn
    from services.judging.scoring.service import save_scores
    from services.judging.tests.conftest import declare_judge
    from shared.auth import Principal

    judge = Principal(user_id=uuid.uuid4(), role=Role.JUDGE, agency_code="BAPPEDA", name="Juri", email=None)
    declare_judge(judging_runtime, Role.JUDGE, judge.user_id, {})
    body = ScoresIn.model_validate(full_scores(4, 4, 4))

    def attempt(_: int) -> Any:
        with judging_runtime.session_factory() as s:
            return save_scores(s, idea_id=idea_id, principal=judge, body=body, idempotency_key="same")

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(attempt, range(6)))
    assert len({a.model_dump_json() for a in answers}) == 1
    assert session.scalar(select(func.count()).select_from(ScoreRequest)) == 1
    assert sorted(session.scalars(select(Score.value))) == [4.0, 4.0, 4.0]


def test_audit_log_lists_exclusions_for_committee(client: TestClient, tokens: Any, idea_id: uuid.UUID) -> None:
    put(client, idea_id, tokens(Role.JUDGE, agency="DISDUKCAPIL"), full_scores(3, 3, 3), "k")
    r = client.get(f"/api/v1/editions/{EDITION}/audit?action=judge_excluded_conflict", headers=tokens(Role.COMMITTEE))
    assert [(e["action"], e["reason"], e["object_type"], e["object_id"]) for e in r.json()] == [
        ("judge_excluded_conflict", "same_agency", "idea", str(idea_id))
    ]
    assert client.get(f"/api/v1/editions/{EDITION}/audit", headers=tokens(Role.JUDGE)).status_code == 403


def test_new_revision_adding_judges_agency_excludes_their_scores(
    client: TestClient, tokens: Any, session: Session
) -> None:
    from services.judging.ideas.tasks import on_idea_submitted

    rubric(session)
    proposer = person("DINSOS")
    idea_id = eligible_idea(session, proposer=proposer)
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    assert put(client, idea_id, judge, full_scores(5, 5, 5), "k").status_code == 200
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=judge)
    on_idea_submitted(
        session, submitted(idea_id=idea_id, revision=2, proposer=proposer, co_proposers=[person("BAPPEDA")])
    )
    session.commit()
    exclusion = session.execute(select(Exclusion)).scalar_one()
    assert (exclusion.kind, exclusion.reason) == ("conflict", "same_agency")
    results = client.get(f"/api/v1/editions/{EDITION}/results", headers=tokens(Role.COMMITTEE)).json()
    assert [(i["judges"], i["raw_score"]) for i in results["ideas"]] == [(0, None)]


def test_ideas_to_judge_lists_conflicts_and_own_progress(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    mine = eligible_idea(session, proposer=person("BAPPEDA"), submitted_at=T0)
    other = eligible_idea(session, proposer=person("DINSOS"), submitted_at=T0.replace(hour=3))
    judge = tokens(Role.JUDGE, agency="BAPPEDA")
    put(client, other, judge, {"scores": [{"criterion": "cost_saving", "value": 4}]}, "k")
    listed = client.get(f"/api/v1/editions/{EDITION}/ideas", headers=judge).json()
    assert [(i["idea_id"], i["conflict"], i["my_status"]) for i in listed] == [
        (str(mine), "same_agency", None),
        (str(other), None, "draft"),
    ]
    assert client.get(f"/api/v1/editions/{EDITION}/ideas", headers=tokens(Role.PARTICIPANT)).status_code == 403
