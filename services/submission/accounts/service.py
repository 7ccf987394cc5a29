"""Accounts and login: Argon2 passwords, HS256 tokens, a rate limit against password guessing."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.accounts.models import User
from services.submission.accounts.passwords import hash_password, needs_rehash, verify_password
from services.submission.accounts.ratelimit import LoginLimiter
from services.submission.accounts.schemas import LoginResponse, UserRead
from services.submission.agencies.service import require_agency
from services.submission.db import audit_log
from shared.audit import record_audit
from shared.auth import Principal, Role, TokenService
from shared.errors import AppError, Message, conflict, invalid, not_found

NIP_PATTERN = re.compile(r"^\d{18}$")

BAD_CREDENTIALS = Message("Nama pengguna atau kata sandi salah", "Wrong username or password")


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively."""
    return email.strip().lower()


def upsert_user(
    session: Session,
    *,
    role: Role,
    email: str,
    password: str | None,
    name: str,
    agency_code: str | None,
    nip: str | None = None,
    actor: Principal | None = None,
) -> User:
    """Create a user, or reset name, password, role and agency of the one with this email (no commit).

    Audited: `account.created`, or `account.changed` naming the fields that changed (never the password)
    and, when the role changed, `account.role_changed` with the old and new role. `actor` None is the system.
    """
    if agency_code is not None:
        require_agency(session, agency_code)
    if role == Role.AGENCY and agency_code is None:
        raise invalid(
            "agency_required",
            Message(
                "Petugas perangkat daerah wajib memiliki kode perangkat daerah", "An agency officer needs an agency"
            ),
            {"field": "agency_code"},
        )
    email = normalise_email(email)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, nip=nip, name=name, role=str(role), agency_code=agency_code)
        session.add(user)
        user.password_hash = hash_password(password) if password is not None else None
        session.flush()
        details: dict[str, object] = {"role": str(role), "agency_code": agency_code, "email": email}
        record_audit(
            session,
            table=audit_log,
            actor=actor,
            action="account.created",
            object_type="user",
            object_id=user.id,
            details=details,
        )
        return user
    before = {"name": user.name, "role": user.role, "agency_code": user.agency_code, "is_active": user.is_active}
    user.name, user.role, user.agency_code, user.is_active = name, str(role), agency_code, True
    if nip is not None:
        user.nip = nip
    if password is not None:
        user.password_hash = hash_password(password)
    session.flush()
    after = {"name": user.name, "role": user.role, "agency_code": user.agency_code, "is_active": user.is_active}
    changed = sorted(k for k in before if before[k] != after[k]) + (["password"] if password is not None else [])
    record_audit(
        session,
        table=audit_log,
        actor=actor,
        action="account.changed",
        object_type="user",
        object_id=user.id,
        details={"changed": changed, "role": user.role, "agency_code": user.agency_code},
    )
    if before["role"] != after["role"]:
        record_audit(
            session,
            table=audit_log,
            actor=actor,
            action="account.role_changed",
            object_type="user",
            object_id=user.id,
            details={"from": before["role"], "to": after["role"]},
        )
    return user


def create_account(
    session: Session,
    *,
    role: Role,
    email: str,
    password: str,
    name: str,
    agency_code: str | None,
    actor: Principal | None = None,
) -> User:
    """An admin creates a staff account (participants register themselves or are imported)."""
    if role == Role.PARTICIPANT:
        raise invalid(
            "participant_via_registration",
            Message(
                "Akun peserta dibuat melalui pendaftaran peserta atau impor BKPSDM",
                "Participant accounts come from participant registration or the BKPSDM import",
            ),
            {"field": "role"},
        )
    if session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None:
        raise conflict(
            "email_taken", Message("Email sudah dipakai akun lain", "This email is already used"), {"field": "email"}
        )
    user = upsert_user(
        session, role=role, email=email, password=password, name=name, agency_code=agency_code, actor=actor
    )
    session.commit()
    return user


def get_user(session: Session, user_id: uuid.UUID) -> User:
    """An account by id; 404 if there is none."""
    user = session.get(User, user_id)
    if user is None:
        raise not_found("Akun", "Account")
    return user


def describe_principal(session: Session, principal: Principal) -> UserRead:
    """The caller's account, or what the token says for a user of an external SSO without a local account."""
    user = session.get(User, principal.user_id)
    if user is not None:
        return UserRead.model_validate(user)
    return UserRead(
        id=principal.user_id,
        role=principal.role,
        name=principal.name,
        email=principal.email or "",
        agency_code=principal.agency_code,
    )


def find_login_user(session: Session, username: str) -> User | None:
    """The account an email or NIP names."""
    username = username.strip()
    if NIP_PATTERN.match(username):
        return session.scalar(select(User).where(User.nip == username))
    return session.scalar(select(User).where(User.email == normalise_email(username)))


def login(
    session: Session, *, tokens: TokenService, limiter: LoginLimiter, username: str, password: str, client_ip: str
) -> LoginResponse:
    """Check the password and issue a token; 429 after too many failures, 401 for bad credentials."""
    wait = limiter.retry_after(username, client_ip)
    if wait:
        raise AppError(
            429,
            "too_many_attempts",
            Message(
                f"Terlalu banyak percobaan masuk. Coba lagi dalam {wait} detik",
                f"Too many sign-in attempts. Try again in {wait} seconds",
            ),
            {"retry_after_seconds": wait},
        )
    user = find_login_user(session, username)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        limiter.record_failure(username, client_ip)
        raise AppError(401, "bad_credentials", BAD_CREDENTIALS)
    limiter.reset(username, client_ip)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    token, lifetime = tokens.issue(
        user_id=user.id, role=Role(user.role), name=user.name, email=user.email, agency_code=user.agency_code
    )
    return LoginResponse(access_token=token, expires_in=lifetime, user=UserRead.model_validate(user))
