"""Accounts and login: Argon2 passwords, HS256 tokens, sign-out, password change and reset, verified emails."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.accounts.links import Purpose, send_link, use_link
from services.submission.accounts.models import User
from services.submission.accounts.passwords import hash_password, needs_rehash, verify_password
from services.submission.accounts.ratelimit import LinkLimiter, LoginLimiter
from services.submission.accounts.schemas import LinkSent, LoginResponse, UserRead
from services.submission.accounts.sessions import end_sessions
from services.submission.agencies.service import require_agency
from services.submission.db import audit, runtime
from shared.auth import Principal, Role, TokenService
from shared.db import utcnow
from shared.errors import AppError, Message, conflict, invalid, not_found

NIP_PATTERN = re.compile(r"^\d{18}$")

BAD_CREDENTIALS = Message("Nama pengguna atau kata sandi salah", "Wrong username or password")
EMAIL_NOT_VERIFIED = Message(
    "Email belum diverifikasi. Buka tautan yang kami kirim ke email Anda",
    "Your email is not verified yet. Open the link we sent to your email",
)
ACCOUNT_INACTIVE = Message("Akun ini tidak aktif", "This account is deactivated")


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
    work_unit: str | None = None,
    actor: Principal | None = None,
    reactivate: bool = True,
) -> User:
    """Create a user, or reset name, password, role and agency of the one with this email (no commit).

    Audited: `account.created`, or `account.changed` naming the fields that changed (never the password)
    and, when the role changed, `account.role_changed` with the old and new role. `actor` None is the system.
    A change of role, agency, work unit or password ends the account's sessions in every service. `reactivate` False
    leaves a deactivated account deactivated.
    Accounts made here are verified: the admin (or ops) who makes them vouches for the email.
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
        user = User(
            email=email,
            nip=nip,
            name=name,
            role=str(role),
            agency_code=agency_code,
            work_unit=work_unit,
            email_verified_at=utcnow(),
        )
        session.add(user)
        user.password_hash = hash_password(password) if password is not None else None
        session.flush()
        details: dict[str, object] = {"role": str(role), "agency_code": agency_code, "email": email}
        audit.record(
            session,
            actor=actor,
            action="account.created",
            object_type="user",
            object_id=user.id,
            details=details,
        )
        return user
    fields = ("name", "role", "agency_code", "work_unit", "is_active")
    before = {k: getattr(user, k) for k in fields}
    user.name, user.role, user.agency_code = name, str(role), agency_code
    user.is_active = user.is_active or reactivate
    if nip is not None:
        user.nip = nip
    if work_unit is not None:
        user.work_unit = work_unit
    if password is not None:
        user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    session.flush()
    after = {k: getattr(user, k) for k in fields}
    changed = sorted(k for k in before if before[k] != after[k]) + (["password"] if password is not None else [])
    audit.record(
        session,
        actor=actor,
        action="account.changed",
        object_type="user",
        object_id=user.id,
        details={"changed": changed, "role": user.role, "agency_code": user.agency_code},
    )
    # The work unit is in the token too (judges' conflicts of interest), so a changed one ends old tokens.
    if {"role", "agency_code", "work_unit", "password"} & set(changed):
        end_sessions(session, user=user, reason="account changed", actor=actor)
    if before["role"] != after["role"]:
        audit.record(
            session,
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
    work_unit: str | None = None,
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
        session,
        role=role,
        email=email,
        password=password,
        name=name,
        agency_code=agency_code,
        work_unit=work_unit,
        actor=actor,
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
    """Check the password and issue a token; 429 after too many attempts, 401 for bad credentials.

    The attempt is counted before the password is checked (concurrent attempts cannot slip past the limit).
    A right password on an account whose email is not verified yet is 403 `email_not_verified`.
    """
    limiter.check_attempt(username, client_ip)
    user = find_login_user(session, username)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise AppError(401, "bad_credentials", BAD_CREDENTIALS)
    limiter.succeeded(username, client_ip)
    if user.email_verified_at is None:
        raise AppError(403, "email_not_verified", EMAIL_NOT_VERIFIED)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return issue_token(tokens, user)


def issue_token(tokens: TokenService, user: User) -> LoginResponse:
    """A fresh access token for an account."""
    token, lifetime = tokens.issue(
        user_id=user.id,
        role=Role(user.role),
        name=user.name,
        email=user.email,
        agency_code=user.agency_code,
        work_unit=user.work_unit,
    )
    return LoginResponse(access_token=token, expires_in=lifetime, user=UserRead.model_validate(user))


def logout(session: Session, *, principal: Principal) -> None:
    """End every session of the caller, in every service (an external SSO's user has none here to end)."""
    user = session.get(User, principal.user_id)
    if user is None:
        return
    end_sessions(session, user=user, reason="signed out", actor=principal)
    session.commit()


def change_password(
    session: Session,
    *,
    principal: Principal,
    tokens: TokenService,
    limiter: LoginLimiter,
    current_password: str,
    new_password: str,
    client_ip: str,
) -> LoginResponse:
    """Change the caller's password; every session ends and a fresh token is returned for this one.

    The current password is checked under the sign-in limit, so a stolen token cannot be used to guess it.
    """
    user = session.get(User, principal.user_id)
    if user is None:
        raise not_found("Akun", "Account")
    limiter.check_attempt(user.email, client_ip)
    if not verify_password(user.password_hash, current_password):
        raise AppError(
            403,
            "wrong_current_password",
            Message("Kata sandi saat ini salah", "The current password is wrong"),
            {"field": "current_password"},
        )
    limiter.succeeded(user.email, client_ip)
    set_password(session, user=user, password=new_password, actor=principal, action="account.password_changed")
    session.commit()
    return issue_token(tokens, user)


def set_password(session: Session, *, user: User, password: str | None, actor: Principal, action: str) -> None:
    """Give the account a new password (or the given hash's), end its sessions, audit (no commit)."""
    if password is not None:
        user.password_hash = hash_password(password)
    end_sessions(session, user=user, reason=action, actor=actor)
    audit.record(session, actor=actor, action=action, object_type="user", object_id=user.id)


def request_password_reset(session: Session, *, email: str, limiter: LinkLimiter, client_ip: str) -> LinkSent:
    """Email a reset link to an active account with this email; the same answer when there is none.

    Imported participants who never set a password may use it too: it is how they claim the account.
    """
    limiter.check(email, client_ip)
    minutes = runtime.settings.password_reset_minutes
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        return LinkSent(valid_minutes=minutes)
    secret = send_link(session, user=user, purpose=Purpose.RESET_PASSWORD)
    audit.record(
        session,
        actor=self_actor(user),
        action="account.password_reset_requested",
        object_type="user",
        object_id=user.id,
    )
    session.commit()
    return LinkSent(valid_minutes=minutes, development_token=development_token(secret))


def reset_password(session: Session, *, token: str, password: str) -> None:
    """Use a reset link: set the new password, mark the email verified (the person read it), end sessions."""
    link = use_link(session, token=token, purposes=(Purpose.RESET_PASSWORD,))
    user = get_user(session, link.user_id)
    if not user.is_active:
        raise AppError(410, "account_inactive", ACCOUNT_INACTIVE)
    user.email_verified_at = user.email_verified_at or utcnow()
    set_password(session, user=user, password=password, actor=self_actor(user), action="account.password_reset")
    session.commit()


def verify_email(session: Session, *, token: str) -> None:
    """Use a registration or claim link: the account may sign in from now on (a claim sets its password)."""
    link = use_link(session, token=token, purposes=(Purpose.VERIFY_EMAIL, Purpose.CLAIM))
    user = get_user(session, link.user_id)
    user.email_verified_at = utcnow()
    if link.purpose == Purpose.CLAIM:
        user.password_hash = link.password_hash
        action = "participant.claimed"
    else:
        action = "account.email_verified"
    audit.record(session, actor=self_actor(user), action=action, object_type="user", object_id=user.id)
    session.commit()


def self_actor(user: User) -> Principal:
    """A person acting on their own account without a token (registration, links) is its actor."""
    return Principal(user_id=user.id, role=Role(user.role), agency_code=user.agency_code, name=user.name, email=None)


def development_token(secret: str) -> str | None:
    """The emailed token, in answers only where settings allow it (development)."""
    return secret if runtime.settings.expose_account_tokens else None
