"""Login rate limit: failed attempts counted in Redis for a minute, per username and address, and per address.

The first counter stops guessing one account's password; the second, ten times larger, stops one
address from trying a common password against many accounts (password spraying).
"""

from __future__ import annotations

import hashlib

import redis

from shared.logging import get_logger

log = get_logger(__name__)

WINDOW_SECONDS = 60
PER_ADDRESS_FACTOR = 10


class LoginLimiter:
    """Counts failed logins per (username, IP); refuses further tries once the limit is reached."""

    def __init__(self, client: redis.Redis, *, limit: int) -> None:
        self.client = client
        self.limit = limit

    @staticmethod
    def _key(username: str, ip: str) -> str:
        digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
        return f"audisi:login:fail:{digest}"

    @staticmethod
    def _address_key(ip: str) -> str:
        return f"audisi:login:fail-ip:{hashlib.sha256(ip.encode()).hexdigest()[:32]}"

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds to wait before trying again, 0 when allowed. Fails open if Redis is down (logged)."""
        checks = ((self._key(username, ip), self.limit), (self._address_key(ip), self.limit * PER_ADDRESS_FACTOR))
        try:
            counts = self.client.mget([key for key, _ in checks])
            for (key, limit), count in zip(checks, counts, strict=True):
                if count is not None and int(count) >= limit:
                    return max(int(self.client.ttl(key)), 1)
        except redis.RedisError as exc:
            log.warning("login rate limit unavailable", error=str(exc))
        return 0

    def record_failure(self, username: str, ip: str) -> None:
        """Count one failed attempt on both counters; each window starts at its first failure."""
        try:
            with self.client.pipeline() as pipe:
                for key in (self._key(username, ip), self._address_key(ip)):
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
