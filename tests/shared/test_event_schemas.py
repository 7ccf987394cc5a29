"""Event schemas under version control: the stored files are the models' schemas, and a change only adds.

`shared/event_schemas/<type>.json` is what other teams (and agencies' integrations) read as the contract;
`audisi event-schemas` writes it from the pydantic models. A change to a contract must keep every consumer
of the previous version working: it may add optional fields (consumers ignore fields they do not know),
nothing else. The schemas on `main` (and in the last commit) are the previous version.
"""

from __future__ import annotations

import json
import subprocess
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel

from audisi.services import ROOT
from shared.events import EVENT_TYPES, event_json_schema

FOLDER = ROOT / "shared" / "event_schemas"
#: Enums that may gain members: the notifications worker that reads them ships the new template files and is
#: deployed before any producer uses them (shared.events.NotificationTemplate).
WIDENABLE_ENUMS = frozenset({"NotificationTemplate"})
#: Words for people, not for validation.
DOCUMENTATION_KEYS = frozenset({"title", "description", "examples"})


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    resolved: dict[str, Any] = root
    for part in ref.removeprefix("#/").split("/"):
        resolved = resolved[part]
    return resolved


def breaking_changes(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    widenable: frozenset[str] = WIDENABLE_ENUMS,
) -> list[str]:
    """What in `new` would break a consumer or producer of `old` (JSON schemas as pydantic writes them)."""
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()

    def compare(o: dict[str, Any], n: dict[str, Any], where: str) -> None:
        o, n = _resolve(o, old), _resolve(n, new)
        if (id(o), id(n)) in seen:
            return
        seen.add((id(o), id(n)))
        old_props, new_props = o.get("properties", {}), n.get("properties", {})
        for name, schema in old_props.items():
            if name not in new_props:
                problems.append(f"{where}.{name}: removed")
            else:
                compare(schema, new_props[name], f"{where}.{name}")
        old_required, new_required = set(o.get("required", [])), set(n.get("required", []))
        for name in sorted(new_required - old_required):
            what = "added as a required field" if name not in old_props else "became required"
            problems.append(f"{where}.{name}: {what}")
        for name in sorted(old_required - new_required):
            problems.append(f"{where}.{name}: no longer required (older consumers require it)")
        if "enum" in o or "enum" in n:
            removed = [v for v in o.get("enum", []) if v not in n.get("enum", [])]
            added = [v for v in n.get("enum", []) if v not in o.get("enum", [])]
            if removed:
                problems.append(f"{where}: values removed {removed}")
            if added and n.get("title") not in widenable:
                problems.append(f"{where}: values added {added} (older consumers refuse them)")
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            olds, news = o.get(key, []), n.get(key, [])
            if len(olds) != len(news):
                problems.append(f"{where}: {key} changed")
                continue
            for i, (a, b) in enumerate(zip(olds, news, strict=True)):
                compare(a, b, f"{where}.{key}[{i}]")
        for key in ("items", "additionalProperties"):
            if isinstance(o.get(key), dict) and isinstance(n.get(key), dict):
                compare(o[key], n[key], f"{where}[]")
        structural = {"properties", "required", "enum", "anyOf", "oneOf", "allOf", "prefixItems", "$defs", "$ref"}
        for key in sorted((set(o) | set(n)) - structural - DOCUMENTATION_KEYS):
            both_schemas = isinstance(o.get(key), dict) and isinstance(n.get(key), dict)
            if key in ("items", "additionalProperties") and both_schemas:
                continue  # compared above
            if o.get(key) != n.get(key):
                problems.append(f"{where}: {key} changed from {o.get(key)!r} to {n.get(key)!r}")

    compare(old, new, "")
    return problems


def stored(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    return result


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def baselines() -> dict[str, str]:
    """The revisions whose schemas count as released, by label.

    On a branch: where it left `main` (what is released). On `main` itself: the commit before (so the merge
    that brings a change is checked). And always the last commit (a change not committed yet).
    """
    if _git("rev-parse", "--is-inside-work-tree") is None:
        pytest.skip("not a git checkout: no committed schemas to compare with")
    head = (_git("rev-parse", "HEAD") or "").strip()
    fork = (_git("merge-base", "HEAD", "main") or "").strip()
    candidates = {"main": fork, "HEAD": head}
    if fork == head:
        candidates["HEAD^"] = (_git("rev-parse", "--verify", "--quiet", "HEAD^") or "").strip()
    revisions: dict[str, str] = {}
    for label, revision in candidates.items():
        if revision and revision not in revisions.values():
            revisions[label] = revision
    return revisions


def test_every_event_type_has_its_stored_schema_equal_to_the_models() -> None:
    """Run `audisi event-schemas` after changing a contract, and commit the files with the change."""
    assert sorted(p.stem for p in FOLDER.glob("*.json")) == sorted(EVENT_TYPES)
    for name, cls in EVENT_TYPES.items():
        assert stored(name) == event_json_schema(cls), f"{name}: run `audisi event-schemas`"


def test_contracts_only_add_optional_fields_to_the_committed_schemas() -> None:
    revisions = baselines()
    assert revisions, "git answered neither for main nor for HEAD"
    compared = 0
    for label, revision in revisions.items():
        for name, cls in EVENT_TYPES.items():
            text = _git("show", f"{revision}:{(FOLDER / f'{name}.json').relative_to(ROOT).as_posix()}")
            if text is None:
                continue  # a type new since that revision: nothing to stay compatible with
            compared += 1
            assert breaking_changes(json.loads(text), event_json_schema(cls)) == [], f"{name} against {label}"
    assert compared > 0, "no committed schema to compare with: commit shared/event_schemas/ first"


# ------------------------------------------------------------------------ the checker on made-up contracts


class Kind(StrEnum):
    A = "a"
    B = "b"


class WiderKind(StrEnum):
    A = "a"
    B = "b"
    C = "c"


class Inner(BaseModel):
    code: str


class V1(BaseModel):
    name: str
    count: int = 0
    inner: Inner
    kind: Kind


class AddsOptional(V1):
    note: str | None = None


class AddsRequired(V1):
    note: str


class CountRequired(V1):
    count: int  # its default taken away


class NameOptional(V1):
    name: str = "x"


class CountText(V1):
    count: str = "0"  # type: ignore[assignment]


class NameNullable(V1):
    name: str | None  # type: ignore[assignment]


class KindWider(V1):
    kind: WiderKind  # type: ignore[assignment]


class RemovesCount(BaseModel):
    name: str
    inner: Inner
    kind: Kind


def test_checker_accepts_the_same_schema_and_a_new_optional_field() -> None:
    assert breaking_changes(V1.model_json_schema(), V1.model_json_schema()) == []
    assert breaking_changes(V1.model_json_schema(), AddsOptional.model_json_schema()) == []


@pytest.mark.parametrize(
    ("model", "problem"),
    [
        (RemovesCount, ".count: removed"),
        (AddsRequired, ".note: added as a required field"),
        (CountRequired, ".count: became required"),
        (NameOptional, ".name: no longer required (older consumers require it)"),
        (CountText, ".count: type changed from 'integer' to 'string'"),
        (NameNullable, ".name: type changed from 'string' to None"),
        (KindWider, ".kind: values added ['c'] (older consumers refuse them)"),
    ],
)
def test_checker_names_each_breaking_change(model: type[BaseModel], problem: str) -> None:
    assert problem in breaking_changes(V1.model_json_schema(), model.model_json_schema())


def test_checker_looks_inside_nested_records() -> None:
    old = V1.model_json_schema()
    new = json.loads(json.dumps(old))
    new["$defs"]["Inner"]["properties"]["code"]["type"] = "integer"
    assert breaking_changes(old, new) == [".inner.code: type changed from 'string' to 'integer'"]


def test_checker_lets_a_widenable_enum_gain_members_but_never_lose_them() -> None:
    old, new = V1.model_json_schema(), KindWider.model_json_schema()
    assert breaking_changes(old, new, widenable=frozenset({"WiderKind"})) == []
    assert breaking_changes(new, old, widenable=frozenset({"Kind"})) == [".kind: values removed ['c']"]
