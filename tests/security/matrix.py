"""The machinery of the authorisation matrix: expected answers, requests, and running one route for every caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.security.worlds import ADMIN, AGENCY, ANON, COMMITTEE, JUDGE, PARTICIPANT, World, caller_headers, fill

#: Passes authorisation: the service did the work or refused on domain grounds (409, 422), never 401/403/404/5xx.
OK = "ok"
DENIED = (401, 403, 404)
Expect = Union[int, str]  # noqa: UP007 - a runtime alias
#: (own object, someone else's object)
Split = tuple[Expect, Expect]

SKIPPED_PATHS = frozenset({"/docs", "/openapi.json", "/docs/oauth2-redirect", "/redoc"})
#: Order of callers in a run: refusals first, so a caller who changes state runs after those who may not.
ORDER = (ANON, JUDGE, AGENCY, PARTICIPANT, COMMITTEE, ADMIN)


@dataclass(frozen=True)
class Call:
    """What to send besides the path: JSON, multipart files and form fields, query, extra headers."""

    json: Any = None
    files: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


CallFactory = Callable[[World, dict[str, str]], Call]


@dataclass(frozen=True)
class Rule:
    """The expected answer of one route for each caller; participant and agency may differ by object."""

    anonymous: Expect
    participant: Expect | Split
    judge: Expect
    committee: Expect
    agency: Expect | Split
    admin: Expect
    call: CallFactory | None = None

    def expected(self, caller: str) -> Expect | Split:
        """The expectation of one caller."""
        return {
            ANON: self.anonymous,
            PARTICIPANT: self.participant,
            JUDGE: self.judge,
            COMMITTEE: self.committee,
            AGENCY: self.agency,
            ADMIN: self.admin,
        }[caller]


def public(call: CallFactory | None = None, status: Expect = 200) -> Rule:
    """Anyone, signed in or not."""
    return Rule(status, status, status, status, status, status, call)


def signed_in(call: CallFactory | None = None, status: Expect = 200) -> Rule:
    """Any signed-in caller."""
    return Rule(401, status, status, status, status, status, call)


def committee_only(call: CallFactory | None = None, status: Expect = OK) -> Rule:
    """The committee (and admins, who hold every role)."""
    return Rule(401, 403, 403, status, 403, status, call)


def admin_only(call: CallFactory | None = None, status: Expect = OK) -> Rule:
    """Admins only."""
    return Rule(401, 403, 403, 403, 403, status, call)


def route_table(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route of an app, HEAD and the documentation routes left out."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        methods = getattr(route, "methods", None) or set()
        path = str(route.path)
        if path in SKIPPED_PATHS:
            continue
        for method in methods - {"HEAD"}:
            found.add((str(method), path))
    return found


def matches(expect: Expect, status: int) -> bool:
    """Whether a status is the expected answer."""
    if expect == OK:
        return status < 500 and status not in DENIED
    return status == expect


LEAK_MARKERS = ("password_hash", "$argon2")


def send(client: TestClient, method: str, path: str, headers: dict[str, str], call: Call) -> Any:
    """One request."""
    return client.request(
        method,
        path,
        headers=headers | call.headers,
        json=call.json,
        files=call.files,
        data=call.data,
        params=call.params,
    )


def run_route(
    *,
    client: TestClient,
    tokens: Any,
    method: str,
    path: str,
    rule: Rule,
    build_world: Callable[[], World],
) -> list[str]:
    """Every caller (and object, where it matters) against one route; returns the mismatches and leaks found."""
    problems: list[str] = []
    world = build_world()
    mutating = method != "GET"
    dirty = False
    for caller in ORDER:
        expectation = rule.expected(caller)
        variants: list[tuple[str, Expect]] = (
            [("own", expectation[0]), ("other", expectation[1])]
            if isinstance(expectation, tuple)
            else [("own", expectation)]
        )
        for variant, expect in variants:
            if dirty or (mutating and expect not in DENIED):
                world = build_world()  # a change by an earlier caller must not decide this caller's answer
                dirty = False
            values = world.own if variant == "own" else world.other
            call = rule.call(world, values) if rule.call else Call()
            response = send(client, method, fill(path, values), caller_headers(tokens, caller, world), call)
            dirty = mutating and response.status_code < 300
            label = f"{method} {path} as {caller}" + (f" ({variant} object)" if isinstance(expectation, tuple) else "")
            if not matches(expect, response.status_code):
                problems.append(f"{label}: expected {expect}, got {response.status_code} {response.text[:300]}")
            body = response.text
            problems.extend(f"{label}: response contains {m!r}" for m in LEAK_MARKERS if m in body)
            if caller in (PARTICIPANT, JUDGE, AGENCY, ANON):
                problems.extend(
                    f"{label}: response reveals another participant's {secret!r}"
                    for secret in world.other_private
                    if secret in body
                )
    return problems
