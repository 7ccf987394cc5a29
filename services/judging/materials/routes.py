"""HTTP routes of what judges read: an idea's extra answers and signed links to its attachments."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.judging.db import SessionDep, runtime
from services.judging.deps import JudgeOrCommittee
from services.judging.materials import service
from services.judging.materials.schemas import IdeaMaterialsRead
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["materials"], responses=errors(401, 403, 404, 409))


@router.get(
    "/ideas/{idea_id}/materials",
    summary="An idea's extra answers and signed attachment links (its judges, committee)",
    response_model=IdeaMaterialsRead,
)
def materials(idea_id: uuid.UUID, session: SessionDep, principal: JudgeOrCommittee) -> IdeaMaterialsRead:
    """Extra answers and attachment links (minutes) for the idea's judges and the committee."""
    settings = runtime.settings
    return service.idea_materials(
        session,
        idea_id=idea_id,
        principal=principal,
        secret=settings.attachment_link_secret,
        submission_url=settings.submission_public_url,
        link_seconds=settings.attachment_link_seconds,
    )
