"""Dependencies of the account routes that other domains' routes use too (routes never import routes)."""

from __future__ import annotations

from typing import Annotated

import redis
from fastapi import Depends, Request

from services.submission.accounts.ratelimit import LinkLimiter, LoginLimiter
from services.submission.db import runtime

_clients: dict[str, redis.Redis] = {}


def _redis() -> redis.Redis:
    """One Redis connection pool per process and URL, for the limiters."""
    url = runtime.settings.redis_url
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return client


def get_login_limiter() -> LoginLimiter:
    """The sign-in limiter (attempts per account and per address, per minute)."""
    return LoginLimiter(_redis(), limit=runtime.settings.login_attempts_per_minute)


def get_link_limiter() -> LinkLimiter:
    """The limiter of emailed links (per email and per address, per hour)."""
    return LinkLimiter(_redis(), per_hour=runtime.settings.account_emails_per_hour)


def client_ip(request: Request) -> str:
    """The caller's address, as the limiters count it."""
    return request.client.host if request.client else "unknown"


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
LinkLimiterDep = Annotated[LinkLimiter, Depends(get_link_limiter)]
