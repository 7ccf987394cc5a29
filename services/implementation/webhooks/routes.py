"""HTTP routes of webhooks: agencies register endpoints; ops read and replay the dead letters."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from services.implementation.db import SessionDep, runtime
from services.implementation.webhooks import service
from services.implementation.webhooks.schemas import (
    DeadLetterRead,
    DeliveryRead,
    ReplayResult,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
)
from shared.auth import Admin, Principal, Role, require_roles
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["webhooks"], responses=errors(401, 403))


#: Webhooks belong to an agency's systems: its officers (and the committee) manage them; a participant or a
#: judge whose token names the same agency does not.
IntegrationUser = Annotated[Principal, require_roles(Role.AGENCY, Role.COMMITTEE)]


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, summary="Register an endpoint for ticket events")
def create_webhook(body: WebhookCreate, session: SessionDep, principal: IntegrationUser) -> WebhookCreated:
    subscription = service.create_subscription(session, principal=principal, data=body, settings=runtime.settings)
    return WebhookCreated.model_validate(subscription)


@router.get("/webhooks", summary="The caller's agency's endpoints")
def list_webhooks(session: SessionDep, principal: IntegrationUser) -> list[WebhookRead]:
    return [WebhookRead.model_validate(s) for s in service.list_subscriptions(session, principal=principal)]


@router.delete(
    "/webhooks/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop an endpoint",
    responses=errors(404),
)
def delete_webhook(subscription_id: uuid.UUID, session: SessionDep, principal: IntegrationUser) -> Response:
    service.delete_subscription(session, principal=principal, subscription_id=subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{subscription_id}/deliveries", summary="Recent deliveries to an endpoint", responses=errors(404))
def list_deliveries(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: IntegrationUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryRead]:
    rows = service.list_deliveries(session, principal=principal, subscription_id=subscription_id, limit=limit)
    return [DeliveryRead.model_validate(d) for d in rows]


@router.get("/ops/webhooks/dead-letters", tags=["ops"], summary="Deliveries whose retries ran out (admin)")
def list_dead_letters(
    session: SessionDep,
    _ops: Admin,
    include_replayed: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[DeadLetterRead]:
    rows = service.list_dead_letters(session, include_replayed=include_replayed, limit=limit)
    return [DeadLetterRead.model_validate(d) for d in rows]


@router.post("/ops/webhooks/dead-letters/replay", tags=["ops"], summary="Send dead letters again (admin)")
def replay_dead_letters(
    session: SessionDep,
    ops: Admin,
    ids: Annotated[list[uuid.UUID] | None, Body(embed=True)] = None,
    agency_code: Annotated[str | None, Body(embed=True)] = None,
) -> ReplayResult:
    return ReplayResult(replayed=service.replay_dead_letters(session, ids=ids, agency_code=agency_code, actor=ops))
