"""Conflict-of-interest declarations: required before scoring an edition, each conflict excludes and is logged."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.db import audit_log
from services.judging.scoring.models import ScoreSet
from services.judging.tests.factories import EDITION, eligible_idea, full_scores, person, rubric
from shared.auth import Role


def put(client: TestClient, idea_id: uuid.UUID, headers: dict[str, str], key: str) -> Any:
    return client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**headers, "Idempotency-Key": key}
    )


def declare(client: TestClient, headers: dict[str, str], conflicts: list[dict[str, Any]]) -> Any:
    return client.post(f"/api/v1/editions/{EDITION}/declaration", json={"conflicts": conflicts}, headers=headers)


def test_scoring_refused_until_the_judge_declared_for_the_edition(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    idea_id = eligible_idea(session)
    judge = tokens(Role.JUDGE, agency="BAPPEDA", declared=False)
    refused = put(client, idea_id, judge, "k1")
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "declaration_required",
        "message": "Isi dulu pernyataan konflik kepentingan untuk edisi ini sebelum menilai",
        "details": {"edition_code": EDITION},
    }
    submit = client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers={**judge, "Accept-Language": "en"})
    assert submit.json()["error"]["message"] == "Declare your conflicts of interest for this edition before scoring"
    assert client.get(f"/api/v1/editions/{EDITION}/declaration", headers=judge).status_code == 404
    none = declare(client, judge, [])
    assert (none.status_code, none.json()["conflicts"]) == (200, [])
    assert put(client, idea_id, judge, "k1").status_code == 200
    assert put(client, uuid.uuid4(), judge, "k2").status_code == 404  # an unknown idea stays a 404


def test_declared_conflict_excludes_the_judge_and_is_logged(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    sister, other = eligible_idea(session, proposer=person("DINSOS")), eligible_idea(session, proposer=person("DLH"))
    judge_id = uuid.uuid4()
    judge = tokens(Role.JUDGE, agency="BAPPEDA", user_id=judge_id, name="Ir. Hartono", declared=False)
    declare(client, judge, [])
    assert put(client, sister, judge, "draft").status_code == 200  # a draft before the tie was declared
    r = declare(client, judge, [{"idea_id": str(sister), "relation": "family", "note": "Adik kandung pengusul"}])
    assert r.status_code == 200, r.text
    [conflict] = r.json()["conflicts"]
    assert (conflict["idea_id"], conflict["kind"], conflict["reason"]) == (
        str(sister),
        "declared",
        "family: Adik kandung pengusul",
    )
    excluded = put(client, sister, judge, "after")
    assert (excluded.status_code, excluded.json()["error"]["code"]) == (403, "judge_excluded")
    assert session.scalars(select(ScoreSet).where(ScoreSet.judge_id == judge_id)).all() == []  # the draft went
    assert put(client, other, judge, "other").status_code == 200
    exclusions = client.get(f"/api/v1/editions/{EDITION}/exclusions", headers=tokens(Role.COMMITTEE)).json()
    assert [(e["idea_id"], e["judge_id"], e["kind"]) for e in exclusions] == [(str(sister), str(judge_id), "declared")]
    entries = session.execute(
        select(audit_log.c.action, audit_log.c.details).where(audit_log.c.actor_id == judge_id).order_by(audit_log.c.id)
    ).all()
    declared = [d for a, d in entries if a == "conflicts_declared"]
    assert [d["first"] for d in declared] == [True, False]
    assert declared[1]["conflicts"] == [{"idea_id": str(sister), "relation": "family", "note": "Adik kandung pengusul"}]
    assert "judge_excluded_declared" in [a for a, _ in entries]
    summary = client.get(f"/api/v1/editions/{EDITION}/declarations", headers=tokens(Role.COMMITTEE)).json()
    assert [(s["judge_id"], s["judge_name"], s["conflicts"]) for s in summary] == [(str(judge_id), "Ir. Hartono", 1)]


def test_declaration_refuses_unknown_ideas_and_unexplained_other_ties(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    idea_id = eligible_idea(session)
    judge = tokens(Role.JUDGE, agency="BAPPEDA", declared=False)
    stranger = uuid.uuid4()
    unknown = declare(client, judge, [{"idea_id": str(stranger), "relation": "direct_supervisor"}])
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_ideas")
    assert unknown.json()["error"]["details"] == {"idea_ids": [str(stranger)]}
    vague = declare(client, judge, [{"idea_id": str(idea_id), "relation": "other"}])
    assert vague.status_code == 422
    assert client.get(f"/api/v1/editions/{EDITION}/declaration", headers=judge).status_code == 404  # nothing kept
    elsewhere = client.post("/api/v1/editions/ATA-1999/declaration", json={"conflicts": []}, headers=judge)
    assert elsewhere.status_code == 404
    assert declare(client, tokens(Role.PARTICIPANT), []).status_code == 403
    assert client.get(f"/api/v1/editions/{EDITION}/declarations", headers=judge).status_code == 403
