"""Signing in through the regency's single sign-on: verify an OpenID Connect ID token, map it to an account.

The web front runs the authorization-code flow (with PKCE) and hands over the ID token it received with the
nonce it sent; it never mints Audisi tokens. This service verifies the token itself: the signature against
the issuer's keys (found through its discovery document), issuer, audience (our client id), expiry and
nonce. The verified email then names an existing, active account; nobody is created here (the committee
and the admin make accounts), and the account gets the same token as after the built-in sign-in.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submission.accounts.models import User
from services.submission.accounts.schemas import LoginResponse
from services.submission.accounts.service import ACCOUNT_INACTIVE, issue_token, normalise_email, self_actor
from services.submission.db import audit
from shared.auth import TokenService
from shared.errors import AppError, Message
from shared.logging import get_logger

log = get_logger(__name__)

# The algorithms an OpenID provider signs ID tokens with; never "none" or a shared-secret HMAC.
ALGORITHMS = ("RS256", "PS256", "ES256")
# Keys are fetched again after this long, or at once for an unknown key id (rotation), at most once a minute.
KEYS_MAX_AGE_SECONDS = 3600.0
KEYS_REFRESH_MIN_SECONDS = 60.0

NOT_CONFIGURED = Message("Masuk dengan SSO belum diaktifkan", "Single sign-on is not configured")
INVALID_TOKEN = Message(
    "Tanda masuk dari SSO tidak sah atau sudah kedaluwarsa. Silakan masuk lagi",
    "The single sign-on token is invalid or expired. Please sign in again",
)
UNAVAILABLE = Message(
    "Layanan SSO pemerintah daerah tidak dapat dihubungi. Coba lagi sebentar lagi",
    "The regency's single sign-on cannot be reached. Please try again shortly",
)
EMAIL_NOT_VERIFIED = Message(
    "Email Anda belum diverifikasi di SSO pemerintah daerah, jadi tidak dapat dipakai untuk masuk ke Audisi",
    "Your email is not verified at the regency's single sign-on, so it cannot be used to sign in to Audisi",
)
NO_ACCOUNT = Message(
    "Belum ada akun Audisi untuk email ini. Peserta mendaftar di halaman Daftar; juri dan petugas meminta akun "
    "kepada panitia (BKPSDM)",
    "There is no Audisi account for this email. Participants register on the Register page; judges and "
    "officers ask the committee (BKPSDM) for an account",
)


class IssuerKeys:
    """The signing keys of one issuer, from its discovery document's `jwks_uri`, cached per process."""

    def __init__(self, issuer: str, timeout: float = 5.0) -> None:
        self.issuer = issuer.rstrip("/")
        self.timeout = timeout
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _fetch(self) -> KeySet:
        try:
            with httpx.Client(timeout=self.timeout) as client:
                discovery = client.get(f"{self.issuer}/.well-known/openid-configuration")
                discovery.raise_for_status()
                metadata = discovery.json()
                if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
                    # OpenID Connect Discovery 4.3: a document for another issuer must not be used.
                    raise ValueError(f"discovery names issuer {metadata.get('issuer')!r}")
                keys = client.get(str(metadata["jwks_uri"]))
                keys.raise_for_status()
                return KeySet.import_key_set(keys.json())
        except (httpx.HTTPError, ValueError, KeyError, JoseError) as exc:
            log.warning("sso.keys_unavailable", issuer=self.issuer, error=str(exc))
            raise AppError(503, "sso_unavailable", UNAVAILABLE) from exc

    def get(self, *, refresh: bool = False) -> KeySet:
        """The key set; fetched when missing, old, or asked for (not more than once a minute)."""
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if self._keys is None or age > KEYS_MAX_AGE_SECONDS or (refresh and age > KEYS_REFRESH_MIN_SECONDS):
                self._keys = self._fetch()
                self._fetched_at = time.monotonic()
            return self._keys


_issuers: dict[str, IssuerKeys] = {}


def issuer_keys(issuer: str) -> IssuerKeys:
    """The process's key cache of an issuer."""
    keys = _issuers.get(issuer)
    if keys is None:
        keys = _issuers[issuer] = IssuerKeys(issuer)
    return keys


def _invalid(reason: str) -> AppError:
    return AppError(401, "invalid_sso_token", INVALID_TOKEN, {"reason": reason})


def verify_id_token(
    *, id_token: str, nonce: str, issuer: str, client_id: str, keys: IssuerKeys, leeway_seconds: int
) -> dict[str, Any]:
    """The claims of an ID token meant for us; 401 `invalid_sso_token` with the reason otherwise."""
    try:
        try:
            token = jwt.decode(id_token, keys.get(), algorithms=list(ALGORITHMS))
        except InvalidKeyIdError:  # the issuer may have rotated its keys since we fetched them
            token = jwt.decode(id_token, keys.get(refresh=True), algorithms=list(ALGORITHMS))
    except (BadSignatureError, InvalidKeyIdError) as exc:  # not signed by any key the issuer publishes
        raise _invalid("signature") from exc
    except (JoseError, ValueError) as exc:
        raise _invalid("malformed") from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=leeway_seconds,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise _invalid("expired") from exc
    except ClaimError as exc:
        raise _invalid(exc.claim) from exc
    audience = claims["aud"]
    # OpenID Connect Core 3.1.3.7: with several audiences, the token must be issued to us (azp).
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise _invalid("azp")
    return claims


def sso_login(
    session: Session,
    *,
    tokens: TokenService,
    id_token: str,
    nonce: str,
    issuer: str | None,
    client_id: str | None,
    leeway_seconds: int,
) -> LoginResponse:
    """Sign in with a verified ID token whose verified email names an active account (audited)."""
    if not issuer or not client_id:
        raise AppError(404, "sso_not_configured", NOT_CONFIGURED)
    claims = verify_id_token(
        id_token=id_token,
        nonce=nonce,
        issuer=issuer,
        client_id=client_id,
        keys=issuer_keys(issuer),
        leeway_seconds=leeway_seconds,
    )
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        raise AppError(403, "sso_email_not_verified", EMAIL_NOT_VERIFIED)
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AppError(403, "sso_no_account", NO_ACCOUNT)
    if not user.is_active:
        raise AppError(403, "account_inactive", ACCOUNT_INACTIVE)
    audit.record(
        session,
        actor=self_actor(user),
        action="account.sso_login",
        object_type="user",
        object_id=user.id,
        details={"issuer": issuer, "subject": str(claims["sub"])},
    )
    session.commit()
    return issue_token(tokens, user)
