"""API models of accounts and login."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.submission.accounts.passwords import MIN_PASSWORD_LENGTH
from services.submission.common import Email
from shared.auth import Role

Password = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)
WorkUnit = Field(default=None, min_length=2, max_length=200, description="Unit kerja within the agency")


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    role: Role
    name: str
    email: str
    agency_code: str | None
    nip: str | None = None
    work_unit: str | None = None


class AccountRead(UserRead):
    """An account as an admin sees it."""

    is_active: bool
    email_verified: bool
    created_at: datetime


class AccountPage(BaseModel):
    """One page of accounts."""

    items: list[AccountRead]
    total: int
    page: int
    page_size: int


class JudgeRead(BaseModel):
    """A judge account, for the committee building panels."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    email: str
    agency_code: str | None
    work_unit: str | None


class JudgePage(BaseModel):
    """One page of judges."""

    items: list[JudgeRead]
    total: int
    page: int
    page_size: int


class UserCreate(BaseModel):
    """An account created by an admin (committee, judge, agency officer, admin)."""

    role: Role
    email: Email
    name: str = Field(min_length=2, max_length=200)
    password: str = Password
    agency_code: str | None = None
    work_unit: str | None = WorkUnit


class AccountUpdate(BaseModel):
    """What an admin may change of an account; fields left out stay. Role or agency changes end its sessions."""

    role: Role | None = None
    name: str | None = Field(default=None, min_length=2, max_length=200)
    agency_code: str | None = None
    work_unit: str | None = WorkUnit


class LoginRequest(BaseModel):
    """Sign in with an email address or an 18-digit NIP."""

    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class SsoLoginRequest(BaseModel):
    """The ID token the web front received from the regency's single sign-on, and the nonce it sent there."""

    id_token: str = Field(min_length=1, max_length=16_384)
    nonce: str = Field(min_length=16, max_length=200)


class LoginResponse(BaseModel):
    """A bearer token and who it belongs to."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    user: UserRead


class LinkSent(BaseModel):
    """An emailed link is on its way (the same answer whether or not an account matched, for resets)."""

    status: str = "link_sent"
    valid_minutes: int
    #: Development only (EXPOSE_ACCOUNT_TOKENS): the token the email carries, for the curl walk-through.
    development_token: str | None = None


class TokenBody(BaseModel):
    """The token of an emailed link (the page at the link sends it here)."""

    token: str = Field(min_length=16, max_length=200)


class PasswordResetRequest(BaseModel):
    """Ask for a reset link for the account with this email."""

    email: Email


class PasswordResetConfirm(BaseModel):
    """The token of a reset link and the new password."""

    token: str = Field(min_length=16, max_length=200)
    password: str = Password


class PasswordChange(BaseModel):
    """Change the password when signed in; every other session ends."""

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Password


class Done(BaseModel):
    """A step that succeeded; `status` names it."""

    status: str
