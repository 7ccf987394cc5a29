"""The dependency scoring routes use: no scoring in an edition before the judge's declaration."""

from __future__ import annotations

import uuid

from services.judging.db import SessionDep
from services.judging.declarations.service import require_declared
from shared.auth import Judge


def declared(idea_id: uuid.UUID, session: SessionDep, principal: Judge) -> None:
    """403 `declaration_required` until the judge declared for the idea's edition."""
    require_declared(session, idea_id=idea_id, principal=principal)
