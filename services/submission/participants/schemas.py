"""API models of participants and their bulk import."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.submission.common import Email
from shared.errors import Message
from shared.events import PositionGroup


class ParticipantRegister(BaseModel):
    """Self-registration of an ASN (or claiming an account imported by BKPSDM)."""

    nip: str = Field(min_length=18, max_length=18, pattern=r"^\d{18}$")
    name: str = Field(min_length=2, max_length=200)
    email: Email
    phone: str | None = Field(default=None, max_length=30, pattern=r"^\+?[0-9 ()-]{6,30}$")
    password: str = Field(min_length=8, max_length=200)
    position_group: PositionGroup
    agency_code: str = Field(min_length=2, max_length=40)
    work_unit: str | None = Field(default=None, min_length=2, max_length=200, description="Unit kerja")


class ParticipantRead(BaseModel):
    """A participant as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    nip: str
    name: str
    email: str
    phone: str | None
    position_group: PositionGroup
    agency_code: str
    work_unit: str | None = None
    created_at: datetime


class ParticipantPage(BaseModel):
    """One page of participants."""

    items: list[ParticipantRead]
    total: int
    page: int
    page_size: int


class ImportRowError(BaseModel):
    """Why one row of an import file was refused, in English (`reason`, as before) and Indonesian (`reason_id`)."""

    line: int
    field: str | None
    reason: str = Field(description="Why the row was refused, in English")
    reason_id: str = Field(description="Why the row was refused, in Indonesian (Alasan penolakan baris)")

    @classmethod
    def of(cls, line: int, field: str | None, message: Message) -> ImportRowError:
        """A refused row with its reason in both languages."""
        return cls(line=line, field=field, reason=message.en, reason_id=message.id)


class ImportReport(BaseModel):
    """What an import did (or, in a dry run or with errors, would do)."""

    dry_run: bool
    imported: bool
    total_rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowError]
