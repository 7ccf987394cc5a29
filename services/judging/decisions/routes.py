"""HTTP routes of selection rules and decisions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.judging.db import SessionDep
from services.judging.decisions import rules, service
from services.judging.decisions.schemas import (
    AdjustmentIn,
    DecisionIn,
    DecisionRead,
    FeedbackRead,
    PublishIn,
    PublishRead,
    SelectionRulesIn,
    SelectionRulesRead,
)
from services.judging.results.schemas import IdeaResult
from shared.auth import Committee, CurrentPrincipal
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["decisions"], responses=errors(401))


@router.post(
    "/ideas/{idea_id}/decision",
    summary="Decide on one idea and publish it (committee)",
    response_model=DecisionRead,
    responses=errors(403, 404, 409),
)
def decide(idea_id: uuid.UUID, body: DecisionIn, session: SessionDep, principal: Committee) -> DecisionRead:
    """Decide on one idea: publishes idea.judged.v1 with its weighted score and rank in its group."""
    return service.decide(session, idea_id=idea_id, body=body, principal=principal)


@router.get(
    "/ideas/{idea_id}/decision",
    summary="The published decision on an idea (committee)",
    response_model=DecisionRead,
    responses=errors(403, 404),
)
def get_decision(idea_id: uuid.UUID, session: SessionDep, _principal: Committee) -> DecisionRead:
    """The published decision on an idea."""
    return service.get_decision(session, idea_id=idea_id)


@router.get(
    "/editions/{edition_code}/selection-rules",
    summary="The declared selection rules (committee)",
    response_model=SelectionRulesRead,
    responses=errors(403),
)
def get_rules(edition_code: str, session: SessionDep, _principal: Committee) -> SelectionRulesRead:
    """The declared selection rules."""
    return rules.get_rules(session, edition_code=edition_code)


@router.put(
    "/editions/{edition_code}/selection-rules",
    summary="Declare the selection rules (committee)",
    response_model=SelectionRulesRead,
    responses=errors(403, 409),
)
def put_rules(
    edition_code: str, body: SelectionRulesIn, session: SessionDep, principal: Committee
) -> SelectionRulesRead:
    """Declare selection rules before scoring; a later change needs a reason (logged)."""
    return rules.put_rules(session, edition_code=edition_code, body=body, principal=principal)


@router.post(
    "/editions/{edition_code}/selection/adjustments",
    summary="Override the proposal for one idea, with a reason (committee)",
    response_model=IdeaResult,
    responses=errors(403, 404, 409),
)
def adjust(edition_code: str, body: AdjustmentIn, session: SessionDep, principal: Committee) -> IdeaResult:
    """Override the proposal for one idea, with a reason."""
    return service.adjust(session, edition_code=edition_code, body=body, principal=principal)


@router.post(
    "/editions/{edition_code}/selection/publish",
    summary="Publish every scored, undecided idea's decision (committee)",
    response_model=PublishRead,
    responses=errors(403),
)
def publish(edition_code: str, body: PublishIn, session: SessionDep, principal: Committee) -> PublishRead:
    """Publish every scored, undecided idea's decision (each emits idea.judged.v1)."""
    return service.publish_selection(session, edition_code=edition_code, due_date=body.due_date, principal=principal)


@router.get(
    "/ideas/{idea_id}/feedback",
    summary="Per-criterion feedback for the idea's team, after publication",
    response_model=FeedbackRead,
    responses=errors(404),
)
def feedback(idea_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> FeedbackRead:
    """Per-criterion feedback and comments (no judge names) for the idea's team, after publication."""
    return service.feedback(session, idea_id=idea_id, principal=principal)
