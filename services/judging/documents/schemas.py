"""API models of the documents: piagam as listed to their holders, and the public verification answer."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from services.judging.documents.models import CertificateKind


class CertificateRead(BaseModel):
    """A piagam the caller may download."""

    code: str = Field(description="verification code printed on the piagam, XXXX-XXXX-XXXX-XXXX")
    kind: CertificateKind
    idea_id: uuid.UUID
    edition_code: str
    holder_name: str
    holder_user_id: uuid.UUID | None = Field(description="None for the selection piagam, which names the team")
    issued_on: date = Field(description="the date printed on it (the decision's publication, WIB)")
    download_path: str


class CertificateVerification(BaseModel):
    """What anyone holding a code may learn: that the piagam is genuine, whose it is and what it is for."""

    code: str
    valid: bool
    holder_name: str
    edition_code: str
    kind: CertificateKind
    purpose: str
    idea_title: str
    issued_on: date
