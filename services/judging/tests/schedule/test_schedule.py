"""Audition schedule: days and slots, assignment, moves that notify, panels, conflicts, participants' view."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.judging.conflicts.models import Exclusion
from services.judging.db import audit_log, messaging
from services.judging.tests.factories import EDITION, T0, eligible_idea, full_scores, person, rubric
from shared.auth import Role
from shared.events import PositionGroup, parse_event

DAY = {"day": "2026-08-10", "start": "08:00", "end": "09:00", "slot_minutes": 20, "rooms": ["Ruang A", "Ruang B"]}


def make_day(client: TestClient, tokens: Any, body: dict[str, Any] | None = None) -> dict[str, Any]:
    r = client.post(f"/api/v1/editions/{EDITION}/audition-days", json=body or DAY, headers=tokens(Role.COMMITTEE))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def judge(agency: str, name: str) -> dict[str, Any]:
    uid = uuid.uuid4()
    return {"user_id": str(uid), "name": name, "email": f"{uid.hex[:6]}@trenggalekkab.go.id", "agency_code": agency}


def test_create_day_makes_slots_of_set_length_in_wib(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens)
    assert day["rooms"] == ["Ruang A", "Ruang B"]
    starts = [(s["room"], s["starts_at"]) for s in day["slots"]]
    assert starts == [
        ("Ruang A", "2026-08-10T08:00:00+07:00"), ("Ruang B", "2026-08-10T08:00:00+07:00"),
        ("Ruang A", "2026-08-10T08:20:00+07:00"), ("Ruang B", "2026-08-10T08:20:00+07:00"),
        ("Ruang A", "2026-08-10T08:40:00+07:00"), ("Ruang B", "2026-08-10T08:40:00+07:00"),
    ]  # fmt: skip
    again = client.post(f"/api/v1/editions/{EDITION}/audition-days", json=DAY, headers=tokens(Role.COMMITTEE))
    assert again.status_code == 409


def test_assign_gives_each_eligible_idea_a_slot_in_group_order(
    client: TestClient, tokens: Any, session: Session
) -> None:
    make_day(client, tokens)
    late = eligible_idea(session, group=PositionGroup.PELAKSANA, submitted_at=T0 + timedelta(hours=2))
    early = eligible_idea(session, group=PositionGroup.PELAKSANA, submitted_at=T0)
    boss = eligible_idea(session, group=PositionGroup.PENGAWAS)
    r = client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    assert r.json() == {"assigned": 3, "unassigned": []}
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.COMMITTEE)).json()
    assert [s["idea_id"] for s in slots if s["idea_id"]] == [str(boss), str(early), str(late)]
    assert client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE)).json() == {
        "assigned": 0,
        "unassigned": [],
    }


def test_assign_only_advanced_ideas_once_committee_advanced_some(
    client: TestClient, tokens: Any, session: Session
) -> None:
    make_day(client, tokens)
    advanced = eligible_idea(session)
    eligible_idea(session)
    r = client.post(
        f"/api/v1/editions/{EDITION}/rounds/screening/advance",
        json={"idea_ids": [str(advanced)], "reason": "nilai seleksi tertinggi"},
        headers=tokens(Role.COMMITTEE),
    )
    assert r.json() == {"advanced": 1}
    listed = client.get(
        f"/api/v1/editions/{EDITION}/ideas", params={"round": "screening"}, headers=tokens(Role.COMMITTEE)
    ).json()
    assert sorted((i["idea_id"] == str(advanced), i["advanced"]) for i in listed) == [(False, False), (True, True)]
    assert client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE)).json() == {
        "assigned": 1,
        "unassigned": [],
    }


def test_participant_sees_own_slot_only(client: TestClient, tokens: Any, session: Session) -> None:
    make_day(client, tokens)
    me = person("DINSOS")
    mine = eligible_idea(session, proposer=me)
    eligible_idea(session)
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    seen = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.PARTICIPANT, user_id=me.user_id))
    assert [s["idea_id"] for s in seen.json()] == [str(mine)]


def test_move_slot_swaps_and_notifies_team_and_panels(client: TestClient, tokens: Any, session: Session) -> None:
    day = make_day(client, tokens)
    proposer, co = person("DINSOS"), person("DISHUB")
    idea_id = eligible_idea(session, proposer=proposer, co_proposers=[co])
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    room_a = day["slots"][0]["room_id"]
    panel = [judge("BAPPEDA", "Pak Joko"), judge("DLH", "Bu Ani")]
    client.put(
        f"/api/v1/editions/{EDITION}/rooms/{room_a}/panel", json={"judges": panel}, headers=tokens(Role.COMMITTEE)
    )
    source = day["slots"][0]["id"]
    target = day["slots"][5]["id"]  # Ruang B, 08:40
    r = client.post(
        f"/api/v1/slots/{source}/move",
        json={"to_slot_id": target, "reason": "pengusul bertugas pagi"},
        headers=tokens(Role.COMMITTEE),
    )
    assert r.status_code == 200, r.text
    assert [(s["id"], s["idea_id"]) for s in r.json()["slots"]] == [(target, str(idea_id))]
    assert r.json()["notified"] == 4
    events: list[Any] = [parse_event(b) for b in session.scalars(select(messaging.outbox_event.c.body))]
    events = [e for e in events if e.payload.template == "audition_slot_moved"]  # not the assignment's
    assert {e.payload.recipient.user_id for e in events} == {
        proposer.user_id,
        co.user_id,
        *(uuid.UUID(j["user_id"]) for j in panel),
    }
    first = next(e for e in events if e.payload.recipient.user_id == proposer.user_id)
    assert first.type == "notification.requested.v1"
    assert first.payload.template == "audition_slot_moved"
    assert first.payload.context["old_starts_at"] == "10-08-2026 08:00 WIB"
    assert first.payload.context["new_starts_at"] == "10-08-2026 08:40 WIB"
    assert (first.payload.context["old_room"], first.payload.context["new_room"]) == ("Ruang A", "Ruang B")
    entry = session.execute(select(audit_log).where(audit_log.c.action == "slot_moved")).one()
    assert (entry.object_type, entry.details["reason"]) == ("slot", "pengusul bertugas pagi")


def test_panel_conflicts_found_automatically_and_logged(client: TestClient, tokens: Any, session: Session) -> None:
    day = make_day(client, tokens)
    idea_id = eligible_idea(session, proposer=person("DINKES"))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    room = next(s["room_id"] for s in day["slots"] if s["id"] == day["slots"][0]["id"])
    conflicted, clean = judge("DINKES", "dr. Sari"), judge("BAPPEDA", "Pak Joko")
    r = client.put(
        f"/api/v1/editions/{EDITION}/rooms/{room}/panel",
        json={"judges": [conflicted, clean]},
        headers=tokens(Role.COMMITTEE),
    )
    assert [(j["name"], j["conflicts"]) for j in r.json()["judges"]] == [("dr. Sari", [str(idea_id)]), ("Pak Joko", [])]
    exclusion = session.execute(select(Exclusion)).scalar_one()
    assert (str(exclusion.judge_id), exclusion.kind, exclusion.reason) == (
        conflicted["user_id"],
        "conflict",
        "same_agency",
    )


def test_judge_on_another_rooms_panel_may_not_score(client: TestClient, tokens: Any, session: Session) -> None:
    rubric(session)
    day = make_day(client, tokens)
    idea_id = eligible_idea(session, proposer=person("DINKES"))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.COMMITTEE)).json()
    slot = next(s for s in slots if s["idea_id"] == str(idea_id))
    other_room = next(s["room_id"] for s in day["slots"] if s["room_id"] != slot["room_id"])
    here, there = judge("BAPPEDA", "Di sini"), judge("DLH", "Di ruang lain")
    for room, member in ((slot["room_id"], here), (other_room, there)):
        r = client.put(
            f"/api/v1/editions/{EDITION}/rooms/{room}/panel", json={"judges": [member]}, headers=tokens(Role.COMMITTEE)
        )
        assert r.status_code == 200
    t_here = tokens(Role.JUDGE, agency="BAPPEDA", user_id=uuid.UUID(here["user_id"]))
    t_there = tokens(Role.JUDGE, agency="DLH", user_id=uuid.UUID(there["user_id"]))
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**t_there, "Idempotency-Key": "x"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_on_panel")
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**t_here, "Idempotency-Key": "y"}
    )
    assert r.status_code == 200


def test_with_panels_only_panel_judges_score_and_scores_reveal_when_panel_done(
    client: TestClient, tokens: Any, session: Session
) -> None:
    rubric(session)
    day = make_day(client, tokens)
    idea_id = eligible_idea(session, proposer=person("DINKES"))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    room = day["slots"][0]["room_id"]
    a, b, c = judge("BAPPEDA", "A"), judge("DLH", "B"), judge("DINKES", "C (konflik)")
    client.put(
        f"/api/v1/editions/{EDITION}/rooms/{room}/panel", json={"judges": [a, b, c]}, headers=tokens(Role.COMMITTEE)
    )
    ta = tokens(Role.JUDGE, agency="BAPPEDA", user_id=uuid.UUID(a["user_id"]))
    tb = tokens(Role.JUDGE, agency="DLH", user_id=uuid.UUID(b["user_id"]))
    outsider = tokens(Role.JUDGE, agency="DISHUB")
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**outsider, "Idempotency-Key": "x"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_on_panel")
    for t, key in ((ta, "a"), (tb, "b")):
        r = client.put(
            f"/api/v1/ideas/{idea_id}/scores", json=full_scores(4, 4, 4), headers={**t, "Idempotency-Key": key}
        )
        assert r.status_code == 200
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=ta)
    assert client.get(f"/api/v1/ideas/{idea_id}/scores", headers=ta).json()["revealed"] is False
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit", headers=tb)
    # C is conflicted (excluded), so A and B are the whole panel
    seen = client.get(f"/api/v1/ideas/{idea_id}/scores", headers=ta).json()
    assert (seen["revealed"], len(seen["others"])) == (True, 1)


def test_withdrawn_idea_frees_its_slot(client: TestClient, tokens: Any, session: Session) -> None:
    from services.judging.ideas.tasks import on_idea_withdrawn
    from shared.events import IdeaWithdrawn, IdeaWithdrawnPayload

    make_day(client, tokens)
    idea_id = eligible_idea(session)
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    payload = IdeaWithdrawnPayload(idea_id=idea_id, edition_code=EDITION, reason="mutasi", withdrawn_at=T0)
    on_idea_withdrawn(session, IdeaWithdrawn(producer="submission", payload=payload))
    session.commit()
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.COMMITTEE)).json()
    assert [s["idea_id"] for s in slots] == [None] * 6


def test_screening_round_scored_on_its_own_rubric_and_panel(client: TestClient, tokens: Any, session: Session) -> None:
    committee = tokens(Role.COMMITTEE)
    rubric(session)
    screening = {"criteria": [{"key": "problem_understanding", "name": "Pemahaman masalah", "weight": 100}]}
    client.put(f"/api/v1/editions/{EDITION}/rounds/screening/rubric", json=screening, headers=committee)
    idea_id = eligible_idea(session)
    reviewer = judge("BAPPEDA", "Penelaah")
    client.put(f"/api/v1/editions/{EDITION}/rounds/screening/panel", json={"judges": [reviewer]}, headers=committee)
    mine = tokens(Role.JUDGE, agency="BAPPEDA", user_id=uuid.UUID(reviewer["user_id"]))
    body = {"scores": [{"criterion": "problem_understanding", "value": 4}]}
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores?round=screening", json=body, headers={**mine, "Idempotency-Key": "s"}
    )
    assert (r.status_code, r.json()["round"], r.json()["weighted_score"]) == (200, "screening", 75.0)
    other = tokens(Role.JUDGE, agency="DLH")
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores?round=screening", json=body, headers={**other, "Idempotency-Key": "o"}
    )
    assert r.status_code == 403  # the screening round has a panel; the audition round (no panels) is open
    r = client.put(
        f"/api/v1/ideas/{idea_id}/scores", json=full_scores(3, 3, 3), headers={**other, "Idempotency-Key": "a"}
    )
    assert (r.status_code, r.json()["round"]) == (200, "audition")
    client.post(f"/api/v1/ideas/{idea_id}/scores/submit?round=screening", headers=mine)
    results = client.get(f"/api/v1/editions/{EDITION}/results?round=screening", headers=committee).json()
    assert [(i["raw_score"], i["rank"]) for i in results["ideas"]] == [(75.0, 1)]


def test_judge_sees_own_room_slots_with_conflict_flags(client: TestClient, tokens: Any, session: Session) -> None:
    day = make_day(client, tokens)
    clash = eligible_idea(session, proposer=person("BAPPEDA"), submitted_at=T0)
    fine = eligible_idea(session, proposer=person("DINSOS"), submitted_at=T0 + timedelta(minutes=1))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    me = judge("BAPPEDA", "Pak Joko")
    room_a = next(s["room_id"] for s in day["slots"] if s["room"] == "Ruang A")
    client.put(
        f"/api/v1/editions/{EDITION}/rooms/{room_a}/panel", json={"judges": [me]}, headers=tokens(Role.COMMITTEE)
    )
    mine = tokens(Role.JUDGE, agency="BAPPEDA", user_id=uuid.UUID(me["user_id"]))
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=mine).json()
    assert {s["room"] for s in slots} == {"Ruang A"}
    placed = {s["idea_id"]: s["conflict"] for s in slots if s["idea_id"]}
    assert placed == {str(clash): "same_agency"}  # the earlier idea got Ruang A 08:00 (no panel then)
    assert str(fine) not in placed


def test_assign_avoids_rooms_whose_panel_is_conflicted(client: TestClient, tokens: Any, session: Session) -> None:
    day = make_day(client, tokens)
    room_a = next(s["room_id"] for s in day["slots"] if s["room"] == "Ruang A")
    client.put(
        f"/api/v1/editions/{EDITION}/rooms/{room_a}/panel",
        json={"judges": [judge("BAPPEDA", "Pak Joko")]},
        headers=tokens(Role.COMMITTEE),
    )
    clash = eligible_idea(session, proposer=person("BAPPEDA"), submitted_at=T0)
    fine = eligible_idea(session, proposer=person("DINSOS"), submitted_at=T0 + timedelta(minutes=1))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.COMMITTEE)).json()
    placed = {s["idea_id"]: (s["room"], s["starts_at"]) for s in slots if s["idea_id"]}
    assert placed == {
        str(clash): ("Ruang B", "2026-08-10T08:00:00+07:00"),
        str(fine): ("Ruang A", "2026-08-10T08:00:00+07:00"),
    }
