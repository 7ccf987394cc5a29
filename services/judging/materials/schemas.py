"""API models of what a judge reads to score an idea: extra answers and signed links to its attachments."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from shared.events import ExtraAnswer


class AttachmentLinkRead(BaseModel):
    """One attached file, with a short-lived link to fetch it from the submission service."""

    attachment_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str = Field(description="to check the downloaded file")
    url: str = Field(description="signed for this caller, this file and this idea; works until links_expire_at")


class IdeaMaterialsRead(BaseModel):
    """An idea's extra answers and attachments as of the revision judging holds."""

    idea_id: uuid.UUID
    revision: int
    extra_answers: list[ExtraAnswer]
    attachments: list[AttachmentLinkRead]
    links_expire_at: datetime
