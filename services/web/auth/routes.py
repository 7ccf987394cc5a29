"""Signing in and out, registering as a participant, the language switch, the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from services.web.auth import sso
from services.web.backend import ApiError
from services.web.i18n import translate
from services.web.pages import (
    agencies,
    api,
    backend_of,
    checked_form,
    current_user,
    language,
    local_path,
    redirect,
    render,
    settings_of,
    signed_in_of,
    start_session,
    token_of,
)
from services.web.security import LANGUAGE_COOKIE, clear_session

router = APIRouter(include_in_schema=False)

HOME_OF_ROLE = {"participant": "/gagasan", "judge": "/juri", "agency": "/opd", "admin": "/admin/akun"}
POSITION_GROUPS = ("pengawas", "fungsional_penyetaraan", "fungsional_ahli", "pelaksana")


@router.get("/")
async def home(request: Request) -> Response:
    """Participants, judges, agency officers and admins go to their own page; everyone else sees what Audisi is."""
    user = await current_user(request)
    if user is not None and user.role in HOME_OF_ROLE:
        return redirect(HOME_OF_ROLE[user.role])
    return render(request, "home.html")


@router.get("/bahasa/{lang}")
async def switch_language(lang: str, request: Request, next: str | None = None) -> Response:
    """Switch between Indonesian and English; the choice is remembered for a year."""
    response = redirect(local_path(next))
    chosen = "en" if lang == "en" else "id"
    response.set_cookie(
        LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", secure=settings_of(request).secure_cookies
    )
    return response


@router.get("/masuk")
async def login_page(request: Request, next: str | None = None, pesan: str | None = None) -> Response:
    """The sign-in form (NIP or email, and password), and the regency's single sign-on where it is set up."""
    return render(request, "auth/login.html", next=local_path(next, ""), values={}, errors={}, notice=pesan)


@router.get("/masuk/sso")
async def sso_start(request: Request, next: str | None = None) -> Response:
    """Go to the regency's single sign-on (authorization code with PKCE); it sends the browser back."""
    settings = settings_of(request)
    if not settings.sso_enabled:
        raise HTTPException(404)
    target = local_path(next, "")
    try:
        url, pending = await sso.authorization_url(request, settings, target)
    except sso.SsoFailedError as exc:
        return render(request, "auth/login.html", next=target, values={}, errors={}, failure=_(request, exc.message))
    response = RedirectResponse(url, status_code=303)
    sso.remember(response, pending, settings)
    return response


@router.get("/masuk/sso/kembali", name="sso_return")
async def sso_return(request: Request) -> Response:
    """Back from the single sign-on: its ID token, verified by the submission service, becomes the session."""
    settings = settings_of(request)
    if not settings.sso_enabled:
        raise HTTPException(404)
    target = ""
    try:
        pending = sso.pending_of(request, settings)
        target = local_path(pending.next, "")
        id_token = await sso.id_token_of_return(request, settings, pending)
        data = await backend_of(request).json(
            "submission",
            "POST",
            "/api/v1/auth/sso",
            token=None,
            language=language(request),
            json={"id_token": id_token, "nonce": pending.nonce},
        )
    except (sso.SsoFailedError, ApiError) as exc:
        if isinstance(exc, ApiError) and exc.status not in (401, 403, 404, 422, 503):
            raise
        message = _(request, exc.message) if isinstance(exc, sso.SsoFailedError) else exc.message
        page = render(request, "auth/login.html", next=target, values={}, errors={}, failure=message)
        sso.forget(page, settings)
        return page
    response = redirect(target or HOME_OF_ROLE.get(str(data["user"]["role"]), "/"))
    sso.forget(response, settings)
    start_session(request, response, data)
    return response


def _(request: Request, text: str) -> str:
    return translate(text, language(request))


@router.post("/masuk")
async def login(request: Request) -> Response:
    """Sign in through the submission service; its token becomes the session cookie."""
    form = await checked_form(request)
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = local_path(str(form.get("next", "")), "")
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Isi NIP atau email Anda."
    if not password:
        errors["password"] = "Isi kata sandi Anda."  # noqa: S105 - a message, not a password
    if not errors:
        try:
            data = await backend_of(request).json(
                "submission",
                "POST",
                "/api/v1/auth/login",
                token=None,
                language=language(request),
                json={"username": username, "password": password},
            )
        except ApiError as exc:
            if exc.status not in (400, 401, 403, 422, 429):
                raise
            return render(
                request,
                "auth/login.html",
                next=target,
                values={"username": username},
                errors={},
                failure=exc.message,
            )
        role = str(data["user"]["role"])
        response = redirect(target or HOME_OF_ROLE.get(role, "/"))
        start_session(request, response, data)
        return response
    return render(request, "auth/login.html", next=target, values={"username": username}, errors=errors)


@router.post("/keluar")
async def logout(request: Request) -> Response:
    """Sign out: end the session in the services (where they can), then forget the cookie."""
    await checked_form(request)
    token = token_of(request)
    if token:
        try:  # ends every token of the account, in all three services
            await backend_of(request).json(
                "submission", "POST", "/api/v1/auth/logout", token=token, language=language(request)
            )
        except ApiError as exc:
            if exc.status != 401:  # a session that had already ended
                raise
        signed_in_of(request).end(token)
    response = redirect("/?pesan=keluar")
    clear_session(response, settings_of(request))
    return response


@router.get("/daftar")
async def register_page(request: Request) -> Response:
    """A civil servant registers with their NIP."""
    return render(
        request, "auth/register.html", values={}, errors={}, agencies=await agencies(request), groups=POSITION_GROUPS
    )


REGISTER_FIELDS = ("nip", "name", "email", "phone", "position_group", "agency_code")


@router.post("/daftar")
async def register(request: Request) -> Response:
    """Register (or claim the account the committee imported): the API emails a link, she opens it to sign in."""
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in REGISTER_FIELDS}
    password = str(form.get("password", ""))
    try:
        data = await backend_of(request).json(
            "submission",
            "POST",
            "/api/v1/participants/register",
            token=None,
            language=language(request),
            json={**values, "phone": values["phone"] or None, "password": password},
        )
    except ApiError as exc:
        if exc.status not in (400, 409, 422, 429):
            raise
        return render(
            request,
            "auth/register.html",
            values=values,
            errors=_register_errors(exc, language(request)),
            failure=exc.message,
            agencies=await agencies(request),
            groups=POSITION_GROUPS,
        )
    return render(request, "account/check_email.html", email=values["email"], valid_minutes=int(data["valid_minutes"]))


def _register_errors(exc: ApiError, lang: str) -> dict[str, str]:
    """The refusal's messages by field; an invalid NIP says each problem (the API gives them in both languages)."""
    errors = exc.field_errors()
    if exc.code == "invalid_nip" and isinstance(exc.details, dict):
        problems = exc.details.get("problems" if lang == "en" else "problems_id") or exc.details.get("problems") or []
        errors["nip"] = "; ".join(str(p) for p in problems)
    return errors


@router.get("/notifikasi")
async def notifications(request: Request) -> Response:
    """The signed-in person's notifications, newest first."""
    from services.web.pages import require_user

    await require_user(request)
    data = await api(request, "implementation", "GET", "/api/v1/notifications")
    return render(request, "notifications.html", items=data.get("items", []))


@router.post("/notifikasi/dibaca")
async def notifications_read(request: Request) -> Response:
    """Mark every notification read."""
    await checked_form(request)
    await api(request, "implementation", "POST", "/api/v1/notifications/read-all")
    return redirect("/notifikasi")
