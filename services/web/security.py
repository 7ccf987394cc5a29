"""The session cookie, CSRF protection of forms and the security headers of every page.

The session cookie holds the API's own signed access token (HttpOnly, SameSite=Lax), so the web front
keeps no state. Forms carry a CSRF token: an HMAC of a random per-browser value kept in its own
HttpOnly cookie (double submit, signed so a cookie planted by a sibling subdomain is not enough).
Every page carries a Content-Security-Policy that allows only this origin's own scripts and styles.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.web.settings import WebSettings

SESSION_COOKIE = "audisi_session"
CSRF_COOKIE = "audisi_csrf"
LANGUAGE_COOKIE = "audisi_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Adds the CSP and the other security headers to every response of the pages (not to the API proxy)."""

    def __init__(self, app: ASGIApp, proxied_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.proxied_prefixes = proxied_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.proxied_prefixes):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _sign(settings: WebSettings, nonce: str) -> str:
    return hmac.new(settings.web_secret.get_secret_value().encode(), nonce.encode(), hashlib.sha256).hexdigest()


def sign_value(settings: WebSettings, value: str) -> str:
    """`value` with its signature, for a cookie the browser must give back unchanged."""
    return f"{value}.{_sign(settings, 'value:' + value)}"


def signed_value(settings: WebSettings, signed: str | None) -> str | None:
    """The value of a `sign_value` result, or None when it is missing or was changed."""
    value, _, signature = (signed or "").rpartition(".")
    if not value or not hmac.compare_digest(_sign(settings, "value:" + value), signature):
        return None
    return value


def csrf_nonce(request: Request) -> str:
    """The browser's CSRF nonce: from its cookie, or a new one (set on the response by `remember_csrf`)."""
    nonce = request.cookies.get(CSRF_COOKIE)
    if not nonce or len(nonce) > 100:
        nonce = getattr(request.state, "new_csrf_nonce", None) or secrets.token_urlsafe(32)
        request.state.new_csrf_nonce = nonce
    return nonce


def csrf_token(request: Request, settings: WebSettings) -> str:
    """The token a form of this browser must send back."""
    return _sign(settings, csrf_nonce(request))


def csrf_valid(request: Request, settings: WebSettings, submitted: str | None) -> bool:
    """Whether a submitted token belongs to this browser's nonce cookie."""
    nonce = request.cookies.get(CSRF_COOKIE)
    if not nonce or not submitted:
        return False
    return hmac.compare_digest(_sign(settings, nonce), submitted)


def remember_csrf(request: Request, response: Response, settings: WebSettings) -> None:
    """Set the nonce cookie when this request made one."""
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=settings.secure_cookies, path="/"
        )


def set_session(response: Response, token: str, max_age: int, settings: WebSettings) -> None:
    """Keep the signed-in person's access token in an HttpOnly cookie."""
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )


def clear_session(response: Response, settings: WebSettings) -> None:
    """Forget the signed-in person."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)
