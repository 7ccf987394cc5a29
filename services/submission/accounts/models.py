"""User accounts: every person who signs in to Audisi (tokens are verified by every service)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, func
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
    # None for a participant imported by BKPSDM who has not claimed the account yet.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())
