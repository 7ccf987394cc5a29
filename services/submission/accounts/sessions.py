"""Ending a person's sessions everywhere: the submission side of `shared/revocation.py`.

The revocation is written to Redis *before* the transaction that records it commits: if Redis is
down, the change (sign-out, deactivation, role change) is refused with a 503 and nothing is kept,
rather than kept in the database while tokens stay valid in the other services.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.accounts.models import User
from services.submission.db import audit, runtime
from shared.auth import Principal
from shared.db import utcnow
from shared.logging import get_logger
from shared.revocation import RevocationStore, now_ms

log = get_logger(__name__)

_stores: dict[str, RevocationStore] = {}


def revocation_store() -> RevocationStore:
    """The process's writer of revocations (one Redis pool per URL)."""
    settings = runtime.settings
    store = _stores.get(settings.redis_url)
    if store is None:
        store = _stores[settings.redis_url] = RevocationStore(
            settings.redis_url, cache_seconds=settings.auth_revocation_cache_seconds, loader=load_revocations
        )
    return store


def end_sessions(session: Session, *, user: User, reason: str, actor: Principal | None) -> None:
    """Void every token of `user` issued until now, in every service (no commit; audited)."""
    at = now_ms()
    revocation_store().revoke(user.id, at)
    user.sessions_revoked_at = datetime.fromtimestamp(at / 1000, tz=UTC)
    audit.record(
        session,
        actor=actor,
        action="account.sessions_ended",
        object_type="user",
        object_id=user.id,
        details={"reason": reason},
    )


def load_revocations() -> Mapping[uuid.UUID, int]:
    """Revocations still relevant: those younger than the longest-lived token."""
    since = utcnow() - timedelta(minutes=runtime.settings.access_token_minutes)
    with runtime.session_factory() as session:
        rows = session.execute(select(User.id, User.sessions_revoked_at).where(User.sessions_revoked_at > since)).all()
    return {user_id: round(at.timestamp() * 1000) for user_id, at in rows if at is not None}


def restore_if_lost() -> None:
    """Refill Redis after it restarted empty (the submission relay calls this on every pass)."""
    store = revocation_store()
    if not store.is_loaded():
        store.restore(load_revocations())
