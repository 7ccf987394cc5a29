"""Schemathesis against each service's OpenAPI schema, through the ASGI app, on the test databases.

Every operation is called with generated valid and invalid input and a valid token (a committee member's; a
participant's with a real profile for participant-only submission routes). Checked: no 5xx; every answer's
status code and media type are documented for that operation (agencies generate clients from these documents);
every answer, errors included, conforms to its documented schema; input the schema forbids is refused with a 4xx.
Bounded for CI: 12 examples per operation and mode (SCHEMATHESIS_EXAMPLES to change), derandomised.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from audisi.services import SERVICES, load
from services.submission.tests.factories import make_edition, make_participant
from shared.auth import Role
from tests.security.conftest import make_tokens

pytestmark = pytest.mark.slow

# Bounded for the suite; SCHEMATHESIS_EXAMPLES=40 for a deeper run (how the issue counted undocumented answers).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
# Server-sent events never end unless the client asks for a number of events: not a request/response operation.
STREAMS = ("/api/v1/editions/{edition_code}/progress/stream",)
# Participant-only routes of the submission service (a committee member would only ever get their 403).
PARTICIPANT_ROUTES = {
    ("POST", "/api/v1/ideas"),
    ("PATCH", "/api/v1/ideas/{idea_id}"),
    ("POST", "/api/v1/ideas/{idea_id}/submit"),
    ("POST", "/api/v1/ideas/{idea_id}/co-proposers"),
    ("POST", "/api/v1/ideas/{idea_id}/co-proposers/accept"),
    ("POST", "/api/v1/ideas/{idea_id}/co-proposers/decline"),
    ("DELETE", "/api/v1/ideas/{idea_id}/co-proposers/{participant_id}"),
    ("GET", "/api/v1/participants/me"),
    ("POST", "/api/v1/attachments"),
}


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def participant_headers(submission_runtime: Any) -> dict[str, str]:
    """A participant with a profile, in an open edition."""
    with submission_runtime.session_factory() as session:
        make_edition(session)
        person, _ = make_participant(session)
    return make_tokens(submission_runtime)(Role.PARTICIPANT, user_id=person.user_id, agency=person.agency_code)


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz(schema: Any, headers_for: Any) -> list[str]:
    """Every operation, positive and negative cases; the failures found, one line per operation and mode.

    `schemathesis.pytest.from_fixture` would be the idiom, but with pytest 9 it fails on `Function._nodeid`
    (schemathesis 4.32.5), so each operation runs as a Hypothesis test here, inside the fixtures' test.
    """
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @HYPOTHESIS
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers_for(case), checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing in the schema can be violated (no parameters, or free-form strings only)
            except (Exception, BaseExceptionGroup) as exc:  # every failure is collected and reported
                failures.append(f"{operation.method.upper()} {operation.path} [{mode}]: {str(exc)[:1500]}")
    return failures


def _schema(request: pytest.FixtureRequest, name: str) -> Any:
    request.getfixturevalue(f"{name}_runtime")
    schema: Any = schemathesis.openapi.from_asgi("/openapi.json", load(SERVICES[name].app_path))
    # The token is sent with every case, so generating cases without it would be wrong, not negative; unknown
    # query parameters are ignored by design (FastAPI), so they are not "bad input" either.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    for path in STREAMS:
        schema = schema.exclude(path=path)
    return schema


def test_submission_api(
    request: pytest.FixtureRequest, submission_runtime: Any, participant_headers: dict[str, str]
) -> None:
    committee = make_tokens(submission_runtime)(Role.COMMITTEE)

    def headers_for(case: Any) -> dict[str, str]:
        return participant_headers if (case.method.upper(), case.path) in PARTICIPANT_ROUTES else committee

    failures = fuzz(_schema(request, "submission"), headers_for)
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize("service", ["judging", "implementation"])
def test_other_service_api(request: pytest.FixtureRequest, service: str) -> None:
    committee = make_tokens(request.getfixturevalue(f"{service}_runtime"))(Role.COMMITTEE)
    failures = fuzz(_schema(request, service), lambda _case: committee)
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_judging_recap_export_with_non_latin_edition_code_is_not_a_server_error(
    service_client: Any, judging_runtime: Any, extension: str
) -> None:
    client = service_client("judging")
    response = client.get(
        f"/api/v1/editions/%E2%82%AC/exports/recap.{extension}", headers=make_tokens(judging_runtime)(Role.COMMITTEE)
    )
    assert response.status_code < 500


def test_documented_422_is_what_the_app_returns(service_client: Any, submission_runtime: Any) -> None:
    client = service_client("submission")
    documented = client.get("/openapi.json").json()["paths"]["/api/v1/ideas"]["post"]["responses"]["422"]
    response = client.post("/api/v1/ideas", headers=make_tokens(submission_runtime)(Role.PARTICIPANT), json={})
    assert response.status_code == 422
    schema_ref = documented["content"]["application/json"]["schema"]["$ref"]
    assert set(response.json()) == set(
        client.get("/openapi.json").json()["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]["properties"]
    )
