"""The sign-in limit: per account across addresses, counted before the password check, refusing without Redis."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from services.submission.accounts import service
from services.submission.accounts.commands import create_user
from services.submission.accounts.deps import get_login_limiter
from services.submission.accounts.ratelimit import LoginLimiter
from shared.auth import TokenService
from shared.errors import AppError

EMAIL = "juri@trenggalekkab.go.id"


def _attempt(runtime: Any, *, password: str, ip: str) -> int:
    """One sign-in through the domain function, from a given client address; the HTTP status it gives."""
    with runtime.session_factory() as session:
        try:
            service.login(
                session,
                tokens=TokenService(runtime.settings),
                limiter=get_login_limiter(),
                username=EMAIL,
                password=password,
                client_ip=ip,
            )
        except AppError as exc:
            return exc.status_code
    return 200


@pytest.fixture
def judge(submission_runtime: Any) -> None:
    create_user(role="judge", email=EMAIL, password="benar-sekali", name="Juri", agency_code="DINKES")


def test_login_limit_holds_per_account_across_addresses(submission_runtime: Any, judge: None) -> None:
    answers = [_attempt(submission_runtime, password="salah", ip=f"10.0.0.{i}") for i in range(1, 5)]
    assert answers == [401, 401, 401, 429]  # the test settings allow 3 a minute
    assert _attempt(submission_runtime, password="benar-sekali", ip="10.9.9.9") == 429


def test_concurrent_login_attempts_cannot_exceed_the_limit(submission_runtime: Any, judge: None) -> None:
    start = threading.Barrier(12)
    answers: list[int] = []
    lock = threading.Lock()

    def guess(i: int) -> None:
        start.wait()
        status = _attempt(submission_runtime, password=f"tebakan-{i}", ip=f"10.1.0.{i}")
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [401] * 3 + [429] * 9


def test_login_limiter_window_expires_on_redis_without_expire_nx(submission_runtime: Any) -> None:
    limiter = get_login_limiter()
    limiter.check_attempt("siapa@x.go.id", "10.2.0.1")
    client = redis.Redis.from_url(submission_runtime.settings.redis_url)
    ttls = [client.ttl(key) for key in client.scan_iter("audisi:login:*")]
    client.close()
    assert len(ttls) == 2
    assert all(1 <= ttl <= 60 for ttl in ttls)


def test_login_refused_with_503_when_redis_is_down(client: TestClient, judge: None) -> None:
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=1, socket_timeout=1)
    client.app.dependency_overrides[get_login_limiter] = lambda: LoginLimiter(dead, limit=3)  # type: ignore[attr-defined]
    try:
        response = client.post(
            "/api/v1/auth/login",
            json={"username": EMAIL, "password": "benar-sekali"},
            headers={"Accept-Language": "en"},
        )
    finally:
        client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "rate_limit_unavailable"
    assert response.headers["Retry-After"] == "5"


def test_successful_login_gives_the_address_its_attempt_back(submission_runtime: Any, judge: None) -> None:
    client = redis.Redis.from_url(submission_runtime.settings.redis_url)
    for _ in range(5):
        assert _attempt(submission_runtime, password="benar-sekali", ip="10.3.0.1") == 200
    counts = {int(client.get(key) or 0) for key in client.scan_iter("audisi:login:address:*")}
    client.close()
    assert counts == {0}
