"""Authentication shared by every service: JWT bearer tokens, Audisi's own or an external OIDC issuer's.

Accounts and login live in the submission service (`/api/v1/auth/login`), which signs HS256 tokens
with `JWT_SECRET`; every service verifies them here. A deployment may also plug in its own SSO: tokens
from `OIDC_ISSUER`, signed by a key in `OIDC_JWKS_URL`, are accepted with the role and agency read
from the configured claims. Algorithms are fixed per issuer, so `alg: none` or a swapped algorithm is
refused, and a client cannot edit its role without breaking the signature. Every request's Audisi token
is also checked against the session revocations in Redis (`shared/revocation.py`): a token issued before
its holder signed out, was deactivated or had their role, agency, work unit or password changed is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.errors import UNAUTHENTICATED, AppError, forbidden
from shared.revocation import Loader, RevocationStore, now_ms
from shared.settings import ServiceSettings


class Role(StrEnum):
    """What a user is in Audisi; one role per account."""

    PARTICIPANT = "participant"
    JUDGE = "judge"
    COMMITTEE = "committee"
    AGENCY = "agency"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The verified caller of a request."""

    user_id: uuid.UUID
    role: Role
    agency_code: str | None
    name: str
    email: str | None
    #: When an Audisi token was issued, in ms (checked against revocations); None for an external SSO's token.
    issued_at_ms: int | None = None
    #: Unit kerja within the agency (a judge of the proposer's unit is conflicted); None when unknown.
    work_unit: str | None = None

    def has_role(self, *roles: Role) -> bool:
        """Whether the caller holds one of `roles` (an admin holds every role)."""
        return self.role in roles or self.role == Role.ADMIN


def unauthenticated(reason: str) -> AppError:
    """401 with the reason in details (never which part of a signature failed)."""
    return AppError(401, "unauthenticated", UNAUTHENTICATED, {"reason": reason})


class TokenService:
    """Issues Audisi's own tokens and verifies them and the external issuer's."""

    ALGORITHM = "HS256"
    OIDC_ALGORITHMS = ("RS256", "ES256", "PS256")

    def __init__(self, settings: ServiceSettings, *, revocation_loader: Loader | None = None) -> None:
        self.settings = settings
        self.revocations = RevocationStore(
            settings.redis_url, cache_seconds=settings.auth_revocation_cache_seconds, loader=revocation_loader
        )

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient | None:
        url = self.settings.oidc_jwks_url
        return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600) if url else None

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        role: Role,
        name: str,
        email: str | None,
        agency_code: str | None,
        work_unit: str | None = None,
    ) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds."""
        lifetime = self.settings.access_token_minutes * 60
        issued_ms = now_ms()
        now = datetime.fromtimestamp(issued_ms / 1000, tz=UTC)
        claims = {
            "sub": str(user_id),
            "role": str(role),
            "agency": agency_code,
            "work_unit": work_unit,
            "name": name,
            "email": email,
            "iss": self.settings.jwt_issuer,
            "aud": self.settings.jwt_audience,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=lifetime),
            "iat_ms": issued_ms,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self.settings.jwt_secret.get_secret_value(), algorithm=self.ALGORITHM)
        return token, lifetime

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; 401 for anything else."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise unauthenticated("malformed token") from exc
        issuer = unverified.get("iss")
        try:
            if self._jwks is not None and issuer == self.settings.oidc_issuer:
                if header.get("alg") not in self.OIDC_ALGORITHMS:
                    raise unauthenticated("algorithm not allowed")
                key = self._jwks.get_signing_key_from_jwt(token)
                claims = jwt.decode(
                    token,
                    key.key,
                    algorithms=list(self.OIDC_ALGORITHMS),
                    audience=self.settings.oidc_audience or self.settings.jwt_audience,
                    issuer=self.settings.oidc_issuer,
                    options={"require": ["exp", "sub", "iss", "aud"]},
                )
                return self._principal(
                    claims,
                    role_claim=self.settings.oidc_role_claim,
                    agency_claim=self.settings.oidc_agency_claim,
                    own=False,
                )
            claims = jwt.decode(
                token,
                self.settings.jwt_secret.get_secret_value(),
                algorithms=[self.ALGORITHM],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise unauthenticated("token expired") from exc
        except jwt.PyJWTError as exc:
            raise unauthenticated("token rejected") from exc
        return self._principal(claims, role_claim="role", agency_claim="agency", own=True)

    @staticmethod
    def _principal(claims: dict[str, Any], *, role_claim: str, agency_claim: str, own: bool) -> Principal:
        try:
            user_id = uuid.UUID(str(claims["sub"]))
            role = Role(claims[role_claim])
            # Tokens from before `iat_ms` existed carry only `iat`, in seconds.
            issued_at_ms = int(claims.get("iat_ms") or int(claims.get("iat") or 0) * 1000) if own else None
        except (KeyError, ValueError, TypeError) as exc:
            raise unauthenticated("token lacks a valid subject or role") from exc
        return Principal(
            user_id=user_id,
            role=role,
            agency_code=claims.get(agency_claim),
            name=str(claims.get("name") or ""),
            email=claims.get("email"),
            issued_at_ms=issued_at_ms,
            work_unit=claims.get("work_unit") if own else None,
        )

    def check_not_revoked(self, principal: Principal) -> None:
        """401 if the person signed out, or was deactivated or changed, after this token was issued."""
        if principal.issued_at_ms is None:
            return  # an external SSO ends its own sessions
        if principal.issued_at_ms <= self.revocations.revoked_at(principal.user_id):
            raise unauthenticated("session ended")


_bearer = HTTPBearer(auto_error=False)


def get_token_service(request: Request) -> TokenService:
    """The app's token service (set up by `shared.http.create_app`)."""
    service: TokenService = request.app.state.token_service
    return service


def get_current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The verified caller; 401 without a valid bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthenticated("missing bearer token")
    tokens = get_token_service(request)  # not a dependency of its own: one worker-thread hand-off fewer
    principal = tokens.verify(credentials.credentials)
    tokens.check_not_revoked(principal)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_current_principal)]


def require_roles(*roles: Role) -> Any:
    """A dependency that admits only callers with one of `roles` (admins always)."""

    # `async`: no I/O here, and FastAPI runs a sync dependency in a worker thread, a hand-off (queue, wake-up,
    # GIL) that costs more than the check itself on every request (bench/RESULTS.md).
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            raise forbidden({"required_roles": [str(r) for r in roles]})
        return principal

    return Depends(dependency)


Committee = Annotated[Principal, require_roles(Role.COMMITTEE)]
Judge = Annotated[Principal, require_roles(Role.JUDGE)]
Admin = Annotated[Principal, require_roles(Role.ADMIN)]
AgencyOfficer = Annotated[Principal, require_roles(Role.AGENCY)]
Participant = Annotated[Principal, require_roles(Role.PARTICIPANT)]
