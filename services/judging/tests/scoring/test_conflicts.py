"""Conflicts from HR data beyond the agency: the same unit kerja (work unit) as someone on the team."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.judging.conflicts.service import conflict_of
from services.judging.ideas.models import Idea
from services.judging.ideas.service import work_unit_key
from services.judging.tests.factories import eligible_idea, full_scores, person, rubric
from shared.auth import Role


def test_work_unit_key_is_the_unit_within_its_agency() -> None:
    assert work_unit_key("DINKES", "  Bidang   Pelayanan Kesehatan ") == "DINKES/bidang pelayanan kesehatan"
    assert work_unit_key("DINKES", None) is None
    assert work_unit_key(None, "Sekretariat") is None  # a unit means nothing without its agency
    assert work_unit_key("DINKES", "   ") is None


def test_conflict_of_names_the_same_unit_before_the_same_agency() -> None:
    idea = Idea(team_user_ids=[], team_agency_codes=["DINKES"], team_work_units=["DINKES/bidang p2p"])
    judge = uuid.uuid4()
    assert conflict_of(idea, judge_id=judge, agency_code="DINKES", work_unit="Bidang P2P") == "same_work_unit"
    assert conflict_of(idea, judge_id=judge, agency_code="DINKES", work_unit="Sekretariat") == "same_agency"
    assert conflict_of(idea, judge_id=judge, agency_code="DINSOS", work_unit="Bidang P2P") is None  # another agency's


def test_judge_of_a_team_members_unit_cannot_score(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    idea_id = eligible_idea(
        session,
        proposer=person("KEC-PANGGUL"),
        co_proposers=[person("DINKES", work_unit="UPTD Puskesmas Panggul")],
    )
    judge = tokens(Role.JUDGE, agency="DINKES", work_unit="uptd puskesmas panggul")
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**judge, "Idempotency-Key": "k"}
    )
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["details"]) == (
        403,
        "conflict_of_interest",
        {"reason": "same_work_unit"},
    )
    listed = client.get("/api/v1/editions/ATA-2026/ideas", headers=judge).json()
    assert [(i["idea_id"], i["conflict"]) for i in listed] == [(str(idea_id), "same_work_unit")]
