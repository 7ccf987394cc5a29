"""The daily digest: agency and committee users who chose it get one email a day of the feed's changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.implementation.notifications.models import NotificationPreference
from services.implementation.notifications.service import request_notification
from services.implementation.tickets.feed import read_feed
from services.implementation.tickets.models import TicketChange
from shared.clock import WIB
from shared.db import utcnow
from shared.events import Channel, NotificationTemplate, Person

DIGEST_TEMPLATE = NotificationTemplate.DAILY_DIGEST
MAX_ITEMS = 200


def send_digests(session: Session, *, now: datetime | None = None) -> int:
    """Request today's digest for each subscriber with news since their last one; returns how many. Commits."""
    day = (now or utcnow()).astimezone(WIB).date().isoformat()
    subscribers = session.scalars(
        select(NotificationPreference)
        .where(NotificationPreference.daily_digest.is_(True), NotificationPreference.email.is_not(None))
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for pref in subscribers:
        scope = pref.agency_code if pref.role == "agency" else None
        if pref.role == "agency" and not scope:
            continue
        changes: Sequence[TicketChange] = read_feed(
            session, agency_code=scope, after=pref.last_digest_seq, limit=MAX_ITEMS
        )
        if not changes:
            continue
        request_notification(
            session,
            key=f"digest:{pref.user_id}:{day}",
            recipient=Person(
                user_id=pref.user_id, name=pref.name, email=pref.email or "", agency_code=pref.agency_code
            ),
            channels=[Channel.EMAIL],
            template=DIGEST_TEMPLATE,
            context={
                "day": day,
                "changes": [
                    {
                        "seq": c.seq,
                        "kind": c.kind,
                        "title": str(c.data.get("title", "")),
                        "status": c.data.get("status"),
                        "agency_code": c.agency_code,
                    }
                    for c in changes
                ],
            },
        )
        pref.last_digest_seq = changes[-1].seq
        sent += 1
    session.commit()
    return sent
