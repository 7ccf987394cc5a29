"""Attachments of ideas (pitch decks, photos, PDF proposals); bytes live in a storage backend."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.submission.db import Base
from shared.db import new_id, utcnow


class Attachment(Base):
    """A file attached to an idea; `storage_key` is ours, the uploaded file name is only displayed."""

    __tablename__ = "attachment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    uploaded_by: Mapped[uuid.UUID]
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
