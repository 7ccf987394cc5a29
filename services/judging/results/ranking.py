"""Ranking a round's results within each position group, and the proposal the selection rules make."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.judging.results.schemas import SelectionRules
from services.judging.rubric.models import Criterion


def _normalised(c: Criterion, v: float) -> float:
    return (v - c.min_score) / (c.max_score - c.min_score)


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def sort_key(rules: SelectionRules, criteria: Sequence[Criterion]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The ordering of ranked ideas (an idea's result as a dict): the basis score, then the declared tie-breaks."""
    by_key = {c.key: c for c in criteria}

    def key(r: Mapping[str, Any]) -> tuple[Any, ...]:
        parts: list[Any] = [-(r["score"] or 0.0)]
        for tb in rules.tie_break:
            if tb == "calibrated_score":
                parts.append(-(r["calibrated_score"] or 0.0))
            elif tb == "raw_score":
                parts.append(-(r["raw_score"] or 0.0))
            elif tb == "submitted_at":
                parts.append(r["submitted_at"] or _FAR_FUTURE)
            else:
                c = by_key.get(tb.removeprefix("criterion:"))
                v = r["criteria"].get(c.key) if c else None
                parts.append(-_normalised(c, v) if c is not None and v is not None else 0.0)
        parts.append(r["id_text"])  # total order: never depends on the query's row order
        return tuple(parts)

    return key


def rank_and_propose(results: list[dict[str, Any]], rules: SelectionRules, criteria: Sequence[Criterion]) -> None:
    """Rank scored ideas within their position group and mark the proposal under the rules.

    Without a quota and a threshold, nothing is proposed: the committee selects by adjustment.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if r["score"] is not None:
            groups.setdefault(r["position_group"] or "", []).append(r)
    key = sort_key(rules, criteria)
    quotas = {str(g): q for g, q in rules.quota_per_group.items()}
    for group, members in groups.items():
        members.sort(key=key)
        quota = quotas.get(group)
        chosen = 0
        for position, r in enumerate(members, start=1):
            r["rank"] = position
            if quota is None and rules.threshold is None:
                continue
            if rules.threshold is not None and (r["score"] or 0.0) < rules.threshold:
                continue
            if quota is not None and chosen >= quota:
                continue
            r["proposed"] = True
            chosen += 1
