"""HTTP routes of in-app notifications and notification preferences."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from services.implementation.db import SessionDep
from services.implementation.notifications import in_app, preferences
from services.implementation.notifications.models import InAppNotification
from services.implementation.notifications.schemas import (
    NotificationPage,
    NotificationRead,
    PreferenceRead,
    PreferenceUpdate,
)
from shared.auth import CurrentPrincipal
from shared.openapi import IsoDateTime, errors

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], responses=errors(401))


@router.get("", summary="The caller's in-app notifications, newest first")
def list_notifications(
    session: SessionDep,
    principal: CurrentPrincipal,
    unread: bool = False,
    before: IsoDateTime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    items = in_app.list_in_app(session, principal=principal, unread_only=unread, limit=limit, before=before)
    unread_count = session.scalar(
        select(func.count())
        .select_from(InAppNotification)
        .where(InAppNotification.user_id == principal.user_id, InAppNotification.read_at.is_(None))
    )
    return NotificationPage(
        items=[NotificationRead.model_validate(i) for i in items],
        unread=int(unread_count or 0),
        next_before=items[-1].created_at if len(items) == limit else None,
    )


@router.post("/read-all", summary="Mark all of the caller's notifications read")
def mark_all_read(session: SessionDep, principal: CurrentPrincipal) -> dict[str, int]:
    return {"marked": in_app.mark_all_read(session, principal=principal)}


@router.get("/preferences", summary="What the caller receives, per channel")
def get_preferences(session: SessionDep, principal: CurrentPrincipal) -> PreferenceRead:
    return PreferenceRead.model_validate(preferences.get_preference(session, principal=principal))


@router.put("/preferences", summary="Choose channels and the daily digest (agency and committee)")
def update_preferences(body: PreferenceUpdate, session: SessionDep, principal: CurrentPrincipal) -> PreferenceRead:
    return PreferenceRead.model_validate(preferences.update_preference(session, principal=principal, data=body))


@router.post("/{notification_id}/read", summary="Mark one notification read", responses=errors(404))
def mark_read(notification_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> NotificationRead:
    return NotificationRead.model_validate(
        in_app.mark_read(session, principal=principal, notification_id=notification_id)
    )
