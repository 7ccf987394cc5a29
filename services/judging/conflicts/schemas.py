"""API models of conflicts: a reason given, and a logged exclusion."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class ReasonIn(BaseModel):
    """A reason, required for recusals, reopening and rule changes."""

    reason: str = Field(min_length=3, max_length=2000)


class ExclusionRead(BaseModel):
    """A logged exclusion of a judge from an idea."""

    id: uuid.UUID
    idea_id: uuid.UUID
    judge_id: uuid.UUID
    judge_name: str
    kind: str
    reason: str
    created_at: datetime
