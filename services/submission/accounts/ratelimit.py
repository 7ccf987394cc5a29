"""Login rate limit: failed attempts per username and client address, counted in Redis for a minute."""

from __future__ import annotations

import hashlib

import redis

from shared.logging import get_logger

log = get_logger(__name__)

WINDOW_SECONDS = 60


class LoginLimiter:
    """Counts failed logins per (username, IP); refuses further tries once the limit is reached."""

    def __init__(self, client: redis.Redis, *, limit: int) -> None:
        self.client = client
        self.limit = limit

    @staticmethod
    def _key(username: str, ip: str) -> str:
        digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
        return f"audisi:login:fail:{digest}"

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds to wait before trying again, 0 when allowed. Fails open if Redis is down (logged)."""
        key = self._key(username, ip)
        try:
            count = self.client.get(key)
            if count is not None and int(count) >= self.limit:
                ttl = int(self.client.ttl(key))
                return max(ttl, 1)
        except redis.RedisError as exc:
            log.warning("login rate limit unavailable", error=str(exc))
        return 0

    def record_failure(self, username: str, ip: str) -> None:
        """Count one failed attempt; the window starts at the first failure."""
        key = self._key(username, ip)
        try:
            with self.client.pipeline() as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS, nx=True)
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("login rate limit unavailable", error=str(exc))

    def reset(self, username: str, ip: str) -> None:
        """Forget failures after a successful login."""
        try:
            self.client.delete(self._key(username, ip))
        except redis.RedisError as exc:
            log.warning("login rate limit unavailable", error=str(exc))
