"""Who is signed in, remembered briefly per token so a page does not ask the submission service each time.

Every page needs the signed-in person (name, role, agency) before its own calls. The web front holds no
signing key and verifies no token itself (it must not gain the power to mint them); it asks
`GET /api/v1/auth/me`, and keeps the answer for a token for at most `AUTH_REVOCATION_CACHE_SECONDS`
(30 s, the window in which every service notices a revoked session, shared/revocation.py). Entries are
keyed by the token's SHA-256, never the token. Signing out, changing the password and an admin's change
of an account through this front forget that person's entries at once. Within the window a revoked
session can at most see a page's frame with its own name; every piece of data on a page comes from an
API that checks the token on each call (and sends the browser to sign in when it refuses it).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    """The signed-in person, as the submission service describes them."""

    id: str
    role: str
    name: str
    email: str
    agency_code: str | None
    nip: str | None


#: A bound on memory: about one entry per browser signed in within the window.
MAX_ENTRIES = 10_000


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignedIn:
    """The answers of `/auth/me` of the last `seconds`, per token (one per web process)."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._users: dict[str, tuple[User, float]] = {}

    def get(self, token: str) -> User | None:
        """The person of the token if the submission service named them within the window."""
        entry = self._users.get(_key(token))
        if entry is None:
            return None
        if self.clock() - entry[1] >= self.seconds:
            del self._users[_key(token)]
            return None
        return entry[0]

    def remember(self, token: str, user: User) -> None:
        """Keep the submission service's answer for the token (none at all with a window of 0)."""
        if self.seconds <= 0:
            return
        now = self.clock()
        if len(self._users) >= MAX_ENTRIES:
            # Expired entries go first; if all are fresh, the oldest (dicts keep insertion order).
            self._users = {k: v for k, v in self._users.items() if now - v[1] < self.seconds}
            while len(self._users) >= MAX_ENTRIES:
                del self._users[next(iter(self._users))]
        self._users[_key(token)] = (user, now)

    def forget(self, token: str) -> None:
        """Forget the token (an API refused it)."""
        self._users.pop(_key(token), None)

    def end(self, token: str) -> None:
        """Forget the token and every other token of its person (they signed out: all their sessions ended)."""
        entry = self._users.pop(_key(token), None)
        if entry is not None:
            self.forget_user(entry[0].id)

    def forget_user(self, user_id: str) -> None:
        """Forget every token of the person (their sessions were ended through this front)."""
        self._users = {k: v for k, v in self._users.items() if v[0].id != user_id}
