"""The OpenAPI documents say what each operation answers (agencies generate their clients from them).

Rules read from the apps' own route tables and documents, so a new route fails here until it documents its
errors with `shared.openapi.errors` and its files with `shared.openapi.file_response`. Whether the services
answer nothing else is schemathesis's part (`test_schemathesis.py`, status code and content type conformance).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from audisi.services import SERVICES, load
from shared.auth import get_current_principal
from shared.openapi import ERROR_REF, OWN_HEALTH_ANSWERS

API_SERVICES = ["submission", "judging", "implementation"]


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _operations(request: pytest.FixtureRequest, service: str) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Each documented operation as ("METHOD path", its route, its OpenAPI operation object)."""
    request.getfixturevalue(f"{service}_runtime")
    app: Any = load(SERVICES[service].app_path)
    paths = app.openapi()["paths"]
    for route in iter_route_contexts(app.routes):
        if getattr(route, "include_in_schema", False) and getattr(route, "dependant", None) is not None:
            for method in sorted(route.methods or ()):
                yield f"{method} {route.path}", route, paths[route.path][method.lower()]
    assert len(paths) > 10, "the documents list the services' routes"


@pytest.mark.parametrize("service", API_SERVICES)
def test_every_documented_error_has_the_error_body(request: pytest.FixtureRequest, service: str) -> None:
    wrong = [
        f"{name} {status}"
        for name, route, operation in _operations(request, service)
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and route.path not in OWN_HEALTH_ANSWERS
        and response.get("content") != {"application/json": {"schema": {"$ref": ERROR_REF}}}
    ]
    assert wrong == []


@pytest.mark.parametrize("service", API_SERVICES)
def test_an_operation_that_needs_a_token_or_a_role_documents_401_or_403(
    request: pytest.FixtureRequest, service: str
) -> None:
    missing = []
    for name, route, operation in _operations(request, service):
        calls = list(_calls(route.dependant))
        needs = {"401": get_current_principal in calls}
        # Every role check is a `require_roles` dependency (see shared.auth).
        needs["403"] = any(getattr(call, "__qualname__", "").startswith("require_roles.") for call in calls)
        missing += [
            f"{name} {status}" for status, needed in needs.items() if needed and status not in operation["responses"]
        ]
    assert missing == []


@pytest.mark.parametrize("service", API_SERVICES)
def test_only_an_operation_without_token_or_input_documents_no_4xx(
    request: pytest.FixtureRequest, service: str
) -> None:
    silent = [
        name
        for name, route, operation in _operations(request, service)
        if not any(400 <= int(status) < 500 for status in operation["responses"])
        and (
            get_current_principal in _calls(route.dependant)
            or operation.get("parameters")
            or "requestBody" in operation
        )
    ]
    assert silent == []


@pytest.mark.parametrize("service", API_SERVICES)
def test_every_success_documents_its_media_type_and_schema(request: pytest.FixtureRequest, service: str) -> None:
    vague = []
    for name, _route, operation in _operations(request, service):
        for status, response in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            content = response.get("content") or {}
            vague += [f"{name} {status} {media}" for media, body in content.items() if not body.get("schema")]
            if not content:
                vague.append(f"{name} {status}: no media type")
    assert vague == []


def test_file_answers_are_documented_with_their_media_types(request: pytest.FixtureRequest) -> None:
    documented = {
        name: sorted(operation["responses"]["200"]["content"])
        for service in API_SERVICES
        for name, _route, operation in _operations(request, service)
        if name.endswith((".csv", ".xlsx", ".pdf", "/export"))
    }
    csv = ["text/csv"]
    xlsx = ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    pdf = ["application/pdf"]
    assert documented == {
        "GET /api/v1/ideas/export": sorted(csv + xlsx),
        "GET /api/v1/audit/export": csv,
        "GET /api/v1/editions/{edition_code}/exports/recap.xlsx": xlsx,
        "GET /api/v1/editions/{edition_code}/exports/recap.csv": csv,
        "GET /api/v1/editions/{edition_code}/documents/berita-acara.pdf": pdf,
        "GET /api/v1/editions/{edition_code}/documents/lampiran-keputusan.pdf": pdf,
        "GET /api/v1/ideas/{idea_id}/certificates/{certificate_code}.pdf": pdf,
        "GET /api/v1/editions/{edition_code}/audition-days/{day_id}/jadwal.pdf": pdf,
        "GET /api/v1/public/editions/{edition_code}/export.csv": csv,
    }
