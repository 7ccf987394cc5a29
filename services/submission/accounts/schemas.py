"""API models of accounts and login."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.submission.common import Email
from shared.auth import Role


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    role: Role
    name: str
    email: str
    agency_code: str | None
    nip: str | None = None


class UserCreate(BaseModel):
    """An account created by an admin (committee, judge, agency officer, admin)."""

    role: Role
    email: Email
    name: str = Field(min_length=2, max_length=200)
    password: str = Field(min_length=8, max_length=200)
    agency_code: str | None = None


class LoginRequest(BaseModel):
    """Sign in with an email address or an 18-digit NIP."""

    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(BaseModel):
    """A bearer token and who it belongs to."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    user: UserRead
