"""The printable audition schedule (jadwal audisi) per day and room, read back as text with pypdf."""

from __future__ import annotations

import io
import uuid
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from services.judging.tests.documents.test_documents import text_of
from services.judging.tests.factories import EDITION, T0, eligible_idea, person
from services.judging.tests.schedule.test_schedule import judge, make_day
from shared.auth import Role
from shared.events import PositionGroup

DAY = {
    "day": "2026-08-10",
    "start": "11:00",
    "end": "14:00",
    "slot_minutes": 30,
    "rooms": ["Ruang Kartini", "Pendopo"],
    "breaks": [{"start": "12:00", "end": "13:00", "label": "Ishoma"}],
    "room_hours": [{"room": "Pendopo", "start": "13:00", "end": "14:00"}],
}


def url(day_id: str) -> str:
    return f"/api/v1/editions/{EDITION}/audition-days/{day_id}/jadwal.pdf"


def _day(client: TestClient, tokens: Any, session: Session) -> tuple[dict[str, Any], dict[str, str]]:
    day = make_day(client, tokens, DAY)
    rooms = {s["room"]: s["room_id"] for s in day["slots"]}
    eligible_idea(
        session,
        title="Antrean daring KTP-el",
        group=PositionGroup.PELAKSANA,
        proposer=person("DISDUKCAPIL", name="Rina Kusuma"),
        co_proposers=[person("DISDUKCAPIL", name="Budi Santoso")],
        submitted_at=T0,
    )
    eligible_idea(
        session, title="Posyandu digital", group=PositionGroup.PENGAWAS, proposer=person("DINKES", name="Sri Lestari")
    )
    assert client.post(f"/api/v1/editions/{EDITION}/schedule/assign", headers=tokens(Role.COMMITTEE)).json() == {
        "assigned": 2,
        "unassigned": [],
    }
    return day, rooms


def test_committee_prints_every_room_of_the_day_with_breaks_and_judges(
    client: TestClient, tokens: Any, session: Session
) -> None:
    day, rooms = _day(client, tokens, session)
    panel = [judge("BAPPEDA", "Ir. Hartono Wibisono"), judge("DLH", "Dra. Siti Aminah")]
    client.put(
        f"/api/v1/editions/{EDITION}/rooms/{rooms['Ruang Kartini']}/panel",
        json={"judges": panel},
        headers=tokens(Role.COMMITTEE),
    )
    r = client.get(url(day["id"]), headers=tokens(Role.COMMITTEE))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="jadwal-audisi-{EDITION}-2026-08-10.pdf"'
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 2  # a page per room
    text = text_of(r.content)
    # Pendopo (by name, first) opens after the break only: its page shows no break.
    pendopo, kartini = text.split("JADWAL AUDISI")[1:]
    assert "Senin, 10 Agustus 2026 — Pendopo" in pendopo
    assert "Jam ruang: 13.00–14.00 WIB" in pendopo
    assert "ISHOMA" not in pendopo
    assert "Dewan juri Belum ditetapkan." in pendopo
    assert "Senin, 10 Agustus 2026 — Ruang Kartini" in kartini
    assert "Jam ruang: 11.00–14.00 WIB" in kartini
    # Ideas by group (Pengawas first) in Kartini's earliest slots, then the break, then the empty slots.
    assert kartini.index("11.00–11.30") < kartini.index("Posyandu digital") < kartini.index("11.30–12.00")
    assert kartini.index("Antrean daring KTP-el") < kartini.index("12.00–13.00 ISHOMA") < kartini.index("13.00–13.30")
    assert "Rina Kusuma, Budi Santoso" in kartini
    assert "Pengawas" in kartini
    assert "Pelaksana" in kartini
    assert "(kosong)" in kartini
    assert "1. Dra. Siti Aminah 2. Ir. Hartono Wibisono" in kartini
    # Same data, same bytes.
    assert client.get(url(day["id"]), headers=tokens(Role.COMMITTEE)).content == r.content


def test_one_room_when_asked(client: TestClient, tokens: Any, session: Session) -> None:
    day, rooms = _day(client, tokens, session)
    r = client.get(url(day["id"]), params={"room_id": rooms["Pendopo"]}, headers=tokens(Role.COMMITTEE))
    text = text_of(r.content)
    assert "Pendopo" in text
    assert "Ruang Kartini" not in text
    unknown = client.get(url(day["id"]), params={"room_id": str(uuid.uuid4())}, headers=tokens(Role.COMMITTEE))
    assert unknown.status_code == 404


def test_judge_prints_only_the_rooms_they_sit_in(client: TestClient, tokens: Any, session: Session) -> None:
    day, rooms = _day(client, tokens, session)
    mine = judge("BAPPEDA", "Ir. Hartono Wibisono")
    client.put(
        f"/api/v1/editions/{EDITION}/rooms/{rooms['Pendopo']}/panel",
        json={"judges": [mine]},
        headers=tokens(Role.COMMITTEE),
    )
    me = tokens(Role.JUDGE, agency="BAPPEDA", user_id=uuid.UUID(mine["user_id"]))
    text = text_of(client.get(url(day["id"]), headers=me).content)
    assert "Pendopo" in text
    assert "Ruang Kartini" not in text
    other_room = client.get(url(day["id"]), params={"room_id": rooms["Ruang Kartini"]}, headers=me)
    assert other_room.status_code == 404
    # A judge on no panel of the day has nothing to print; participants and agencies may not ask.
    assert client.get(url(day["id"]), headers=tokens(Role.JUDGE, agency="DLH")).status_code == 404
    assert client.get(url(day["id"]), headers=tokens(Role.PARTICIPANT)).status_code == 403


def test_unknown_day_or_another_editions_day_is_404(client: TestClient, tokens: Any) -> None:
    day = make_day(client, tokens, {**DAY, "day": "2026-08-11"})
    assert client.get(url(str(uuid.uuid4())), headers=tokens(Role.COMMITTEE)).status_code == 404
    other = f"/api/v1/editions/LAIN-2026/audition-days/{day['id']}/jadwal.pdf"
    assert client.get(other, headers=tokens(Role.COMMITTEE)).status_code == 404
