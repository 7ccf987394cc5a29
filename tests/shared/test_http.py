"""The app factory: one error format in the caller's language, health, metrics, limits, 503s."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Query
from fastapi.testclient import TestClient
from prometheus_client import generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import Engine, create_engine, text

from shared.auth import Committee, Role, TokenService
from shared.errors import Message, conflict
from shared.http import create_app
from shared.revocation import RevocationStore
from shared.settings import ServiceSettings


class Body(BaseModel):
    title: str = Field(min_length=3, max_length=20)
    budget_rp: int = Field(ge=0)


def build_router(engine: Engine) -> APIRouter:
    router = APIRouter()

    @router.post("/things")
    def create_thing(body: Body) -> dict[str, str]:
        return {"title": body.title}

    @router.post("/things/{name}/close")
    def close_thing(name: str) -> None:
        raise conflict("already_closed", Message(f"{name} sudah ditutup", f"{name} is already closed"))

    @router.get("/committee-only")
    def committee_only(principal: Committee) -> dict[str, str]:
        return {"role": str(principal.role)}

    @router.get("/search")
    def search(status: str | None = None, tag: Annotated[list[str] | None, Query()] = None) -> dict[str, Any]:
        return {"status": status, "tags": tag or []}

    @router.get("/count")
    def count_rows() -> dict[str, int]:
        with engine.connect() as conn:
            return {"rows": int(conn.execute(text("SELECT count(*) FROM outbox_event")).scalar_one())}

    return router


def make_client(database_url: str, redis_url: str = "redis://127.0.0.1:1/0") -> TestClient:
    settings = ServiceSettings(
        environment="test", database_url=database_url, redis_url=redis_url, max_request_body_bytes=200
    )
    engine = create_engine(database_url, connect_args={"connect_timeout": 1}, pool_pre_ping=True)
    app = create_app(
        service="test", title="Test", settings=settings, engine_provider=lambda: engine, routers=[build_router(engine)]
    )
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(kernel_settings: ServiceSettings) -> Iterator[TestClient]:
    RevocationStore(kernel_settings.redis_url, cache_seconds=0).restore({})  # as the accounts service does
    with make_client(kernel_settings.database_url, kernel_settings.redis_url) as test_client:
        yield test_client


def test_validation_error_in_indonesian_by_default(client: TestClient) -> None:
    response = client.post("/things", json={"title": "ab"})
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "validation_error",
            "message": "Isian tidak valid",
            "details": [
                {"field": "title", "type": "string_too_short", "message": "terlalu pendek"},
                {"field": "budget_rp", "type": "missing", "message": "wajib diisi"},
            ],
        }
    }


def test_domain_error_in_english_when_asked(client: TestClient) -> None:
    response = client.post("/things/ide-1/close", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 409
    assert response.json() == {
        "error": {"code": "already_closed", "message": "ide-1 is already closed", "details": None}
    }


def test_oversized_body_refused_with_413(client: TestClient) -> None:
    response = client.post("/things", content=b'{"title": "' + b"x" * 500 + b'"}')
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_single_valued_query_parameter_given_twice_is_422_not_its_last_value(client: TestClient) -> None:
    response = client.get("/search?status=new&status=done&tag=a")
    assert response.status_code == 422
    body = response.json()["error"]
    assert (body["code"], body["message"], body["details"]) == (
        "repeated_parameter",
        "Parameter status hanya boleh diberikan sekali",
        {"fields": ["status"]},
    )
    # A list parameter takes several values, and one value of each is the common case.
    assert client.get("/search?status=new&tag=a&tag=b").json() == {"status": "new", "tags": ["a", "b"]}
    english = client.get("/search?status=a&status=b", headers={"Accept-Language": "en"}).json()["error"]
    assert english["message"] == "Parameter status may be given only once"


def test_unknown_route_uses_error_format(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "Alamat tidak ditemukan", "details": None}


def test_missing_token_refused_401(client: TestClient) -> None:
    response = client.get("/committee-only")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_wrong_role_refused_403(client: TestClient, kernel_settings: ServiceSettings) -> None:
    token, _ = TokenService(client.app.state.settings).issue(  # type: ignore[attr-defined]
        user_id=uuid.uuid4(),
        role=Role.JUDGE,
        name="J",
        email=None,
        agency_code=None,
    )
    response = client.get("/committee-only", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"]["details"] == {"required_roles": ["committee"]}


def test_health_ready_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "service": "test"}
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()["checks"]) == (200, {"database": "ok", "broker": "ok"})
    client.post("/things", json={"title": "abc", "budget_rp": 1})
    metrics = generate_latest().decode()
    assert 'audisi_http_requests_total{method="POST",route="/things",service="test",status="200"}' in metrics


def test_metrics_not_served_on_the_public_port(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_ready_reports_503_when_database_down() -> None:
    with make_client("postgresql+psycopg://postgres@127.0.0.1:1/none") as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OperationalError"


def test_database_down_answers_503_in_error_format() -> None:
    with make_client("postgresql+psycopg://postgres@127.0.0.1:1/none") as client:
        response = client.get("/count")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.json()["error"]["code"] == "service_unavailable"


def test_correlation_id_echoed(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Correlation-ID": "abc123"})
    assert response.headers["X-Correlation-ID"] == "abc123"
