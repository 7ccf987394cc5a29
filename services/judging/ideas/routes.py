"""HTTP routes of ideas."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.judging.conflicts.service import conflict_of
from services.judging.db import SessionDep
from services.judging.deps import JudgeOrCommittee
from services.judging.ideas import service
from services.judging.ideas.models import Idea
from services.judging.ideas.schemas import IdeaRead
from shared.auth import Principal, Role
from shared.events import IdeaSnapshot
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["ideas"], responses=errors(401, 403))


def to_read(idea: Idea, principal: Principal | None = None) -> IdeaRead:
    """An idea as a judge or the committee sees it."""
    return IdeaRead(
        id=idea.id,
        edition_code=idea.edition_code,
        revision=idea.revision,
        position_group=idea.position_group,
        title=idea.title,
        idea=IdeaSnapshot.model_validate(idea.snapshot) if idea.snapshot else None,
        proposer_name=(idea.proposer or {}).get("name"),
        team_agency_codes=idea.team_agency_codes,
        submitted_at=idea.submitted_at,
        eligible=idea.eligible,
        screening_reason=idea.screening_reason,
        withdrawn=idea.withdrawn,
        advanced=idea.advanced,
        conflict=conflict_of(
            idea, judge_id=principal.user_id, agency_code=principal.agency_code, work_unit=principal.work_unit
        )
        if principal is not None and not principal.has_role(Role.COMMITTEE)
        else None,
    )


@router.get(
    "/ideas/{idea_id}",
    summary="One idea as judging knows it (judges, committee)",
    response_model=IdeaRead,
    responses=errors(404),
)
def get_idea(idea_id: uuid.UUID, session: SessionDep, principal: JudgeOrCommittee) -> IdeaRead:
    """An idea once its submission event arrived (judges and the committee); 404 before."""
    return to_read(service.get_known_idea(session, idea_id=idea_id), principal)
