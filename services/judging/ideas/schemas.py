"""API models of ideas as judging shows them."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from shared.events import IdeaSnapshot


class IdeaRead(BaseModel):
    """An idea for judges and the committee."""

    id: uuid.UUID
    edition_code: str
    revision: int
    position_group: str | None
    title: str | None
    idea: IdeaSnapshot | None
    proposer_name: str | None
    team_agency_codes: list[str]
    submitted_at: datetime | None
    eligible: bool | None
    screening_reason: str | None
    withdrawn: bool
    advanced: bool | None
    conflict: str | None = Field(default=None, description="for a judge: why they may not judge it")
