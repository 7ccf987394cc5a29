"""HTTP routes of accounts and login."""

from __future__ import annotations

from typing import Annotated

import redis
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.submission.accounts import service
from services.submission.accounts.ratelimit import LoginLimiter
from services.submission.accounts.schemas import LoginRequest, LoginResponse, UserCreate, UserRead
from services.submission.db import SessionDep, runtime
from shared.auth import CurrentPrincipal, Principal, Role, get_token_service, require_roles
from shared.errors import AppError
from shared.http import error_response

router = APIRouter(prefix="/api/v1", tags=["accounts"])

_limiters: dict[str, LoginLimiter] = {}


def get_login_limiter() -> LoginLimiter:
    """One limiter (and Redis connection pool) per process and Redis URL."""
    settings = runtime.settings
    limiter = _limiters.get(settings.redis_url)
    if limiter is None:
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        limiter = _limiters[settings.redis_url] = LoginLimiter(client, limit=settings.login_attempts_per_minute)
    return limiter


Admin = Annotated[Principal, require_roles(Role.ADMIN)]


@router.post("/auth/login", summary="Sign in with email or NIP", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, session: SessionDep) -> LoginResponse | JSONResponse:
    try:
        return service.login(
            session,
            tokens=get_token_service(request),
            limiter=get_login_limiter(),
            username=body.username,
            password=body.password,
            client_ip=request.client.host if request.client else "unknown",
        )
    except AppError as exc:
        if exc.status_code != 429:
            raise
        response = error_response(request, exc.status_code, exc.code, exc.message, exc.details)
        response.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
        return response


@router.get("/auth/me", summary="The signed-in user")
def me(principal: CurrentPrincipal, session: SessionDep) -> UserRead:
    return service.describe_principal(session, principal)


@router.post("/accounts", status_code=201, summary="Create a staff account (admin)")
def create_account(body: UserCreate, admin: Admin, session: SessionDep) -> UserRead:
    user = service.create_account(
        session,
        role=body.role,
        email=body.email,
        password=body.password,
        name=body.name,
        agency_code=body.agency_code,
        actor=admin,
    )
    return UserRead.model_validate(user)
