"""HTTP routes of accounts and login: sign-in and sign-out, emailed links, passwords, account administration."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from services.submission.accounts import admin, service, sso
from services.submission.accounts.deps import LinkLimiterDep, LoginLimiterDep, client_ip
from services.submission.accounts.schemas import (
    AccountPage,
    AccountRead,
    AccountUpdate,
    Done,
    JudgePage,
    LinkSent,
    LoginRequest,
    LoginResponse,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    SsoLoginRequest,
    TokenBody,
    UserCreate,
    UserRead,
)
from services.submission.db import SessionDep, runtime
from services.submission.deps import PageQuery
from shared.auth import Admin, Committee, CurrentPrincipal, Role, get_token_service
from shared.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post(
    "/auth/login",
    summary="Sign in with email or NIP",
    response_model=LoginResponse,
    responses=errors(
        notes={
            401: "`bad_credentials`",
            403: "`email_not_verified`: the emailed link was not opened yet",
            429: "`too_many_attempts`, with `Retry-After`",
            503: "`rate_limit_unavailable`: attempts cannot be counted, so none is allowed",
        }
    ),
)
def login(body: LoginRequest, request: Request, session: SessionDep, limiter: LoginLimiterDep) -> LoginResponse:
    return service.login(
        session,
        tokens=get_token_service(request),
        limiter=limiter,
        username=body.username,
        password=body.password,
        client_ip=client_ip(request),
    )


@router.post(
    "/auth/sso",
    summary="Sign in with an ID token of the regency's single sign-on (the web front's OpenID Connect sign-in)",
    response_model=LoginResponse,
    responses=errors(
        notes={
            401: "`invalid_sso_token`: bad signature, issuer, audience, nonce, or expired",
            403: "`sso_email_not_verified`, `sso_no_account` or `account_inactive`",
            404: "`sso_not_configured`",
            503: "`sso_unavailable`: the issuer's keys cannot be fetched",
        }
    ),
)
def sso_login(body: SsoLoginRequest, request: Request, session: SessionDep) -> LoginResponse:
    settings = runtime.settings
    return sso.sso_login(
        session,
        tokens=get_token_service(request),
        id_token=body.id_token,
        nonce=body.nonce,
        issuer=settings.sso_issuer,
        client_id=settings.sso_client_id,
        leeway_seconds=settings.sso_clock_skew_seconds,
    )


@router.post(
    "/auth/logout",
    status_code=204,
    summary="Sign out everywhere: every token of mine stops working",
    responses=errors(401),
)
def logout(principal: CurrentPrincipal, session: SessionDep) -> Response:
    service.logout(session, principal=principal)
    return Response(status_code=204)


@router.get("/auth/me", summary="The signed-in user", responses=errors(401))
def me(principal: CurrentPrincipal, session: SessionDep) -> UserRead:
    return service.describe_principal(session, principal)


@router.post(
    "/auth/verify-email",
    summary="Use a registration or claim link (public): the account may sign in from now on",
    responses=errors(404, notes={400: "`invalid_link`", 410: "`link_used` or `link_expired`"}),
)
def verify_email(body: TokenBody, session: SessionDep) -> Done:
    service.verify_email(session, token=body.token)
    return Done(status="email_verified")


@router.post(
    "/auth/password-reset",
    status_code=202,
    summary="Email a password reset link (public; the same answer whether or not the email has an account)",
    responses=errors(notes={429: "`too_many_attempts`, with `Retry-After`"}),
)
def request_password_reset(
    body: PasswordResetRequest, request: Request, session: SessionDep, limiter: LinkLimiterDep
) -> LinkSent:
    return service.request_password_reset(session, email=body.email, limiter=limiter, client_ip=client_ip(request))


@router.post(
    "/auth/password-reset/confirm",
    summary="Use a reset link with a new password (public); every session of the account ends",
    responses=errors(404, notes={400: "`invalid_link`", 410: "`link_used`, `link_expired` or `account_inactive`"}),
)
def reset_password(body: PasswordResetConfirm, session: SessionDep) -> Done:
    service.reset_password(session, token=body.token, password=body.password)
    return Done(status="password_set")


@router.post(
    "/auth/password",
    summary="Change my password; my other sessions end and this answer carries a fresh token",
    responses=errors(401, 404, notes={403: "`wrong_current_password`", 429: "`too_many_attempts`, with `Retry-After`"}),
)
def change_password(
    body: PasswordChange, request: Request, principal: CurrentPrincipal, session: SessionDep, limiter: LoginLimiterDep
) -> LoginResponse:
    return service.change_password(
        session,
        principal=principal,
        tokens=get_token_service(request),
        limiter=limiter,
        current_password=body.current_password,
        new_password=body.new_password,
        client_ip=client_ip(request),
    )


@router.post("/accounts", status_code=201, summary="Create a staff account (admin)", responses=errors(401, 403, 409))
def create_account(body: UserCreate, admin_: Admin, session: SessionDep) -> UserRead:
    user = service.create_account(
        session,
        role=body.role,
        email=body.email,
        password=body.password,
        name=body.name,
        agency_code=body.agency_code,
        work_unit=body.work_unit,
        actor=admin_,
    )
    return UserRead.model_validate(user)


@router.get("/accounts", summary="List accounts by role, state, agency or name (admin)", responses=errors(401, 403))
def list_accounts(
    _: Admin,
    session: SessionDep,
    page: PageQuery,
    role: Role | None = None,
    active: bool | None = None,
    agency_code: str | None = None,
    q: str | None = None,
) -> AccountPage:
    return admin.list_accounts(session, page=page, role=role, active=active, agency_code=agency_code, q=q)


@router.patch(
    "/accounts/{user_id}",
    summary="Change an account's role, name, agency or work unit (admin)",
    responses=errors(401, 403, 404),
)
def update_account(user_id: uuid.UUID, body: AccountUpdate, admin_: Admin, session: SessionDep) -> AccountRead:
    return admin.update_account(session, user_id=user_id, data=body, actor=admin_)


@router.post(
    "/accounts/{user_id}/deactivate",
    summary="Deactivate an account: sign-in refused, sessions end (admin)",
    responses=errors(401, 403, 404),
)
def deactivate_account(user_id: uuid.UUID, admin_: Admin, session: SessionDep) -> AccountRead:
    return admin.set_active(session, user_id=user_id, active=False, actor=admin_)


@router.post("/accounts/{user_id}/reactivate", summary="Reactivate an account (admin)", responses=errors(401, 403, 404))
def reactivate_account(user_id: uuid.UUID, admin_: Admin, session: SessionDep) -> AccountRead:
    return admin.set_active(session, user_id=user_id, active=True, actor=admin_)


@router.get(
    "/judges",
    summary="Active judge accounts with agency and work unit, to build panels (committee)",
    responses=errors(401, 403),
)
def list_judges(
    _: Committee,
    session: SessionDep,
    page: PageQuery,
    agency_code: str | None = None,
    q: str | None = None,
) -> JudgePage:
    return admin.list_judges(session, page=page, agency_code=agency_code, q=q)
