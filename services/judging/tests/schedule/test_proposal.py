"""Proposed audition panels: N judges per room, agencies spread, no conflict with a room's ideas, explained."""

from __future__ import annotations

import itertools
import random
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.judging.schedule.proposal import fill_seats
from services.judging.schedule.schemas import JudgeIn
from services.judging.tests.factories import EDITION, T0, eligible_idea, person
from services.judging.tests.schedule.test_schedule import judge, make_day
from shared.auth import Role

POOL = [
    judge("DINKES", "Adi"),
    judge("DINKES", "Ani"),
    judge("DINSOS", "Bayu"),
    judge("DINSOS", "Budi"),
    judge("DLH", "Cahya"),
    judge("DLH", "Citra"),
]


def propose(client: TestClient, tokens: Any, day_id: str, judges: list[dict[str, Any]], n: int) -> Any:
    return client.post(
        f"/api/v1/editions/{EDITION}/audition-days/{day_id}/panel-proposal",
        json={"judges_per_room": n, "judges": judges},
        headers=tokens(Role.COMMITTEE),
    )


def agencies(room: dict[str, Any]) -> list[str]:
    return sorted(j["agency_code"] for j in room["judges"])


def test_proposal_spreads_agencies_across_rooms(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens)
    r = propose(client, tokens, day["id"], POOL, 3)
    assert r.status_code == 200, r.text
    rooms = r.json()["rooms"]
    assert [room["room"] for room in rooms] == ["Ruang A", "Ruang B"]
    assert [agencies(room) for room in rooms] == [["DINKES", "DINSOS", "DLH"]] * 2
    assert [[j["name"] for j in room["judges"]] for room in rooms] == [
        ["Adi", "Bayu", "Cahya"],
        ["Ani", "Budi", "Citra"],
    ]
    assert r.json()["unplaced"] == []
    # Every judge not on a room's panel is explained: here each sits in the other room.
    assert {(o["name"], o["reason"], o["detail"]) for o in rooms[0]["left_out"]} == {
        ("Ani", "other_room", "Diusulkan untuk Ruang B"),
        ("Budi", "other_room", "Diusulkan untuk Ruang B"),
        ("Citra", "other_room", "Diusulkan untuk Ruang B"),
    }


def test_proposal_avoids_conflicts_and_confirmed_panels_have_none(
    client: TestClient, tokens: Any, session: Session
) -> None:
    day = make_day(client, tokens)
    clash = eligible_idea(session, proposer=person("DINKES"), title="Posyandu digital")
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))  # Ruang A 08:00
    r = propose(client, tokens, day["id"], POOL, 3)
    assert r.status_code == 200, r.text
    room_a, room_b = r.json()["rooms"]
    assert (room_a["room"], room_a["ideas"], room_b["ideas"]) == ("Ruang A", 1, 0)
    assert "DINKES" not in agencies(room_a)
    assert len({j["user_id"] for room in (room_a, room_b) for j in room["judges"]}) == 6
    conflicts = {o["name"]: o for o in room_a["left_out"] if o["reason"] == "conflict"}
    assert sorted(conflicts) == ["Adi", "Ani"]
    assert conflicts["Adi"]["idea_id"] == str(clash)
    assert (
        conflicts["Adi"]["detail"]
        == "Konflik kepentingan (instansi yang sama) dengan gagasan “Posyandu digital” di ruang ini"
    )
    for room in (room_a, room_b):
        confirmed = client.put(
            f"/api/v1/editions/{EDITION}/rooms/{room['room_id']}/panel",
            json={"judges": room["judges"]},
            headers=tokens(Role.COMMITTEE),
        ).json()
        assert [j["conflicts"] for j in confirmed["judges"]] == [[], [], []]


def test_a_judge_of_the_proposers_work_unit_is_left_out_naming_the_closer_tie(
    client: TestClient, tokens: Any, session: Session
) -> None:
    day = make_day(client, tokens)
    eligible_idea(session, proposer=person("DINKES", work_unit="Puskesmas Durenan"), title="Posyandu digital")
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))  # Ruang A
    pool = [{**POOL[0], "work_unit": "puskesmas  durenan"}, {**POOL[1], "work_unit": "Sekretariat"}, *POOL[2:]]
    r = propose(client, tokens, day["id"], pool, 2)
    assert r.status_code == 200, r.text
    room_a = r.json()["rooms"][0]
    details = {o["name"]: o["detail"] for o in room_a["left_out"] if o["reason"] == "conflict"}
    assert details == {
        "Adi": "Konflik kepentingan (unit kerja yang sama) dengan gagasan “Posyandu digital” di ruang ini",
        "Ani": "Konflik kepentingan (instansi yang sama) dengan gagasan “Posyandu digital” di ruang ini",
    }


def test_proposal_is_the_same_whatever_the_order_of_the_pool(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens)
    first = propose(client, tokens, day["id"], POOL, 2).json()
    again = propose(client, tokens, day["id"], list(reversed(POOL)), 2).json()
    assert first == again
    assert [Counter(agencies(room)) for room in first["rooms"]] == [Counter({"DINKES": 1, "DINSOS": 1})] * 2
    placed = {j["name"] for room in first["rooms"] for j in room["judges"]}
    assert sorted(j["name"] for j in POOL if j["name"] not in placed) == ["Cahya", "Citra"]
    assert len(first["unplaced"]) == 2
    left = {o["name"]: o["reason"] for o in first["rooms"][0]["left_out"]}
    assert (left["Cahya"], left["Citra"]) == ("not_needed", "not_needed")


def test_proposal_seats_judges_who_fit_one_room_only_in_that_room(
    client: TestClient, tokens: Any, session: Session
) -> None:
    day = make_day(client, tokens)
    # Ruang A hears a DINSOS idea; Ruang B a DINKES one: Adi can sit only in A, Bayu only in B, Dewi anywhere.
    eligible_idea(session, proposer=person("DINSOS"), submitted_at=T0)
    eligible_idea(session, proposer=person("DINKES"), submitted_at=T0 + timedelta(minutes=1))
    r = client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    assert r.json()["assigned"] == 2
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.COMMITTEE)).json()
    assert [s["room"] for s in slots if s["idea_id"]] == ["Ruang A", "Ruang B"]
    pool = [judge("DINKES", "Adi"), judge("DINSOS", "Bayu"), judge("BAPPEDA", "Dewi")]
    r = propose(client, tokens, day["id"], pool, 1)
    assert r.status_code == 200, r.text
    assert [[j["name"] for j in room["judges"]] for room in r.json()["rooms"]] == [["Adi"], ["Bayu"]]


def test_too_few_judges_is_a_clear_409(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens)
    r = propose(client, tokens, day["id"], POOL[:5], 3)
    assert r.status_code == 409
    error = r.json()["error"]
    assert (error["code"], error["details"]) == ("not_enough_judges", {"needed": 6, "available": 5})
    assert error["message"].startswith("Juri tidak cukup: 2 ruang × 3 juri memerlukan 6 juri")


def test_room_whose_ideas_leave_too_few_judges_is_a_clear_409(
    client: TestClient, tokens: Any, session: Session
) -> None:
    day = make_day(client, tokens)
    eligible_idea(session, proposer=person("DINKES"))
    client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE))
    pool = [judge("DINKES", f"Dinkes {i}") for i in range(4)] + [judge("DINSOS", f"Dinsos {i}") for i in range(2)]
    r = propose(client, tokens, day["id"], pool, 3)
    assert r.status_code == 409
    error = r.json()["error"]
    assert (error["code"], error["details"]["room"], error["details"]["eligible"]) == ("panel_infeasible", "Ruang A", 2)


def test_proposal_refuses_bad_input(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens)
    assert propose(client, tokens, day["id"], [POOL[0], POOL[0]], 1).json()["error"]["code"] == "duplicate_judge"
    assert propose(client, tokens, day["id"], POOL, 0).status_code == 422
    assert propose(client, tokens, str(uuid.uuid4()), POOL, 1).status_code == 404
    other = client.post(
        f"/api/v1/editions/LAIN-2026/audition-days/{day['id']}/panel-proposal",
        json={"judges_per_room": 1, "judges": POOL},
        headers=tokens(Role.COMMITTEE),
    )
    assert other.status_code == 404
    judge_call = client.post(
        f"/api/v1/editions/{EDITION}/audition-days/{day['id']}/panel-proposal",
        json={"judges_per_room": 1, "judges": POOL},
        headers=tokens(Role.JUDGE),
    )
    assert judge_call.status_code == 403


def _fits(rooms: list[uuid.UUID], eligible: dict[uuid.UUID, list[JudgeIn]], n: int, judges: list[JudgeIn]) -> bool:
    """Whether any assignment gives every room n eligible judges, each judge in one room (by brute force)."""
    return any(
        all(r is None or j in eligible[r] for j, r in zip(judges, choice, strict=True))
        and all(choice.count(r) == n for r in rooms)
        for choice in itertools.product([None, *rooms], repeat=len(judges))
    )


def test_seats_filled_exactly_when_some_assignment_exists() -> None:
    rng = random.Random(2026)
    for _ in range(400):
        judges = [
            JudgeIn(user_id=uuid.UUID(int=i + 1), name=f"J{i}", email=f"j{i}@x.go.id", agency_code=rng.choice("ABC"))
            for i in range(rng.randint(2, 6))
        ]
        rooms = [uuid.UUID(int=100 + k) for k in range(rng.randint(2, 3))]
        eligible = {r: [j for j in judges if rng.random() < 0.6] for r in rooms}
        n = rng.randint(1, 2)
        members, unfilled = fill_seats(order=rooms, eligible=eligible, per_room=n)
        assert (unfilled is None) == _fits(rooms, eligible, n, judges), eligible
        if unfilled is None:
            assert [len(members[r]) for r in rooms] == [n] * len(rooms)
            seated = [j.user_id for r in rooms for j in members[r]]
            assert len(seated) == len(set(seated))
            assert all(j in eligible[r] for r in rooms for j in members[r])
