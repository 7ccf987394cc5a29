"""The admin's pages: accounts (by role, create, role and agency, deactivate and reactivate), the managed
list of agencies, and every service's dead letters with their replay.

The services decide: deactivating an account or changing its role ends its sessions in every service (the
submission service's revocation), and a replay only marks the dead letters for their relay to send.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from services.web.backend import ApiError
from services.web.i18n import translate
from services.web.pages import agencies, api, checked_form, language, redirect, render, require_user, signed_in_of

router = APIRouter(include_in_schema=False)

ROLES = ("participant", "judge", "committee", "agency", "admin")
#: Staff accounts an admin creates; participants register themselves with their NIP.
STAFF_ROLES = ("judge", "committee", "agency", "admin")
SERVICES = ("submission", "judging", "implementation")
PAGE_SIZE = 50
FORM_FAILURES = (400, 404, 409, 422)
ACCOUNT_FIELDS = ("role", "email", "name", "agency_code", "work_unit")


@router.get("/admin")
async def admin_home(request: Request) -> Response:
    """The accounts are the admin's first page."""
    await require_user(request, "admin")
    return redirect("/admin/akun")


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) <= 100_000 else 1


@router.get("/admin/akun")
async def accounts(
    request: Request,
    peran: str | None = None,
    status: str | None = None,
    q: str | None = None,
    halaman: str | None = None,
    pesan: str | None = None,
) -> Response:
    """Accounts by role and state, searchable by name or email; each with its role, agency and actions."""
    me = await require_user(request, "admin")
    role = peran if peran in ROLES else None
    params: dict[str, Any] = {"page": _page_number(halaman), "page_size": PAGE_SIZE}
    if role:
        params["role"] = role
    if status in ("aktif", "nonaktif"):
        params["active"] = status == "aktif"
    if q and q.strip():
        params["q"] = q.strip()[:200]
    data = await api(request, "submission", "GET", "/api/v1/accounts", params=params)
    return render(
        request,
        "admin/accounts.html",
        accounts=data["items"],
        total=data["total"],
        page=data["page"],
        pages=max(1, -(-int(data["total"]) // PAGE_SIZE)),
        filters={"peran": role or "", "status": status or "", "q": params.get("q", "")},
        roles=ROLES,
        agencies=await agencies(request),
        notice=pesan,
        failure=request.query_params.get("gagal"),
        me=me,
    )


async def _new_account_page(
    request: Request, *, values: dict[str, str], failed: ApiError | None = None, errors: dict[str, str] | None = None
) -> Response:
    return render(
        request,
        "admin/account_new.html",
        values=values,
        errors=errors if errors is not None else (_field_errors(failed) if failed else {}),
        failure=failed.message if failed else None,
        roles=STAFF_ROLES,
        agencies=await agencies(request),
    )


def _field_errors(failed: ApiError) -> dict[str, str]:
    """The fields a refusal names: a validation error's, or the one field a domain rule names (`agency_required`)."""
    errors = failed.field_errors()
    if not errors and isinstance(failed.details, dict) and isinstance(failed.details.get("field"), str):
        errors = {failed.details["field"]: failed.message}
    return errors


@router.get("/admin/akun/baru")
async def new_account(request: Request) -> Response:
    """The form for a staff account (judge, committee, agency officer, admin)."""
    await require_user(request, "admin")
    return await _new_account_page(request, values={"role": "agency"})


@router.post("/admin/akun/baru")
async def create_account(request: Request) -> Response:
    """Create the account; its owner signs in with the password the admin gives them, and may change it."""
    await require_user(request, "admin")
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in ACCOUNT_FIELDS}
    body: dict[str, Any] = {name: values[name] or None for name in ACCOUNT_FIELDS}
    body["password"] = str(form.get("password", ""))
    try:
        await api(request, "submission", "POST", "/api/v1/accounts", json=body)
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        return await _new_account_page(request, values=values, failed=exc)
    return redirect(f"/admin/akun?pesan=dibuat&q={values['email']}")


async def _account_action(
    request: Request, form: FormData, user_id: str, *, method: str, path: str, body: Any, notice: str
) -> Response:
    """One change of an account; a refusal comes back to the list (its filters kept) with the service's message."""
    back = str(form.get("back", ""))
    back = back if back.startswith("/admin/akun") and not back.startswith("//") else "/admin/akun"
    back = back.split("&pesan=")[0].split("&gagal=")[0]
    separator = "&" if "?" in back else "?"
    try:
        await api(request, "submission", method, f"/api/v1/accounts/{user_id}{path}", json=body)
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        return redirect(f"{back}{separator}gagal={quote(exc.message)}")
    signed_in_of(request).forget_user(user_id)  # the change (or the end of the sessions) shows on their next page
    return redirect(f"{back}{separator}pesan={notice}")


@router.post("/admin/akun/{user_id}/peran")
async def change_role(user_id: str, request: Request) -> Response:
    """Change the account's role and agency (its sessions end, so the new role applies at once)."""
    await require_user(request, "admin")
    form = await checked_form(request)
    body = {"role": str(form.get("role", "")), "agency_code": str(form.get("agency_code", "")).strip() or None}
    return await _account_action(request, form, user_id, method="PATCH", path="", body=body, notice="peran_diubah")


#: The page's word for each change of an account's state: the API's path, and the notice shown after it.
ACTIVATION = {"nonaktifkan": ("/deactivate", "dinonaktifkan"), "aktifkan": ("/reactivate", "diaktifkan")}


@router.post("/admin/akun/{user_id}/{action}")
async def set_active(user_id: str, action: str, request: Request) -> Response:
    """Deactivate (sign-in refused, every session of the account ends in all three services) or reactivate."""
    await require_user(request, "admin")
    form = await checked_form(request)
    if action not in ACTIVATION:
        raise ApiError(404, "not_found", translate("Halaman yang Anda cari tidak ada.", language(request)))
    path, notice = ACTIVATION[action]
    return await _account_action(request, form, user_id, method="POST", path=path, body=None, notice=notice)


async def _managed_agencies(request: Request) -> list[dict[str, Any]]:
    """Every agency of the managed list with its state (the public list leaves deactivated ones out)."""
    items: list[dict[str, Any]] = await api(request, "submission", "GET", "/api/v1/agencies/managed")
    return items


@router.get("/admin/opd")
async def agencies_page(request: Request, pesan: str | None = None) -> Response:
    """The agencies people and ideas may name, deactivated ones too, and the form to add or change one."""
    await require_user(request, "admin")
    return render(
        request, "admin/agencies.html", agencies=await _managed_agencies(request), values={}, errors={}, notice=pesan
    )


@router.post("/admin/opd")
async def save_agency(request: Request) -> Response:
    """Add an agency, or change one (a reorganisation's new name, a new address, or deactivate it)."""
    await require_user(request, "admin")
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in ("code", "name", "email")}
    code = values["code"].upper()
    active = form.get("active") != "false"
    try:
        if not code:
            raise ApiError(422, "validation_error", "", [{"field": "code", "message": ""}])
        await api(
            request,
            "submission",
            "PUT",
            f"/api/v1/agencies/{code}",
            json={"name": values["name"], "email": values["email"], "active": active},
        )
    except ApiError as exc:
        if exc.status not in FORM_FAILURES:
            raise
        errors = exc.field_errors() or {"code": exc.message}
        return render(
            request,
            "admin/agencies.html",
            agencies=await _managed_agencies(request),
            values=values,
            errors=errors,
            failure=exc.message or None,
            notice=None,
        )
    return redirect(f"/admin/opd?pesan={'disimpan' if active else 'dinonaktifkan'}")


@router.get("/admin/pesan-gagal")
async def dead_letters(request: Request, pesan: str | None = None) -> Response:
    """Messages parked in each service (events not delivered or not handled) and webhook deliveries that ran
    out of retries; ops fix the cause first, then replay them here."""
    await require_user(request, "admin")
    parked = {service: await api(request, service, "GET", "/api/v1/ops/dead-letters") for service in SERVICES}
    webhooks = await api(request, "implementation", "GET", "/api/v1/ops/webhooks/dead-letters")
    return render(request, "admin/dead_letters.html", parked=parked, webhooks=webhooks, notice=pesan, services=SERVICES)


@router.post("/admin/pesan-gagal/webhook/ulang")
async def replay_webhooks(request: Request) -> Response:
    """Put one webhook dead letter (or all) back in the delivery queue."""
    await require_user(request, "admin")
    form = await checked_form(request)
    dead_letter_id = str(form.get("id", "")).strip()
    body = {"ids": [dead_letter_id] if dead_letter_id else None}
    result = await api(request, "implementation", "POST", "/api/v1/ops/webhooks/dead-letters/replay", json=body)
    return redirect(f"/admin/pesan-gagal?pesan=diulang&jumlah={result['replayed']}")


@router.post("/admin/pesan-gagal/{service}/ulang")
async def replay(service: str, request: Request) -> Response:
    """Replay one dead letter (its event id and kind) or every one of a service."""
    await require_user(request, "admin")
    form = await checked_form(request)
    if service not in SERVICES:
        raise ApiError(404, "not_found", translate("Halaman yang Anda cari tidak ada.", language(request)))
    event_id = str(form.get("event_id", "")).strip()
    kind = str(form.get("kind", "")).strip() or None
    body = {"event_ids": [event_id] if event_id else None, "kind": kind}
    counts = await api(request, service, "POST", "/api/v1/ops/dead-letters/replay", json=body)
    return redirect(f"/admin/pesan-gagal?pesan=diulang&jumlah={counts['outbox'] + counts['inbox']}")
