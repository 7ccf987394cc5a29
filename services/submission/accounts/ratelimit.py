"""Attempt limits in Redis: sign-in attempts per account and per address, and requests for emailed links.

Each attempt is counted *before* the password is checked, in one MULTI/EXEC transaction, so concurrent
attempts cannot all pass a check that none of them has counted yet; a successful sign-in gives its
attempt back. The account counter holds across addresses (a botnet gets `limit` tries per account a
minute, not `limit` per address); the address counter, ten times larger, stops one address from trying
a common password against many accounts (password spraying).

Only commands every Redis we run has (SET with NX and EX, INCR, TTL, DECR, DEL: Redis 2.6.12+; the
embedded server is 6.2, where `EXPIRE ... NX` does not exist). When Redis cannot count, the limiter
refuses: `LimiterUnavailable` becomes a 503, never an unlimited sign-in.
"""

from __future__ import annotations

import hashlib

import redis

from shared.errors import AppError, Message
from shared.logging import get_logger

log = get_logger(__name__)

WINDOW_SECONDS = 60
PER_ADDRESS_FACTOR = 10

LIMITER_UNAVAILABLE = Message(
    "Layanan masuk sedang tidak tersedia, silakan coba lagi sebentar lagi",
    "Sign-in is temporarily unavailable, please try again shortly",
)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def too_many(wait: int) -> AppError:
    """429 with the seconds to wait (the route copies them to `Retry-After`)."""
    return AppError(
        429,
        "too_many_attempts",
        Message(
            f"Terlalu banyak percobaan. Coba lagi dalam {wait} detik",
            f"Too many attempts. Try again in {wait} seconds",
        ),
        {"retry_after_seconds": wait},
    )


def unavailable(exc: Exception) -> AppError:
    """503: the limiter cannot count, so it refuses."""
    log.warning("rate limit unavailable: refusing", error=str(exc))
    return AppError(503, "rate_limit_unavailable", LIMITER_UNAVAILABLE, {"retry_after_seconds": 5})


class AttemptCounter:
    """Fixed windows of `window` seconds per key; `take` counts one attempt on several keys at once."""

    def __init__(self, client: redis.Redis, *, prefix: str, window: int = WINDOW_SECONDS) -> None:
        self.client = client
        self.prefix = prefix
        self.window = window

    def key(self, kind: str, value: str) -> str:
        """The Redis key of one counter (values hashed: no emails or addresses in Redis)."""
        return f"{self.prefix}:{kind}:{_digest(value.strip().lower())}"

    def take(self, limits: dict[str, int]) -> int:
        """Count one attempt on every key; 0 if all are within their limit, else the seconds to wait.

        Raises a 503 `AppError` if Redis cannot count.
        """
        try:
            with self.client.pipeline(transaction=True) as pipe:
                for key in limits:
                    # The window starts with its first attempt: SET NX EX creates the key with its expiry
                    # once, and INCR keeps the expiry.
                    pipe.set(key, 0, ex=self.window, nx=True)
                    pipe.incr(key)
                    pipe.ttl(key)
                replies = pipe.execute()
        except redis.RedisError as exc:
            raise unavailable(exc) from exc
        wait = 0
        for index, limit in enumerate(limits.values()):
            count, ttl = int(replies[index * 3 + 1]), int(replies[index * 3 + 2])
            if count > limit:
                wait = max(wait, ttl if ttl > 0 else self.window)
        return wait

    def check(self, *, kind: str, value: str, limit: int, ip: str) -> None:
        """Count one attempt for `value` (limit) and for the address (ten times it); 429 once either is used up."""
        wait = self.take({self.key(kind, value): limit, self.key("address", ip): limit * PER_ADDRESS_FACTOR})
        if wait:
            raise too_many(wait)


class LoginLimiter:
    """Sign-in attempts per account (any address) and per address; refuses once either is used up."""

    def __init__(self, client: redis.Redis, *, limit: int) -> None:
        self.counter = AttemptCounter(client, prefix="audisi:login")
        self.limit = limit

    def check_attempt(self, username: str, ip: str) -> None:
        """Count this attempt; 429 if the account or the address has used up its minute, 503 if Redis is down."""
        self.counter.check(kind="account", value=username, limit=self.limit, ip=ip)

    def succeeded(self, username: str, ip: str) -> None:
        """A right password: forget the account's attempts and give the address its attempt back."""
        try:
            with self.counter.client.pipeline(transaction=True) as pipe:
                pipe.delete(self.counter.key("account", username))
                address = self.counter.key("address", ip)
                # Never a DECR on a key that has just expired: it would create one without an expiry.
                pipe.set(address, 0, ex=self.counter.window, nx=True)
                pipe.decr(address)
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("rate limit reset failed", error=str(exc))


class LinkLimiter:
    """Emailed links asked for per email address and per client address, in one-hour windows."""

    def __init__(self, client: redis.Redis, *, per_hour: int) -> None:
        self.counter = AttemptCounter(client, prefix="audisi:links", window=3600)
        self.per_hour = per_hour

    def check(self, email: str, ip: str) -> None:
        """Count this request; 429 once the email or the address has used up its hour, 503 if Redis is down."""
        self.counter.check(kind="email", value=email, limit=self.per_hour, ip=ip)
