"""Limits: body sizes, attachment size and type by content, string lengths, page sizes, login rate, file names."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.submission.accounts.models import User
from services.submission.accounts.passwords import hash_password
from services.submission.agencies.service import sync_agencies
from services.submission.attachments.models import Attachment
from services.submission.tests.factories import make_edition, make_idea, make_participant
from shared.auth import Role
from tests.security.conftest import ATTACHMENTS_DIR, make_tokens
from tests.security.worlds import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def participant(submission_runtime: Any) -> tuple[Any, dict[str, str], Any]:
    """A participant with a draft idea in an open edition, and their headers."""
    with submission_runtime.session_factory() as session:
        sync_agencies(session)
        session.commit()
        make_edition(session)
        person, principal = make_participant(session)
        idea = make_idea(session, principal)
    headers = make_tokens(submission_runtime)(Role.PARTICIPANT, user_id=person.user_id, agency=person.agency_code)
    return person, headers, idea


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


# ---------------------------------------------------------------------------------------------- body size


def test_json_body_over_the_limit_is_413_before_parsing(service_client: Any, participant: Any) -> None:
    client: TestClient = service_client("submission")
    _, headers, _ = participant
    body = '{"edition_code": "ATA-2026", "title": "' + "x" * 1_100_000 + '"}'
    response = client.post("/api/v1/ideas", headers=headers | {"Content-Type": "application/json"}, content=body)
    assert _error(response) == (413, "payload_too_large")
    assert response.json()["error"]["details"] == {"max_bytes": 1_048_576}


def test_streamed_body_without_length_over_the_limit_is_413(service_client: Any, participant: Any) -> None:
    client: TestClient = service_client("submission")
    _, headers, _ = participant

    def chunks() -> Any:
        for _ in range(20):
            yield b"x" * 100_000

    response = client.post("/api/v1/ideas", headers=headers | {"Content-Type": "application/json"}, content=chunks())
    assert _error(response) == (413, "payload_too_large")


@pytest.mark.parametrize("service", ["judging", "implementation"])
def test_other_services_refuse_large_bodies_too(service_client: Any, service: str, request: Any) -> None:
    runtime = request.getfixturevalue(f"{service}_runtime")
    client: TestClient = service_client(service)
    path = "/api/v1/editions/ATA-2026/rubric" if service == "judging" else "/api/v1/notifications/preferences"
    response = client.put(
        path,
        headers=make_tokens(runtime)(Role.ADMIN) | {"Content-Type": "application/json"},
        content=b'{"x": "' + b"y" * 1_100_000 + b'"}',
    )
    assert _error(response) == (413, "payload_too_large")


# ---------------------------------------------------------------------------------------------- attachments


def test_attachment_over_its_limit_is_413(service_client: Any, participant: Any, submission_runtime: Any) -> None:
    client: TestClient = service_client("submission")
    _, headers, idea = participant
    limit = submission_runtime.settings.attachment_max_bytes
    content = PDF + b"0" * (limit + 1 - len(PDF))
    response = client.post(
        "/api/v1/attachments",
        headers=headers,
        data={"idea_id": str(idea.id)},
        files={"file": ("besar.pdf", content, "application/pdf")},
    )
    assert _error(response) == (413, "attachment_too_large")
    assert response.json()["error"]["details"] == {"max_bytes": limit, "size_bytes": limit + 1}


@pytest.mark.parametrize(
    ("content", "name", "declared"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60, "proposal.pdf", "application/pdf"),  # a Windows program named .pdf
        (b"<html><script>alert(1)</script></html>", "deck.pptx", "application/pdf"),
        (b"PK\x03\x04" + b"\x00" * 60, "deck.pptx", "application/vnd.ms-powerpoint"),  # a broken zip
        (b"#!/bin/sh\nrm -rf /\n", "foto.png", "image/png"),
    ],
)
def test_attachment_type_decided_by_content_not_name(
    service_client: Any, participant: Any, content: bytes, name: str, declared: str
) -> None:
    client: TestClient = service_client("submission")
    _, headers, idea = participant
    response = client.post(
        "/api/v1/attachments",
        headers=headers,
        data={"idea_id": str(idea.id)},
        files={"file": (name, content, declared)},
    )
    assert _error(response) == (415, "unsupported_attachment")


def test_png_named_pdf_is_stored_and_served_as_png(service_client: Any, participant: Any) -> None:
    client: TestClient = service_client("submission")
    _, headers, idea = participant
    response = client.post(
        "/api/v1/attachments",
        headers=headers,
        data={"idea_id": str(idea.id)},
        files={"file": ("surat.pdf", PNG, "application/pdf")},
    )
    assert (response.status_code, response.json()["content_type"]) == (201, "image/png")
    download = client.get(f"/api/v1/attachments/{response.json()['id']}", headers=headers)
    assert (download.headers["content-type"], download.headers["x-content-type-options"]) == ("image/png", "nosniff")


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("a/b.pdf", "b.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/srv/uploads/x.pdf", "x.pdf"),
        ("C:\\Users\\budi\\deck.pdf", "deck.pdf"),
    ],
)
def test_uploaded_names_never_reach_the_filesystem(
    service_client: Any, participant: Any, submission_runtime: Any, given: str, shown: str
) -> None:
    client: TestClient = service_client("submission")
    _, headers, idea = participant
    root = Path(ATTACHMENTS_DIR)
    before = {p for p in root.rglob("*") if p.is_file()}
    response = client.post(
        "/api/v1/attachments",
        headers=headers,
        data={"idea_id": str(idea.id)},
        files={"file": (given, PDF, "application/pdf")},
    )
    assert (response.status_code, response.json()["filename"]) == (201, shown)
    with submission_runtime.session_factory() as session:
        stored = session.scalars(select(Attachment).where(Attachment.id == uuid.UUID(response.json()["id"]))).one()
    assert re.fullmatch(r"[0-9a-f]{32}", stored.storage_key)
    written = {p for p in root.rglob("*") if p.is_file()} - before
    assert written == {root / stored.storage_key[:2] / stored.storage_key}
    assert not any("passwd" in p.name or "win.ini" in p.name for p in root.rglob("*"))
    assert not Path("/srv/uploads/x.pdf").exists()
    download = client.get(f"/api/v1/attachments/{stored.id}", headers=headers)
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert "/" not in download.headers["content-disposition"].split("''", 1)[1]


# ---------------------------------------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("method", "path", "field", "body"),
    [
        ("POST", "/api/v1/ideas", "title", {"edition_code": "ATA-2026", "title": "j" * 201}),
        ("POST", "/api/v1/ideas", "problem", {"edition_code": "ATA-2026", "title": "Judul", "problem": "p" * 10_001}),
        ("POST", "/api/v1/ideas", "edition_code", {"edition_code": "E" * 5_000, "title": "Judul"}),
        ("POST", "/api/v1/auth/login", "username", {"username": "u" * 255, "password": "x"}),
        ("POST", "/api/v1/auth/login", "password", {"username": "a@b.go.id", "password": "p" * 201}),
        ("POST", "/api/v1/auth/sso", "id_token", {"id_token": "t" * 16_385, "nonce": "n" * 32}),
    ],
)
def test_long_strings_are_422_naming_the_field(
    service_client: Any, participant: Any, method: str, path: str, field: str, body: dict[str, Any]
) -> None:
    client: TestClient = service_client("submission")
    _, headers, _ = participant
    response = client.request(method, path, headers=headers, json=body)
    assert _error(response) == (422, "validation_error")
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


def test_long_strings_in_registration_and_query_are_422(service_client: Any, participant: Any) -> None:
    client: TestClient = service_client("submission")
    _, headers, _ = participant
    register = {
        "nip": "198504122010031001",
        "name": "N" * 201,
        "email": "e" * 250 + "@x.id",
        "phone": "0" * 31,
        "password": "p" * 201,
        "position_group": "pelaksana",
        "agency_code": "A" * 41,
    }
    response = client.post("/api/v1/participants/register", json=register)
    assert _error(response) == (422, "validation_error")
    assert sorted(d["field"] for d in response.json()["error"]["details"]) == [
        "agency_code",
        "email",
        "name",
        "password",
        "phone",
    ]
    search = client.get("/api/v1/ideas", headers=headers, params={"q": "q" * 201})
    assert _error(search) == (422, "validation_error")


def test_long_path_values_are_answered_without_a_server_error(service_client: Any, submission_runtime: Any) -> None:
    client: TestClient = service_client("submission")
    headers = make_tokens(submission_runtime)(Role.COMMITTEE)
    assert client.get(f"/api/v1/editions/{'E' * 5_000}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/ideas/{'1' * 5_000}", headers=headers).status_code == 422


# ---------------------------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("service", "path", "params"),
    [
        ("submission", "/api/v1/ideas", {"page_size": 201}),
        ("submission", "/api/v1/ideas", {"page": 0}),
        ("submission", "/api/v1/participants", {"page_size": 201}),
        ("submission", "/api/v1/audit", {"page_size": 201}),
        ("submission", "/api/v1/ideas/00000000-0000-0000-0000-000000000001/similar", {"limit": 21}),
        ("implementation", "/api/v1/tickets", {"limit": 201}),
        ("implementation", "/api/v1/notifications", {"limit": 201}),
        ("implementation", "/api/v1/feed", {"limit": 501}),
        ("implementation", "/api/v1/ops/webhooks/dead-letters", {"limit": 1001}),
    ],
)
def test_page_size_over_the_maximum_is_422(
    service_client: Any, request: Any, service: str, path: str, params: dict[str, int]
) -> None:
    runtime = request.getfixturevalue(f"{service}_runtime")
    client: TestClient = service_client(service)
    response = client.get(path, headers=make_tokens(runtime)(Role.ADMIN), params=params)
    assert _error(response) == (422, "validation_error")
    assert [d["field"] for d in response.json()["error"]["details"]] == list(params)


# ---------------------------------------------------------------------------------------------- login


def test_login_rate_limited_with_retry_after(
    service_client: Any, submission_runtime: Any, fresh_login_limits: None
) -> None:
    client: TestClient = service_client("submission")
    with submission_runtime.session_factory() as session:
        session.add(
            User(
                email="sasaran@trenggalekkab.go.id",
                name="Sasaran",
                role=str(Role.COMMITTEE),
                password_hash=hash_password("sandi-yang-benar"),
            )
        )
        session.commit()
    limit = submission_runtime.settings.login_attempts_per_minute
    wrong = {"username": "sasaran@trenggalekkab.go.id", "password": "tebakan"}
    answers = [client.post("/api/v1/auth/login", json=wrong).status_code for _ in range(limit)]
    assert answers == [401] * limit
    refused = client.post("/api/v1/auth/login", json=wrong)
    assert _error(refused) == (429, "too_many_attempts")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"]["details"] == {"retry_after_seconds": int(refused.headers["Retry-After"])}
    # Even the right password waits: the guesser cannot tell a hit from a miss while limited.
    right = client.post("/api/v1/auth/login", json={"username": wrong["username"], "password": "sandi-yang-benar"})
    assert _error(right) == (429, "too_many_attempts")


def test_password_spraying_from_one_address_is_limited(
    service_client: Any, submission_runtime: Any, fresh_login_limits: None
) -> None:
    client: TestClient = service_client("submission")
    per_address = submission_runtime.settings.login_attempts_per_minute * 10
    answers = [
        client.post("/api/v1/auth/login", json={"username": f"orang{i}@x.go.id", "password": "Trenggalek2026"})
        for i in range(per_address + 1)
    ]
    assert [a.status_code for a in answers] == [401] * per_address + [429]
    assert "Retry-After" in answers[-1].headers


def test_text_the_database_cannot_store_is_422_and_nothing_is_written(
    service_client: Any, participant: Any, submission_runtime: Any
) -> None:
    client: TestClient = service_client("submission")
    _, headers, idea = participant
    response = client.patch(f"/api/v1/ideas/{idea.id}", headers=headers, json={"problem": "antre\x00lama"})
    assert _error(response) == (422, "unstorable_input")
    assert client.get(f"/api/v1/ideas/{idea.id}", headers=headers).json()["problem"] == idea.problem
