"""HTTP routes of the audition schedule, panels and round advancement."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.judging.db import SessionDep
from services.judging.rubric.models import RoundKind
from services.judging.schedule import days, panels, proposal, service
from services.judging.schedule.schemas import (
    AdvanceIn,
    AdvanceRead,
    AssignIn,
    AssignmentRead,
    AuditionDayIn,
    AuditionDayRead,
    AuditionDaySummary,
    MoveIn,
    MoveRead,
    PanelIn,
    PanelProposal,
    PanelProposalIn,
    PanelRead,
    SlotRead,
)
from shared.auth import Committee, CurrentPrincipal, Role
from shared.errors import forbidden
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["schedule"], responses=errors(401, 403))


@router.post(
    "/editions/{edition_code}/audition-days",
    summary="Create an audition day with rooms and slots (committee)",
    response_model=AuditionDayRead,
    status_code=201,
    responses=errors(409),
)
def create_day(edition_code: str, body: AuditionDayIn, session: SessionDep, principal: Committee) -> AuditionDayRead:
    """Create an audition day with its rooms and slots of set length (times in WIB)."""
    return days.create_day(session, edition_code=edition_code, body=body, principal=principal)


@router.get(
    "/editions/{edition_code}/audition-days",
    summary="The audition days with their rooms, panels and breaks (committee)",
    response_model=list[AuditionDaySummary],
)
def list_days(edition_code: str, session: SessionDep, _principal: Committee) -> list[AuditionDaySummary]:
    """The edition's audition days, each with its rooms (slots, panel) and breaks, for the committee's pages."""
    return days.list_days(session, edition_code=edition_code)


@router.get(
    "/editions/{edition_code}/schedule",
    summary="The audition schedule the caller may see",
    response_model=list[SlotRead],
)
def schedule(edition_code: str, session: SessionDep, principal: CurrentPrincipal) -> list[SlotRead]:
    """The schedule as the caller may see it: all (committee), own panels' (judge), own ideas' (participant)."""
    if principal.has_role(Role.COMMITTEE):
        return service.list_slots(session, edition_code=edition_code)
    if principal.has_role(Role.JUDGE):
        return service.judge_slots(session, edition_code=edition_code, principal=principal)
    if principal.has_role(Role.PARTICIPANT):
        return service.participant_slots(session, edition_code=edition_code, principal=principal)
    raise forbidden()


@router.post(
    "/editions/{edition_code}/schedule/assign",
    summary="Give every advanced idea without a slot a free slot (committee)",
    response_model=AssignmentRead,
)
def assign(
    edition_code: str, session: SessionDep, principal: Committee, body: AssignIn | None = None
) -> AssignmentRead:
    """Give every eligible (advanced) idea without a slot a free slot (optionally keeping groups together)."""
    return service.assign(session, edition_code=edition_code, body=body or AssignIn(), principal=principal)


@router.post(
    "/slots/{slot_id}/move",
    summary="Move an idea to another slot; teams and panels are told (committee)",
    response_model=MoveRead,
    responses=errors(404, 409),
)
def move(slot_id: uuid.UUID, body: MoveIn, session: SessionDep, principal: Committee) -> MoveRead:
    """Move a slot's idea to another slot (swap if taken); the teams and panels concerned are notified."""
    return service.move(session, slot_id=slot_id, body=body, principal=principal)


@router.post(
    "/editions/{edition_code}/audition-days/{day_id}/panel-proposal",
    summary="Propose panels for a day's rooms from a pool of judges (committee; nothing saved)",
    response_model=PanelProposal,
    responses=errors(404, 409),
)
def propose_panels(
    edition_code: str, day_id: uuid.UUID, body: PanelProposalIn, session: SessionDep, _principal: Committee
) -> PanelProposal:
    """Propose panels for the day's rooms from a pool of judges (not saved: confirm each with PUT .../panel)."""
    return proposal.propose(session, edition_code=edition_code, day_id=day_id, body=body)


@router.put(
    "/editions/{edition_code}/rooms/{room_id}/panel",
    summary="Set a room's audition panel (committee)",
    response_model=PanelRead,
    responses=errors(404, 409),
)
def set_room_panel(
    edition_code: str, room_id: uuid.UUID, body: PanelIn, session: SessionDep, principal: Committee
) -> PanelRead:
    """Set the audition panel of a room; conflicts with the room's ideas are found and logged."""
    return panels.set_panel(
        session,
        edition_code=edition_code,
        kind=RoundKind.AUDITION,
        room_id=room_id,
        body=body,
        principal=principal,
    )


@router.put(
    "/editions/{edition_code}/rounds/{kind}/panel",
    summary="Set a round's panel for every idea (committee)",
    response_model=PanelRead,
    responses=errors(404, 409),
)
def set_round_panel(
    edition_code: str, kind: RoundKind, body: PanelIn, session: SessionDep, principal: Committee
) -> PanelRead:
    """Set a panel for every idea of a round (e.g. the screening desk review)."""
    return panels.set_panel(session, edition_code=edition_code, kind=kind, room_id=None, body=body, principal=principal)


@router.post(
    "/editions/{edition_code}/rounds/screening/advance",
    summary="Advance ideas from screening to the audition (committee)",
    response_model=AdvanceRead,
    responses=errors(404),
)
def advance(edition_code: str, body: AdvanceIn, session: SessionDep, principal: Committee) -> AdvanceRead:
    """Advance ideas from the screening round to the audition."""
    return service.advance(session, edition_code=edition_code, body=body, principal=principal)
