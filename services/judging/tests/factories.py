"""Factories of events, ideas and rubrics for the judging tests (real rows, no mocks)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.judging.ideas import service as ideas
from services.judging.rubric.schemas import RubricIn
from services.judging.rubric.service import put_rubric
from shared.auth import Principal, Role
from shared.events import (
    AttachmentRef,
    ExtraAnswer,
    IdeaScreened,
    IdeaScreenedPayload,
    IdeaSnapshot,
    IdeaSubmitted,
    IdeaSubmittedPayload,
    Partner,
    Person,
    PositionGroup,
)

EDITION = "ATA-2026"
T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
ACTOR = uuid.UUID(int=1)
COMMITTEE = Principal(user_id=ACTOR, role=Role.COMMITTEE, agency_code=None, name="Panitia Uji", email=None)


def person(agency: str = "DINKES", **kw: Any) -> Person:
    """A person of an agency."""
    uid = kw.pop("user_id", uuid.uuid4())
    return Person(
        user_id=uid, name=kw.pop("name", "Sri Wahyuni"), email=f"{uid.hex[:8]}@example.go.id", agency_code=agency, **kw
    )


def submitted(
    *,
    idea_id: uuid.UUID | None = None,
    revision: int = 1,
    group: PositionGroup = PositionGroup.PELAKSANA,
    proposer: Person | None = None,
    co_proposers: list[Person] | None = None,
    title: str = "Antrean daring KTP-el",
    submitted_at: datetime = T0,
    target_agency: str = "DISDUKCAPIL",
    attachments: list[AttachmentRef] | None = None,
    extra_answers: list[ExtraAnswer] | None = None,
) -> IdeaSubmitted:
    """An idea.submitted.v1 event."""
    return IdeaSubmitted(
        producer="submission",
        payload=IdeaSubmittedPayload(
            idea_id=idea_id or uuid.uuid4(),
            edition_code=EDITION,
            revision=revision,
            position_group=group,
            proposer=proposer or person(),
            co_proposers=co_proposers or [],
            idea=IdeaSnapshot(
                title=title,
                problem="Warga antre sejak subuh untuk perekaman KTP-el.",
                solution="Pendaftaran antrean lewat WhatsApp dengan jadwal per desa.",
                beneficiaries="Warga Kecamatan Panggul",
                time_saved_minutes_per_case=90,
                cost_saved_per_year_rp=25_000_000,
                estimated_budget_rp=5_000_000,
                partners=[Partner(name="Karang Taruna Panggul", kind="community")],
                target_agency_code=target_agency,
            ),
            submitted_at=submitted_at,
            attachments=attachments or [],
            extra_answers=extra_answers or [],
        ),
    )


def screened(idea_id: uuid.UUID, *, eligible: bool = True, at: datetime = T0) -> IdeaScreened:
    """An idea.screened.v1 event."""
    return IdeaScreened(
        producer="submission",
        payload=IdeaScreenedPayload(
            idea_id=idea_id, edition_code=EDITION, eligible=eligible, reason=None, screened_at=at + timedelta(hours=1)
        ),
    )


def eligible_idea(session: Session, **kw: Any) -> uuid.UUID:
    """A submitted, eligible idea in judging's tables (committed)."""
    event = submitted(**kw)
    ideas.apply_submitted(session, event.payload)
    ideas.apply_screened(session, screened(event.payload.idea_id).payload)
    session.commit()
    return event.payload.idea_id


RUBRIC: dict[str, Any] = {
    "criteria": [
        {
            "key": "speed_of_service",
            "name": "Kecepatan layanan",
            "description": "",
            "weight": 30,
            "min_score": 1,
            "max_score": 5,
        },
        {"key": "cost_saving", "name": "Hemat biaya", "description": "", "weight": 30, "min_score": 1, "max_score": 5},
        {"key": "feasibility", "name": "Kelayakan", "description": "", "weight": 40, "min_score": 1, "max_score": 5},
    ]
}


def rubric(session: Session, body: dict[str, Any] | None = None, **kw: Any) -> None:
    """Declare the default round's rubric (committed)."""
    put_rubric(session, edition_code=EDITION, rubric=RubricIn.model_validate(body or RUBRIC), actor=COMMITTEE, **kw)


def full_scores(speed: float, cost: float, feasibility: float, comment: str | None = None) -> dict[str, Any]:
    """A complete score body for RUBRIC."""
    return {
        "scores": [
            {"criterion": "speed_of_service", "value": speed, "comment": comment},
            {"criterion": "cost_saving", "value": cost, "comment": None},
            {"criterion": "feasibility", "value": feasibility, "comment": None},
        ]
    }
