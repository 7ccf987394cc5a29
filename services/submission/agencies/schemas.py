"""API models of agencies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.submission.common import Email


class AgencyRead(BaseModel):
    """An agency (OPD) participants and ideas may name."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    email: str


class ManagedAgencyRead(AgencyRead):
    """An agency of the managed list with its state, as an admin sees it (deactivated ones included)."""

    active: bool


class AgencyUpsert(BaseModel):
    """An agency added to or changed in the managed list (a new OPD after a reorganisation, a new address)."""

    name: str = Field(min_length=3, max_length=200)
    email: Email
    active: bool = True
