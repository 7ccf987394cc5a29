"""Ending sessions before their tokens expire: per-user revocation times in Redis, checked by every service.

The submission service owns accounts. When a person signs out, is deactivated, or has their role,
agency or password changed, it records "tokens of this user issued at or before T are void" in the
Redis hash `audisi:auth:revoked` (field = user id, value = T in milliseconds) *before* it commits the
change, so a change the database keeps is always known to Redis. Every service checks each Audisi
token's `iat_ms` against that hash, caching the answer per user for `AUTH_REVOCATION_CACHE_SECONDS`
(30 s by default: a revocation takes effect everywhere within that window).

Redis keeps nothing on disk. The hash therefore carries a `_loaded` field, written when the
submission service copies every recent revocation from its database into Redis (its relay checks
every pass; its API on first use). While `_loaded` is missing, or Redis cannot be reached, nobody
can tell whether a token was revoked, so the check refuses (503) rather than accepting it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from functools import cached_property

import redis

from shared.errors import AppError, Message
from shared.logging import get_logger

log = get_logger(__name__)

REVOKED_KEY = "audisi:auth:revoked"
LOADED_FIELD = "_loaded"

AUTH_UNAVAILABLE = Message(
    "Status sesi tidak dapat diperiksa saat ini, silakan coba lagi sebentar lagi",
    "Sessions cannot be checked right now, please try again shortly",
)

#: Copies every recent revocation from the accounts database: {user id: revoked at, in ms}.
Loader = Callable[[], Mapping[uuid.UUID, int]]


def now_ms() -> int:
    """The current time in whole milliseconds (the unit of `iat_ms` and of revocations)."""
    return time.time_ns() // 1_000_000


def auth_unavailable() -> AppError:
    """503: whether a token was revoked cannot be known right now."""
    return AppError(503, "auth_unavailable", AUTH_UNAVAILABLE, {"retry_after_seconds": 2})


class RevocationStore:
    """Reads (every service) and writes (the submission service) the revocation hash."""

    def __init__(
        self,
        redis_url: str,
        *,
        cache_seconds: float,
        loader: Loader | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis_url = redis_url
        self.cache_seconds = cache_seconds
        self.loader = loader
        self.clock = clock
        self._cache: dict[uuid.UUID, tuple[int, float]] = {}

    @cached_property
    def client(self) -> redis.Redis:
        """One connection pool per store (per process)."""
        return redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)

    def revoked_at(self, user_id: uuid.UUID) -> int:
        """When the user's sessions were last ended, in ms (0 if never); cached for `cache_seconds`."""
        cached = self._cache.get(user_id)
        now = self.clock()
        if cached is not None and now - cached[1] < self.cache_seconds:
            return cached[0]
        try:
            loaded, value = self.client.hmget(REVOKED_KEY, [LOADED_FIELD, str(user_id)])
            if loaded is None:
                value = self._reload(user_id)
        except redis.RedisError as exc:
            log.warning("session revocation check unavailable: refusing", error=str(exc))
            raise auth_unavailable() from exc
        revoked = int(value) if value is not None else 0
        self._cache[user_id] = (revoked, now)
        return revoked

    def _reload(self, user_id: uuid.UUID) -> bytes | None:
        """Refill the hash from the accounts database (submission only); elsewhere refuse until it is refilled."""
        if self.loader is None:
            log.warning("session revocations not loaded in Redis: refusing until the submission service loads them")
            raise auth_unavailable()
        self.restore(self.loader())
        value = self.client.hget(REVOKED_KEY, str(user_id))
        return value if isinstance(value, bytes) else None

    def restore(self, revocations: Mapping[uuid.UUID, int]) -> None:
        """Write every known revocation and mark the hash loaded.

        HSETNX: a revocation written by `revoke` since Redis came back is newer than the database's copy.
        """
        with self.client.pipeline(transaction=True) as pipe:
            for user_id, at in revocations.items():
                pipe.hsetnx(REVOKED_KEY, str(user_id), at)
            pipe.hset(REVOKED_KEY, LOADED_FIELD, now_ms())
            pipe.execute()
        log.info("session revocations loaded into Redis", count=len(revocations))

    def is_loaded(self) -> bool:
        """Whether the hash has been filled since Redis last started empty."""
        return bool(self.client.hexists(REVOKED_KEY, LOADED_FIELD))

    def revoke(self, user_id: uuid.UUID, at: int) -> None:
        """Void the user's tokens issued at or before `at` (ms). A 503 `AppError` if Redis fails."""
        try:
            self.client.hset(REVOKED_KEY, str(user_id), at)
        except redis.RedisError as exc:
            log.warning("session revocation could not be written", error=str(exc))
            raise auth_unavailable() from exc
        self._cache.pop(user_id, None)
        # Tokens issued at or before `at` are void: wait out that millisecond, so that a token issued right after
        # (the fresh one of a password change) is never issued within it and refused.
        while now_ms() <= at:
            time.sleep(0.0002)
