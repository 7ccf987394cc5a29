"""The OpenAPI documents agencies generate their clients from: every operation has a summary written for people."""

from __future__ import annotations

import re
from typing import Any

import pytest

from audisi.services import SERVICES, load


def generated_summaries(schema: dict[str, Any]) -> list[str]:
    """Operations whose summary is the one FastAPI makes from the function name ("Save Scores")."""
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            # FastAPI's operation id is the function name, then the path and method with non-word characters as _.
            function = operation["operationId"].removesuffix(re.sub(r"\W", "_", path) + f"_{method}")
            if operation.get("summary") == function.replace("_", " ").title():
                found.append(f"{method.upper()} {path}: {operation.get('summary')}")
    return found


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_operation_has_a_written_summary(request: pytest.FixtureRequest, service: str) -> None:
    request.getfixturevalue(f"{service}_runtime")
    app: Any = load(SERVICES[service].app_path)
    assert generated_summaries(app.openapi()) == []


def test_generated_summary_is_recognised() -> None:
    schema = {
        "paths": {
            "/api/v1/ideas/{idea_id}/scores": {
                "put": {"operationId": "save_scores_api_v1_ideas__idea_id__scores_put", "summary": "Save Scores"},
                "get": {"operationId": "get_scores_api_v1_ideas__idea_id__scores_get", "summary": "An idea's scores"},
            }
        }
    }
    assert generated_summaries(schema) == ["PUT /api/v1/ideas/{idea_id}/scores: Save Scores"]
