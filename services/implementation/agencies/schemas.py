"""API models of agency contacts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictBool


class AgencyContactRead(BaseModel):
    """An agency and the address its ticket mail goes to."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    email: str
    active: bool


class AgencyContactUpdate(BaseModel):
    """What the committee may change about an agency's contact."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=200)
    email: EmailStr | None = None
    active: StrictBool | None = None  # the document says boolean: 0 or 0.0 is refused, not read as false
