"""The emailed account links (verify the email, set a new password), the forgotten-password form, and
changing the password when signed in. Every step is the submission service's accounts API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.web.backend import ApiError
from services.web.pages import (
    api,
    backend_of,
    checked_form,
    language,
    redirect,
    render,
    require_user,
    signed_in_of,
    start_session,
)

router = APIRouter(include_in_schema=False)

#: Errors of an emailed link: the page says what happened and offers a new link.
LINK_FAILURES = (400, 410, 422)


async def public_call(request: Request, path: str, body: dict[str, Any]) -> Any:
    """A public accounts call (no session), in the browser's language."""
    return await backend_of(request).json("submission", "POST", path, token=None, language=language(request), json=body)


@router.get("/akun/verifikasi-email")
async def verify_page(request: Request, token: str = "") -> Response:
    """The registration link's page: a button sends the token (a mail scanner's GET must not use it up)."""
    return render(request, "account/verify.html", token=token, failure=None, code=None)


@router.post("/akun/verifikasi-email")
async def verify(request: Request) -> Response:
    """Verify the email; she signs in next, with her NIP and password."""
    form = await checked_form(request)
    token = str(form.get("token", ""))
    try:
        await public_call(request, "/api/v1/auth/verify-email", {"token": token})
    except ApiError as exc:
        if exc.status not in LINK_FAILURES:
            raise
        return render(request, "account/verify.html", token="", failure=exc.message, code=exc.code)
    return redirect("/masuk?pesan=email_terverifikasi")


@router.get("/lupa-sandi")
async def forgotten_page(request: Request) -> Response:
    """Ask for a password reset link by email."""
    return render(request, "account/forgotten.html", values={}, errors={}, sent=False)


@router.post("/lupa-sandi")
async def forgotten(request: Request) -> Response:
    """Send the link; the page says the same whether or not the address has an account."""
    form = await checked_form(request)
    email = str(form.get("email", "")).strip()
    try:
        await public_call(request, "/api/v1/auth/password-reset", {"email": email})
    except ApiError as exc:
        if exc.status not in (400, 422, 429):
            raise
        errors = exc.field_errors() if exc.status != 429 else {}
        return render(
            request, "account/forgotten.html", values={"email": email}, errors=errors, failure=exc.message, sent=False
        )
    return render(request, "account/forgotten.html", values={"email": email}, errors={}, sent=True)


@router.get("/akun/atur-kata-sandi")
async def reset_page(request: Request, token: str = "") -> Response:
    """The reset link's page: a new password for the account."""
    return render(request, "account/reset.html", token=token, errors={}, failure=None, code=None)


@router.post("/akun/atur-kata-sandi")
async def reset(request: Request) -> Response:
    """Set the new password; every session of the account ends, she signs in with it."""
    form = await checked_form(request)
    token = str(form.get("token", ""))
    password = str(form.get("password", ""))
    if not password:
        return render(request, "account/reset.html", token=token, errors={"password": ""}, failure=None, code=None)
    try:
        await public_call(request, "/api/v1/auth/password-reset/confirm", {"token": token, "password": password})
    except ApiError as exc:
        errors = exc.field_errors()
        if exc.status == 422 and "password" in errors:  # the link is fine, the password is not
            return render(request, "account/reset.html", token=token, errors=errors, failure=None, code=None)
        if exc.status not in LINK_FAILURES:
            raise
        return render(request, "account/reset.html", token="", errors={}, failure=exc.message, code=exc.code)
    return redirect("/masuk?pesan=sandi_diatur")


@router.get("/akun/kata-sandi")
async def change_page(request: Request, pesan: str | None = None) -> Response:
    """Change the password (signed in)."""
    await require_user(request)
    return render(request, "account/change.html", errors={}, failure=None, notice=pesan)


@router.post("/akun/kata-sandi")
async def change(request: Request) -> Response:
    """Change the password; the other sessions end and this browser keeps the fresh token."""
    form = await checked_form(request)
    user = await require_user(request)
    current = str(form.get("current_password", ""))
    new = str(form.get("new_password", ""))
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = ""
    if not new:
        errors["new_password"] = ""
    if errors:
        return render(request, "account/change.html", errors=errors, failure=None, notice=None)
    try:
        data = await api(
            request,
            "submission",
            "POST",
            "/api/v1/auth/password",
            json={"current_password": current, "new_password": new},
        )
    except ApiError as exc:
        if exc.status not in (400, 403, 422, 429):
            raise
        errors = exc.field_errors()
        if exc.code == "wrong_current_password":
            errors = {"current_password": exc.message}
        return render(request, "account/change.html", errors=errors, failure=exc.message, notice=None)
    signed_in_of(request).forget_user(user.id)  # every earlier token of hers has just ended
    response = redirect("/akun/kata-sandi?pesan=sandi_diubah")
    start_session(request, response, data)
    return response
