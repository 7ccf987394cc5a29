"""User accounts: every person who signs in to Audisi (tokens are verified by every service)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.submission.db import Base
from shared.db import new_id, utcnow


class User(Base):
    """An account; participants may also sign in with their NIP."""

    __tablename__ = "user_account"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"))
    work_unit: Mapped[str | None] = mapped_column(String(200))  # unit kerja, within the agency
    # None for a participant imported by BKPSDM who has not claimed the account yet.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    # When the person proved they read this email (a link we sent); None: cannot sign in yet. Staff accounts
    # are vouched for by the admin who creates them.
    email_verified_at: Mapped[datetime | None] = mapped_column()
    # Tokens issued at or before this instant are void in every service (shared/revocation.py).
    sessions_revoked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())

    @property
    def email_verified(self) -> bool:
        """Whether the person proved they read this email (or an admin vouched for it)."""
        return self.email_verified_at is not None


class AccountToken(Base):
    """A one-time link sent by email: single use, expiring; only the SHA-256 of its secret is stored."""

    __tablename__ = "account_token"
    __table_args__ = (Index("ix_account_token_user_purpose", "user_id", "purpose"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))  # see accounts.links.Purpose
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Claiming: the password chosen when asking, set on the account only once the link is used.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
