"""API models of the committee's view of the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEntryRead(BaseModel):
    """One logged act: scores saved and submitted, exclusions, reopened sets, rule changes, adjustments,
    moves, panels, publications. Where it came from (address, user agent) is for admins only."""

    id: int
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    actor_role: str | None
    actor_name: str | None
    object_type: str
    object_id: str | None
    reason: str | None
    details: dict[str, Any]
