"""The web front's body limits: a form's small bound, an upload route's larger one, a 413 page before reading."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.backend import Backend
from services.web.limits import UPLOAD_ROUTES
from services.web.proxy.routes import PROXIED_PREFIXES
from services.web.security import LANGUAGE_COOKIE
from services.web.settings import WebSettings
from shared.settings import Environment

SETTINGS = WebSettings(
    environment=Environment.TEST,
    web_secret="test-web-secret-0123456789-0123456789",
    max_form_bytes=4 * 1024,
    max_upload_bytes=16 * 1024,
)


@pytest.fixture
def asked() -> list[httpx.Request]:
    return []


@pytest.fixture
def client(asked: list[httpx.Request]) -> Iterator[TestClient]:
    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "Tidak ditemukan"}})

    backend = Backend(SETTINGS, transport=httpx.MockTransport(handle))
    with TestClient(create_app(SETTINGS, backend), follow_redirects=False) as test_client:
        yield test_client


def test_form_over_its_limit_is_a_413_page_in_indonesian(client: TestClient, asked: list[httpx.Request]) -> None:
    response = client.post("/masuk", data={"identifier": "x" * 5000, "password": "p"})
    assert response.status_code == 413
    assert "<h1>Kiriman terlalu besar</h1>" in response.text
    assert "melebihi batas 4 KB" in response.text
    assert response.headers["content-language"] == "id"
    assert "content-security-policy" in response.headers
    assert asked == []


def test_form_over_its_limit_is_a_413_page_in_english(client: TestClient) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "en")
    response = client.post("/masuk", data={"identifier": "x" * 5000, "password": "p"})
    assert response.status_code == 413
    assert "<h1>Too large to send</h1>" in response.text
    assert "over the limit of 4 KB" in response.text


def test_streamed_form_over_its_limit_is_a_413_page(client: TestClient) -> None:
    chunks = (b"identifier=" + b"x" * 1024 for _ in range(5))
    response = client.post("/masuk", content=chunks, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "<h1>Kiriman terlalu besar</h1>" in response.text


def test_upload_over_the_form_limit_reaches_the_page(client: TestClient) -> None:
    response = client.post("/gagasan/i1/lampiran", files={"file": ("deck.pdf", b"%PDF" + b"0" * 10_000)})
    # Read, then refused for its missing CSRF token: the body limit let it through.
    assert response.status_code == 403


def test_upload_over_the_upload_limit_is_a_413_page(client: TestClient) -> None:
    response = client.post("/opd/tiket/t1/laporan/u1/bukti", files={"file": ("a.pdf", b"0" * 20_000)})
    assert response.status_code == 413
    assert "melebihi batas 16 KB" in response.text


def test_proxied_body_over_its_limit_is_a_413_in_the_api_error_format(
    client: TestClient, asked: list[httpx.Request]
) -> None:
    response = client.post("/judging/api/v1/scores", content=b"{" + b" " * 5000 + b"}")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert asked == []


def test_proxied_upload_gets_the_upload_limit(client: TestClient, asked: list[httpx.Request]) -> None:
    response = client.post("/submission/api/v1/attachments", files={"file": ("a.pdf", b"0" * 10_000)})
    assert response.status_code == 404
    assert [request.url.path for request in asked] == ["/api/v1/attachments"]


def test_upload_routes_name_post_routes_of_the_pages() -> None:
    app = create_app(SETTINGS)
    posts = {str(route.path) for route in iter_route_contexts(app.routes) if "POST" in (route.methods or set())}
    pages = [route for route in UPLOAD_ROUTES if not route.startswith(PROXIED_PREFIXES)]
    assert [route for route in pages if route not in posts] == []
