"""Builders of the events and rows the implementation tests need (real objects, no mocks)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.events import (
    IdeaJudged,
    IdeaJudgedPayload,
    IdeaSnapshot,
    IdeaWithdrawn,
    IdeaWithdrawnPayload,
    Partner,
    Person,
    PositionGroup,
)

DECIDED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def proposer(**overrides: Any) -> Person:
    """A participant who proposed an idea."""
    values: dict[str, Any] = {
        "user_id": uuid.uuid4(),
        "name": "Siti Rahmawati",
        "email": "siti.rahmawati@example.go.id",
        "agency_code": "KEC-PANGGUL",
        "nip": "198703122010012003",
    }
    values.update(overrides)
    return Person(**values)


def snapshot(**overrides: Any) -> IdeaSnapshot:
    """An idea as judging copies it."""
    values: dict[str, Any] = {
        "title": "Antar KTP ke desa dengan jadwal keliling",
        "problem": "Warga desa jauh harus datang ke kantor kecamatan berkali-kali.",
        "solution": "Petugas keliling membawa perekaman KTP-el ke balai desa sesuai jadwal.",
        "beneficiaries": "Warga 17 desa di Kecamatan Panggul",
        "time_saved_minutes_per_case": 90,
        "cost_saved_per_year_rp": 25_000_000,
        "estimated_budget_rp": 8_000_000,
        "partners": [Partner(name="Karang Taruna Panggul", kind="community")],
        "target_agency_code": "DISDUKCAPIL",
        "service_area": "kependudukan",
    }
    values.update(overrides)
    return IdeaSnapshot(**values)


def judged(
    *,
    idea_id: uuid.UUID | None = None,
    selected: bool = True,
    decided_at: datetime = DECIDED,
    agency: str | None = "DISDUKCAPIL",
    due_date: date | None = date(2027, 6, 30),
    person: Person | None = None,
    co_proposers: list[Person] | None = None,
    edition_code: str = "ATA-2026",
    **idea: Any,
) -> IdeaJudged:
    """An idea.judged.v1 event."""
    return IdeaJudged(
        producer="judging",
        payload=IdeaJudgedPayload(
            idea_id=idea_id or uuid.uuid4(),
            edition_code=edition_code,
            selected=selected,
            score=87.5 if selected else 61.0,
            rank=1 if selected else 9,
            position_group=PositionGroup.PELAKSANA,
            implementing_agency_code=agency if selected else None,
            due_date=due_date if selected else None,
            proposer=person or proposer(),
            co_proposers=co_proposers or [],
            idea=snapshot(**idea),
            decided_at=decided_at,
        ),
    )


def withdrawn(idea_id: uuid.UUID, *, at: datetime | None = None, reason: str = "Pindah tugas") -> IdeaWithdrawn:
    """An idea.withdrawn.v1 event."""
    return IdeaWithdrawn(
        producer="submission",
        payload=IdeaWithdrawnPayload(
            idea_id=idea_id, edition_code="ATA-2026", reason=reason, withdrawn_at=at or DECIDED + timedelta(days=1)
        ),
    )
