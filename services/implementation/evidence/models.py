"""Evidence files of progress updates (photos, documents, PDF); bytes live in a storage backend."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.implementation.db import Base
from shared.db import new_id


class EvidenceFile(Base):
    """A file on a progress update; `storage_key` is ours, the uploaded file name is only displayed."""

    __tablename__ = "evidence_file"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("progress_update.id", ondelete="CASCADE"), index=True)
    uploaded_by: Mapped[uuid.UUID]
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
