"""One-time links sent by email: proving control of an address, claiming an account, resetting a password.

A link carries a random secret (256 bits); the database keeps only its SHA-256, so a copy of the
database opens no account. Each link is single use and expires; asking for a new one voids the
unused ones of the same purpose. The email goes out as `notification.requested.v1` through the
outbox, in the same transaction as the link, so a link exists exactly when its email is on its way.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.submission.accounts.models import AccountToken, User
from services.submission.db import runtime
from shared.db import utcnow
from shared.errors import AppError, Message
from shared.events import Channel, NotificationRequested, NotificationRequestedPayload, NotificationTemplate, Person
from shared.outbox import publish

PRODUCER = "submission"


class Purpose(StrEnum):
    """What a link does when used."""

    VERIFY_EMAIL = "verify_email"  # a self-registration: the account may sign in once used
    CLAIM = "claim"  # an imported participant sets the password chosen when asking
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a secret; forgotten password: a new one is given with the token


#: The template of the email each purpose sends (services/implementation/notifications/templates).
TEMPLATES = {
    Purpose.VERIFY_EMAIL: NotificationTemplate.ACCOUNT_VERIFY_EMAIL,
    Purpose.CLAIM: NotificationTemplate.ACCOUNT_CLAIM,
    Purpose.RESET_PASSWORD: NotificationTemplate.ACCOUNT_RESET_PASSWORD,
}

INVALID_LINK = Message(
    "Tautan tidak sah. Periksa kembali tautan dari email Anda", "This link is not valid. Check the link in your email"
)
USED_LINK = Message(
    "Tautan ini sudah pernah dipakai. Mintalah tautan baru", "This link has already been used. Ask for a new one"
)
EXPIRED_LINK = Message("Tautan ini sudah kedaluwarsa. Mintalah tautan baru", "This link has expired. Ask for a new one")


def token_hash(token: str) -> str:
    """What the database keeps of a link's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime(purpose: Purpose) -> timedelta:
    """How long a link of this purpose stays valid (settings)."""
    settings = runtime.settings
    if purpose == Purpose.RESET_PASSWORD:
        return timedelta(minutes=settings.password_reset_minutes)
    return timedelta(minutes=settings.email_verification_minutes)


def page_url(purpose: Purpose, token: str) -> str:
    """The web page the email links to; it sends the token on to the API."""
    settings = runtime.settings
    path = settings.account_password_path if purpose == Purpose.RESET_PASSWORD else settings.account_verify_path
    return f"{settings.public_base_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def send_link(session: Session, *, user: User, purpose: Purpose, password_hash: str | None = None) -> str:
    """Create a link, void the user's earlier unused ones of this purpose, and email it (no commit).

    Returns the secret (only ever shown to its owner: in the email, or in development answers).
    """
    session.execute(
        delete(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == str(purpose), AccountToken.used_at.is_(None)
        )
    )
    secret = secrets.token_urlsafe(32)
    valid_for = lifetime(purpose)
    row = AccountToken(
        user_id=user.id,
        purpose=str(purpose),
        token_hash=token_hash(secret),
        password_hash=password_hash,
        expires_at=utcnow() + valid_for,
    )
    session.add(row)
    session.flush()
    publish(
        session,
        NotificationRequested(
            producer=PRODUCER,
            payload=NotificationRequestedPayload(
                idempotency_key=f"account-link:{row.id}",
                recipient=Person(user_id=user.id, name=user.name, email=user.email, agency_code=user.agency_code),
                channels=[Channel.EMAIL],
                template=TEMPLATES[purpose],
                context={"valid_minutes": int(valid_for.total_seconds() // 60)},
                link=page_url(purpose, secret),
            ),
        ),
    )
    return secret


def use_link(session: Session, *, token: str, purposes: tuple[Purpose, ...]) -> AccountToken:
    """Mark a link used and return it (no commit); 400 if unknown, 410 if used or expired.

    The row is locked, so two requests with the same link cannot both use it.
    """
    row = session.scalar(
        select(AccountToken).where(AccountToken.token_hash == token_hash(token.strip())).with_for_update()
    )
    if row is None or row.purpose not in {str(p) for p in purposes}:
        raise AppError(400, "invalid_link", INVALID_LINK)
    if row.used_at is not None:
        raise AppError(410, "link_used", USED_LINK)
    if row.expires_at <= utcnow():
        raise AppError(410, "link_expired", EXPIRED_LINK)
    row.used_at = utcnow()
    return row


def has_live_link(session: Session, *, user: User, purpose: Purpose) -> bool:
    """Whether an unused, unexpired link of this purpose is out for the user."""
    found = session.scalar(
        select(AccountToken.id).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == str(purpose),
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    return found is not None
