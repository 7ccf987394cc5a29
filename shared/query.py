"""One value per single-valued query parameter.

FastAPI reads `?status=new&status=done` for a `status: str` parameter as its last value, so a client that
builds its query wrongly gets an answer to a question it did not ask. Every service refuses that input
instead (422, in the caller's language), as it refuses any other input its OpenAPI document forbids.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from shared.errors import Message, invalid

_MANY = (list, set, frozenset, tuple, Sequence)


def _takes_many(annotation: Any) -> bool:
    """Whether a parameter's annotation accepts several values (a list, possibly optional or annotated)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_many(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(_takes_many(arg) for arg in get_args(annotation))
    return annotation in _MANY or origin in _MANY


def _single_valued(dependant: Dependant) -> frozenset[str]:
    """The aliases of the query parameters of `dependant` and its dependencies that take one value."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        names.update(f.alias for f in current.query_params if not _takes_many(f.field_info.annotation))
        pending.extend(current.dependencies)
    return frozenset(names)


async def refuse_repeated_query_parameters(request: Request) -> None:
    """422 when a single-valued query parameter is given more than once (an app-wide dependency)."""
    query = request.query_params
    route = request.scope.get("route")
    if len(query.multi_items()) == len(query) or not isinstance(route, APIRoute):
        return  # no name is repeated: the common case costs no look-up
    single = _single_valued(route.dependant)
    repeated = sorted(name for name in set(query.keys()) if name in single and len(query.getlist(name)) > 1)
    if repeated:
        raise invalid(
            "repeated_parameter",
            Message(
                f"Parameter {', '.join(repeated)} hanya boleh diberikan sekali",
                f"Parameter {', '.join(repeated)} may be given only once",
            ),
            {"fields": repeated},
        )
