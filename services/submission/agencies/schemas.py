"""API models of agencies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AgencyRead(BaseModel):
    """An agency (OPD) participants and ideas may name."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    email: str
