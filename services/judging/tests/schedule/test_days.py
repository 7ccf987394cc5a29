"""Audition days with breaks (ishoma) and rooms' own hours, and assignment that keeps position groups together."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from services.judging.tests.factories import EDITION, T0, eligible_idea
from services.judging.tests.schedule.test_schedule import make_day
from shared.auth import Role
from shared.events import PositionGroup

LONG_DAY = {
    "day": "2026-08-10",
    "start": "10:00",
    "end": "14:00",
    "slot_minutes": 40,
    "rooms": ["Ruang A", "Ruang B"],
    "breaks": [{"start": "12:00", "end": "13:00", "label": "Ishoma"}],
    "room_hours": [{"room": "Ruang B", "start": "11:00", "end": "13:30"}],
}


def times(day: dict[str, Any], room: str) -> list[str]:
    return [s["starts_at"][11:16] for s in day["slots"] if s["room"] == room]


def test_slots_skip_the_break_and_keep_to_each_rooms_hours(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens, LONG_DAY)
    # 11:20-12:00 fits before the break; 12:00-12:40 would overlap it, so the next slot starts at 13:00.
    assert times(day, "Ruang A") == ["10:00", "10:40", "11:20", "13:00"]
    # Ruang B opens at 11:00 and closes at 13:30: one slot before the break, none after (13:00-13:40 > 13:30).
    assert times(day, "Ruang B") == ["11:00"]
    assert day["breaks"] == [
        {"starts_at": "2026-08-10T12:00:00+07:00", "ends_at": "2026-08-10T13:00:00+07:00", "label": "Ishoma"}
    ]


def test_the_committee_lists_the_days_with_their_rooms_panels_and_breaks(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens, LONG_DAY)
    committee = tokens(Role.COMMITTEE)
    url = f"/api/v1/editions/{EDITION}/audition-days"
    room_b = next(s["room_id"] for s in day["slots"] if s["room"] == "Ruang B")
    # a test server's address (.test), as the submission service accepts it for the judge's account
    judge = {"user_id": "00000000-0000-4000-8000-0000000000aa", "name": "Dr. Sari", "email": "sari@juri.test",
             "agency_code": "BAPPEDA"}  # fmt: skip
    panel = client.put(f"/api/v1/editions/{EDITION}/rooms/{room_b}/panel", json={"judges": [judge]}, headers=committee)
    assert panel.status_code == 200, panel.text
    listed = client.get(url, headers=committee).json()
    assert [(d["id"], d["day"], d["slot_minutes"]) for d in listed] == [(day["id"], "2026-08-10", 40)]
    rooms = {r["name"]: (r["slots"], [j["name"] for j in r["judges"]]) for r in listed[0]["rooms"]}
    assert rooms == {"Ruang A": (4, []), "Ruang B": (1, ["Dr. Sari"])}
    assert listed[0]["breaks"] == day["breaks"]
    assert client.get(url, headers=tokens(Role.JUDGE)).status_code == 403
    assert client.get("/api/v1/editions/ATA-1999/audition-days", headers=committee).json() == []


def test_slot_cut_by_a_break_starts_when_the_break_ends(client: TestClient, tokens: Any) -> None:
    body = {**LONG_DAY, "breaks": [{"start": "11:30", "end": "12:15"}], "room_hours": []}
    day = make_day(client, tokens, body)
    assert times(day, "Ruang A") == ["10:00", "10:40", "12:15", "12:55"]
    assert day["breaks"][0]["label"] == "Ishoma"


def test_breaks_and_room_hours_that_do_not_fit_the_day_are_refused_in_indonesian(
    client: TestClient, tokens: Any
) -> None:
    committee = tokens(Role.COMMITTEE)
    url = f"/api/v1/editions/{EDITION}/audition-days"
    within = "Setiap jeda harus selesai sesudah mulai, di dalam jam hari itu"
    room_hours = "Jam ruang harus selesai sesudah mulai, di dalam jam hari itu"
    for bad, message in (
        ({"breaks": [{"start": "09:00", "end": "10:30"}]}, within),  # starts before the day
        ({"breaks": [{"start": "12:00", "end": "12:00"}]}, within),  # empty
        (
            {"breaks": [{"start": "11:00", "end": "12:00"}, {"start": "11:30", "end": "12:30"}]},
            "Jeda tidak boleh bertumpang tindih",
        ),
        (
            {"room_hours": [{"room": "Ruang C", "start": "10:00", "end": "12:00"}]},
            "Jam ruang hanya menyebut ruang hari itu, masing-masing paling banyak sekali",
        ),  # not a room of the day
        ({"room_hours": [{"room": "Ruang A", "start": "09:00", "end": "12:00"}]}, room_hours),  # outside the day
    ):
        r = client.post(url, json={**LONG_DAY, **bad}, headers=committee)
        assert (r.status_code, r.json()["error"]["details"]) == (
            422,
            [{"field": "", "type": "value_error", "message": message}],
        ), bad
    assert client.get(f"/api/v1/editions/{EDITION}/schedule", headers=committee).json() == []


def _place(client: TestClient, tokens: Any, session: Session, body: dict[str, Any] | None) -> dict[str, str]:
    make_day(client, tokens)  # two rooms, three 20-minute slots each from 08:00
    at = [T0 + timedelta(minutes=m) for m in range(4)]
    bosses = [eligible_idea(session, group=PositionGroup.PENGAWAS, submitted_at=at[i]) for i in range(2)]
    staff = [eligible_idea(session, group=PositionGroup.PELAKSANA, submitted_at=at[2 + i]) for i in range(2)]
    r = client.post(f"/api/v1/editions/{EDITION}/schedule/assign", json=body, headers=tokens(Role.COMMITTEE))
    assert r.json() == {"assigned": 4, "unassigned": []}
    slots = client.get(f"/api/v1/editions/{EDITION}/schedule", headers=tokens(Role.COMMITTEE)).json()
    where = {s["idea_id"]: f"{s['room']} {s['starts_at'][11:16]}" for s in slots if s["idea_id"]}
    return {f"pengawas{i}": where[str(b)] for i, b in enumerate(bosses)} | {
        f"pelaksana{i}": where[str(s)] for i, s in enumerate(staff)
    }


def test_assign_keeps_a_position_group_in_one_room_when_asked(
    client: TestClient, tokens: Any, session: Session
) -> None:
    assert _place(client, tokens, session, {"keep_groups_together": True}) == {
        "pengawas0": "Ruang A 08:00",
        "pengawas1": "Ruang A 08:20",
        "pelaksana0": "Ruang B 08:00",
        "pelaksana1": "Ruang B 08:20",
    }


def test_assign_fills_the_earliest_slots_when_groups_need_not_stay_together(
    client: TestClient, tokens: Any, session: Session
) -> None:
    assert _place(client, tokens, session, None) == {
        "pengawas0": "Ruang A 08:00",
        "pengawas1": "Ruang B 08:00",
        "pelaksana0": "Ruang A 08:20",
        "pelaksana1": "Ruang B 08:20",
    }
