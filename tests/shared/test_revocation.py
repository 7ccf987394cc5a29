"""Session revocation checked by every service: the per-process cache window, and refusing when unsure."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from audisi.testing.infra import Infra
from shared.auth import Role, TokenService
from shared.errors import AppError
from shared.revocation import REVOKED_KEY, RevocationStore, now_ms
from shared.settings import ServiceSettings


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_url(infra: Infra) -> Iterator[str]:
    client = redis.Redis.from_url(infra.redis_url)
    client.delete(REVOKED_KEY)
    yield infra.redis_url
    client.delete(REVOKED_KEY)
    client.close()


def test_revocation_reaches_a_reader_once_its_cache_window_passes(redis_url: str) -> None:
    clock = Clock()
    writer = RevocationStore(redis_url, cache_seconds=30)
    writer.restore({})
    reader = RevocationStore(redis_url, cache_seconds=30, clock=clock)
    user = uuid.uuid4()
    assert reader.revoked_at(user) == 0
    at = now_ms()
    writer.revoke(user, at)
    clock.now += 29.9
    assert reader.revoked_at(user) == 0  # still within the window: the cached answer
    clock.now += 0.1
    assert reader.revoked_at(user) == at


def test_token_issued_before_a_revocation_is_refused_and_a_later_one_accepted(redis_url: str) -> None:
    settings = ServiceSettings(
        environment="test",
        database_url="postgresql+psycopg://unused/none",
        redis_url=redis_url,
        auth_revocation_cache_seconds=0,
    )
    tokens = TokenService(settings)
    tokens.revocations.restore({})
    user = uuid.uuid4()
    old, _ = tokens.issue(user_id=user, role=Role.JUDGE, name="Juri", email=None, agency_code=None)
    tokens.revocations.revoke(user, now_ms())
    with pytest.raises(AppError) as caught:
        tokens.check_not_revoked(tokens.verify(old))
    assert (caught.value.status_code, caught.value.details) == (401, {"reason": "session ended"})
    new, _ = tokens.issue(user_id=user, role=Role.JUDGE, name="Juri", email=None, agency_code=None)
    tokens.check_not_revoked(tokens.verify(new))


def test_check_refuses_while_revocations_are_not_loaded(redis_url: str) -> None:
    reader = RevocationStore(redis_url, cache_seconds=30)
    with pytest.raises(AppError) as caught:
        reader.revoked_at(uuid.uuid4())
    assert (caught.value.status_code, caught.value.code) == (503, "auth_unavailable")


def test_owner_of_accounts_refills_revocations_after_redis_lost_them(redis_url: str) -> None:
    user = uuid.uuid4()
    reader = RevocationStore(redis_url, cache_seconds=0, loader=lambda: {user: 1234})
    assert reader.revoked_at(user) == 1234
    assert RevocationStore(redis_url, cache_seconds=0).revoked_at(user) == 1234  # loaded for every service


def test_check_refuses_when_redis_is_down() -> None:
    reader = RevocationStore("redis://127.0.0.1:1/0", cache_seconds=30)
    with pytest.raises(AppError) as caught:
        reader.revoked_at(uuid.uuid4())
    assert (caught.value.status_code, caught.value.code) == (503, "auth_unavailable")
