"""What every page shares: the templates, the signed-in person, the language, CSRF-checked forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from services.web import formatting
from services.web.backend import ApiError, Backend, error_of
from services.web.i18n import STATUS_LABELS, translate
from services.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    csrf_token,
    csrf_valid,
    remember_csrf,
    set_session,
)
from services.web.sessions import SignedIn, User
from services.web.settings import WebSettings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["rupiah"] = formatting.rupiah
TEMPLATES.env.filters["number"] = formatting.number


class CsrfRefusedError(Exception):
    """A form or call without this browser's CSRF token."""


class SignInRequiredError(Exception):
    """The page needs a signed-in person (or the session expired)."""


def language(request: Request) -> str:
    """Indonesian unless the browser chose English with the switch (remembered in a cookie)."""
    return "en" if request.cookies.get(LANGUAGE_COOKIE) == "en" else "id"


def settings_of(request: Request) -> WebSettings:
    """The app's settings."""
    settings: WebSettings = request.app.state.settings
    return settings


def backend_of(request: Request) -> Backend:
    """The app's API client."""
    backend: Backend = request.app.state.backend
    return backend


def signed_in_of(request: Request) -> SignedIn:
    """The app's memory of who is signed in (services/web/sessions.py)."""
    signed_in: SignedIn = request.app.state.signed_in
    return signed_in


def token_of(request: Request) -> str | None:
    """The signed-in person's access token."""
    return request.cookies.get(SESSION_COOKIE) or None


def remember_session(request: Request, token: str, described: dict[str, Any]) -> User:
    """Who the token belongs to, as the submission service described them (`/auth/me`, or a sign-in's `user`)."""
    user = User(
        id=str(described["id"]),
        role=str(described["role"]),
        name=str(described["name"]),
        email=str(described["email"]),
        agency_code=described.get("agency_code"),
        nip=described.get("nip"),
    )
    signed_in_of(request).remember(token, user)
    return user


def start_session(request: Request, response: Response, signed_in: dict[str, Any]) -> None:
    """After a sign-in (or a password change): the token in the session cookie, and who it belongs to remembered,
    so the first page does not ask again."""
    token = str(signed_in["access_token"])
    set_session(response, token, int(signed_in["expires_in"]), settings_of(request))
    remember_session(request, token, signed_in["user"])


def forget_session(request: Request) -> None:
    """Stop trusting this browser's token (an API refused it: the session ended)."""
    token = token_of(request)
    if token:
        signed_in_of(request).forget(token)


async def current_user(request: Request) -> User | None:
    """The signed-in person, or None (no cookie, or a token the API no longer accepts); remembered for the
    revocation window (services/web/sessions.py)."""
    if hasattr(request.state, "user"):
        user: User | None = request.state.user
        return user
    token = token_of(request)
    user = signed_in_of(request).get(token) if token else None
    if token and user is None:
        try:
            data = await backend_of(request).json(
                "submission", "GET", "/api/v1/auth/me", token=token, language=language(request)
            )
            user = remember_session(request, token, data)
        except ApiError as exc:
            if exc.status != 401:
                raise
    request.state.user = user
    return user


async def require_user(request: Request, *roles: str) -> User:
    """The signed-in person, who must have one of `roles` (any role when none given)."""
    user = await current_user(request)
    if user is None:
        raise SignInRequiredError
    if roles and user.role not in roles:
        raise ApiError(403, "forbidden", translate("Halaman ini bukan untuk peran Anda.", language(request)))
    return user


async def api(request: Request, service: str, method: str, path: str, **kwargs: Any) -> Any:
    """Call an API as the signed-in person; an expired session sends them to sign in."""
    try:
        return await backend_of(request).json(
            service, method, path, token=token_of(request), language=language(request), **kwargs
        )
    except ApiError as exc:
        if exc.status == 401:
            forget_session(request)
            raise SignInRequiredError from exc
        raise


async def agencies(request: Request) -> list[dict[str, Any]]:
    """The regency's agencies (OPD), for the forms' lists (public: no session needed)."""
    data = await backend_of(request).json(
        "submission", "GET", "/api/v1/agencies", token=token_of(request), language=language(request)
    )
    items: list[dict[str, Any]] = data["items"] if isinstance(data, dict) else data
    return items


def digits(value: str) -> int | str | None:
    """`45.000.000` or `Rp 45.000.000` -> 45000000; text that is no number is sent on, for the API to refuse."""
    cleaned = value.replace("Rp", "").replace(".", "").replace(" ", "").strip()
    if not cleaned:
        return None
    return int(cleaned) if cleaned.isdigit() else value


async def checked_form(request: Request) -> FormData:
    """The posted form, refused unless it carries this browser's CSRF token."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not csrf_valid(request, settings_of(request), submitted if isinstance(submitted, str) else None):
        raise CsrfRefusedError
    return form


def check_csrf_header(request: Request) -> None:
    """For the judge page's script calls: the token comes in a header."""
    if not csrf_valid(request, settings_of(request), request.headers.get(CSRF_HEADER)):
        raise CsrfRefusedError


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the browser's language, with what the layout needs.

    A form shown again with its errors answers 200 (as GOV.UK services do): the error summary says what
    is wrong, and the browser logs no failed load."""
    lang = language(request)
    settings = settings_of(request)

    def _(text: str) -> str:
        return translate(text, lang)

    def status_label(value: str | None) -> str:
        return translate(STATUS_LABELS.get(value or "", value or "–"), lang)

    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "_": _,
            "status_label": status_label,
            "moment": lambda value: formatting.moment(value, lang),
            "day": lambda value: formatting.day(value, lang),
            "clock": lambda value: formatting.clock(value, lang),
            "csrf_field": CSRF_FIELD,
            "csrf_token": csrf_token(request, settings),
            "user": getattr(request.state, "user", None),
            "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "default_edition": settings.default_edition,
            **context,
        },
        status_code=status_code,
        headers={"Content-Language": lang, "Cache-Control": "no-store"},
    )
    remember_csrf(request, response, settings)
    return response


def redirect(url: str) -> Response:
    """After a form: see the result page (303, so a reload does not post again)."""
    return RedirectResponse(url, status_code=303)


def sign_in_url(request: Request) -> str:
    """The sign-in page, coming back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/masuk?next={quote(here, safe='/')}" if request.method == "GET" else "/masuk"


def local_path(value: str | None, default: str = "/") -> str:
    """A `next` target only when it stays on this site (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


async def download(request: Request, service: str, path: str, params: dict[str, str] | None = None) -> Response:
    """A file from an API fetched with the person's token (never in a URL), passed on with its name and type."""
    lang = language(request)
    upstream = await backend_of(request).request(
        service, "GET", path, token=token_of(request), language=lang, params=params or {}
    )
    if upstream.status_code >= 400:
        if upstream.status_code == 401:
            forget_session(request)
            raise SignInRequiredError
        raise error_of(upstream, lang)
    headers = {k: v for k, v in upstream.headers.items() if k.lower() in ("content-type", "content-disposition")}
    return Response(upstream.content, headers={**headers, "Cache-Control": "no-store"})
