"""Live progress: who scored which slot, what is missing; the SSE stream sends snapshots."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.judging.tests.factories import EDITION, eligible_idea, full_scores, person, rubric
from shared.auth import Role


def setup_room(client: TestClient, tokens: Any, session: Session) -> tuple[uuid.UUID, list[dict[str, Any]]]:
    rubric(session)
    committee = tokens(Role.COMMITTEE)
    day = client.post(
        f"/api/v1/editions/{EDITION}/audition-days",
        json={"day": "2026-08-10", "start": "08:00", "end": "08:30", "slot_minutes": 15, "rooms": ["Pendopo"]},
        headers=committee,
    ).json()
    idea = eligible_idea(session, proposer=person("DINKES"))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=committee)
    judges = [
        {"user_id": str(uuid.uuid4()), "name": n, "email": f"{n.lower()}@trenggalekkab.go.id", "agency_code": a}
        for n, a in (("Ani", "BAPPEDA"), ("Budi", "DLH"), ("Citra", "DINKES"))
    ]
    room = day["slots"][0]["room_id"]
    client.put(f"/api/v1/editions/{EDITION}/rooms/{room}/panel", json={"judges": judges}, headers=committee)
    return idea, judges


def test_progress_shows_submitted_draft_missing_and_excluded(client: TestClient, tokens: Any, session: Session) -> None:
    idea, judges = setup_room(client, tokens, session)
    ani = tokens(Role.JUDGE, agency="BAPPEDA", user_id=uuid.UUID(judges[0]["user_id"]))
    client.put(f"/api/v1/ideas/{idea}/scores", json=full_scores(3, 3, 3), headers={**ani, "Idempotency-Key": "1"})
    body = client.get(f"/api/v1/editions/{EDITION}/progress", headers=tokens(Role.COMMITTEE)).json()
    assert body["totals"] == {"ideas": 1, "complete": 0, "in_progress": 1, "not_started": 0}
    [entry] = body["ideas"]
    assert (entry["room"], entry["starts_at"], entry["state"]) == (
        "Pendopo",
        "2026-08-10T08:00:00+07:00",
        "in_progress",
    )
    assert [(j["name"], j["status"]) for j in entry["judges"]] == [
        ("Ani", "draft"),
        ("Budi", "missing"),
        ("Citra", "excluded"),
    ]


def test_progress_without_panels_expects_every_judge_of_the_round(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    first = eligible_idea(session, title="Antrean KTP", proposer=person("DINKES"))
    eligible_idea(session, title="Posyandu digital", proposer=person("DLH"))
    ani = tokens(Role.JUDGE, agency="BAPPEDA", name="Ani")
    budi = tokens(Role.JUDGE, agency="DLH", name="Budi")
    client.put(f"/api/v1/ideas/{first}/scores", json=full_scores(3, 3, 3), headers={**ani, "Idempotency-Key": "1"})
    client.post(f"/api/v1/ideas/{first}/scores/submit", headers=ani)
    client.put(f"/api/v1/ideas/{first}/scores", json=full_scores(4, 4, 4), headers={**budi, "Idempotency-Key": "2"})
    body = client.get(f"/api/v1/editions/{EDITION}/progress", headers=tokens(Role.COMMITTEE)).json()
    states = {e["title"]: (e["state"], [(j["name"], j["status"]) for j in e["judges"]]) for e in body["ideas"]}
    # Budi, of the proposer's agency, is conflicted on the second idea: not expected there.
    assert states == {
        "Antrean KTP": ("in_progress", [("Ani", "submitted"), ("Budi", "draft")]),
        "Posyandu digital": ("not_started", [("Ani", "missing"), ("Budi", "excluded")]),
    }


def test_progress_stream_sends_snapshot_events(client: TestClient, tokens: Any, session: Session) -> None:
    setup_room(client, tokens, session)
    with client.stream(
        "GET",
        f"/api/v1/editions/{EDITION}/progress/stream?max_events=1&interval=0.2",
        headers=tokens(Role.COMMITTEE),
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    lines = text.strip().split("\n")
    assert lines[:2] == ["id: 1", "event: progress"]
    snapshot = json.loads(lines[2].removeprefix("data: "))
    assert snapshot["totals"] == {"ideas": 1, "complete": 0, "in_progress": 0, "not_started": 1}


def test_progress_judge_forbidden(client: TestClient, tokens: Any) -> None:
    assert client.get(f"/api/v1/editions/{EDITION}/progress", headers=tokens(Role.JUDGE)).status_code == 403
