"""Signing in through the regency's single sign-on: OpenID Connect, authorization code with PKCE, by Authlib.

The browser goes to the issuer with a state, a nonce and a PKCE challenge (S256). What the return needs to
check them (state, nonce, the code verifier, where to go next) waits in a ten-minute HttpOnly cookie signed
with WEB_SECRET, as the CSRF nonce is, so this front still keeps no state. On the return the code is
exchanged (with the verifier and the client secret) for the ID token, which goes with the nonce to the
submission service: it verifies the token and answers with the Audisi token. This front never mints one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from fastapi import Request, Response

from services.web.security import sign_value, signed_value
from services.web.settings import WebSettings

PENDING_COOKIE = "audisi_sso"
PENDING_PATH = "/masuk/sso"
PENDING_SECONDS = 600
RETURN_PATH = "/masuk/sso/kembali"
SCOPE = "openid email profile"
DISCOVERY_MAX_AGE_SECONDS = 3600.0

UNREACHABLE = "SSO pemerintah daerah tidak dapat dihubungi. Coba lagi sebentar lagi, atau masuk dengan kata sandi."
STALE = "Proses masuk dengan SSO kedaluwarsa atau tidak cocok dengan peramban ini. Silakan coba lagi."
REFUSED = "SSO pemerintah daerah tidak mengizinkan masuk. Silakan coba lagi, atau masuk dengan kata sandi."


class SsoFailedError(Exception):
    """The sign-in through the single sign-on cannot go on; the message (Indonesian, translated) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Pending:
    """What the return from the issuer is checked against."""

    state: str
    nonce: str
    verifier: str
    next: str


_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


async def _metadata(settings: WebSettings) -> dict[str, Any]:
    """The issuer's discovery document (cached for an hour)."""
    issuer = str(settings.sso_issuer).rstrip("/")
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_MAX_AGE_SECONDS:
        return cached[1]
    try:
        async with httpx.AsyncClient(timeout=settings.api_timeout_seconds) as client:
            answer = await client.get(f"{issuer}/.well-known/openid-configuration")
            answer.raise_for_status()
            metadata: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoFailedError(UNREACHABLE) from exc
    if str(metadata.get("issuer", "")).rstrip("/") != issuer or not metadata.get("authorization_endpoint"):
        raise SsoFailedError(UNREACHABLE)
    _discovered[issuer] = (time.monotonic(), metadata)
    return metadata


def _client(request: Request, settings: WebSettings) -> AsyncOAuth2Client:
    secret = settings.sso_client_secret.get_secret_value() if settings.sso_client_secret else None
    return AsyncOAuth2Client(
        client_id=settings.sso_client_id,
        client_secret=secret,
        scope=SCOPE,
        redirect_uri=settings.sso_redirect_url or str(request.url_for("sso_return")),
        code_challenge_method="S256",
        timeout=settings.api_timeout_seconds,
    )


async def authorization_url(request: Request, settings: WebSettings, next_path: str) -> tuple[str, Pending]:
    """Where to send the browser at the issuer, and what to remember until it comes back."""
    metadata = await _metadata(settings)
    pending = Pending(state=generate_token(32), nonce=generate_token(32), verifier=generate_token(64), next=next_path)
    async with _client(request, settings) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=pending.state, code_verifier=pending.verifier, nonce=pending.nonce
        )
    return str(url), pending


def remember(response: Response, pending: Pending, settings: WebSettings) -> None:
    """Keep the pending sign-in in a signed cookie that only the sign-in paths receive."""
    value = json.dumps([pending.state, pending.nonce, pending.verifier, pending.next], separators=(",", ":"))
    response.set_cookie(
        PENDING_COOKIE,
        sign_value(settings, value),
        max_age=PENDING_SECONDS,
        httponly=True,
        samesite="lax",  # the issuer sends the browser back with a top-level GET: Lax cookies come along
        secure=settings.secure_cookies,
        path=PENDING_PATH,
    )


def forget(response: Response, settings: WebSettings) -> None:
    """The pending sign-in is used up (a code is single use, and so is its state)."""
    response.delete_cookie(
        PENDING_COOKIE, path=PENDING_PATH, httponly=True, samesite="lax", secure=settings.secure_cookies
    )


def pending_of(request: Request, settings: WebSettings) -> Pending:
    """The pending sign-in of this browser, if its signature holds."""
    value = signed_value(settings, request.cookies.get(PENDING_COOKIE))
    try:
        state, nonce, verifier, next_path = json.loads(value) if value else (None, None, None, None)
    except ValueError as exc:
        raise SsoFailedError(STALE) from exc
    if not (state and nonce and verifier):
        raise SsoFailedError(STALE)
    return Pending(state=state, nonce=nonce, verifier=verifier, next=next_path or "")


async def id_token_of_return(request: Request, settings: WebSettings, pending: Pending) -> str:
    """Check the issuer's answer against the pending sign-in and exchange its code for the ID token."""
    params = request.query_params
    if not params.get("state") or params.get("state") != pending.state:
        raise SsoFailedError(STALE)
    metadata = await _metadata(settings)
    # RFC 9207: the issuer names itself in the answer, so an answer from another issuer is not taken for its.
    if "iss" in params and params["iss"].rstrip("/") != str(metadata["issuer"]).rstrip("/"):
        raise SsoFailedError(STALE)
    if params.get("error") or not params.get("code"):
        raise SsoFailedError(REFUSED)
    try:
        async with _client(request, settings) as client:
            token = await client.fetch_token(
                metadata["token_endpoint"], code=params["code"], code_verifier=pending.verifier
            )
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise SsoFailedError(REFUSED) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise SsoFailedError(REFUSED)
    return id_token
