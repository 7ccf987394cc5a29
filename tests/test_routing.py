"""The routing table (shared.events.SUBSCRIPTIONS) against the consumers that exist and the processes that run.

Every (event type, queue) pair of the table has a handler in the service that owns the queue, and every
registered handler has its pair in the table; handlers live in a domain's `tasks.py`; every such queue has a
worker process in the stack.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest

from audisi.processes import PROCESSES
from audisi.services import SERVICES, load
from audisi.testing.service import service_fixtures
from shared.consumer import Handler, registered_consumers
from shared.events import SUBSCRIPTIONS, AnyEvent, Event, Queue, routed_to

submission_runtime = service_fixtures("submission")[0]
judging_runtime = service_fixtures("judging")[0]
implementation_runtime = service_fixtures("implementation")[0]


def owners() -> dict[Queue, list[str]]:
    """Which services list each event queue as theirs (audisi/services.py: what `audisi worker` consumes)."""
    result: dict[Queue, list[str]] = {queue: [] for queue in Queue}
    for name, spec in SERVICES.items():
        for queue in spec.queues:
            if queue in Queue.__members__.values():
                result[Queue(queue)].append(name)
    return result


Consumers = dict[str, dict[Queue, dict[type[Event], Handler]]]


@pytest.fixture
def consumers(request: pytest.FixtureRequest) -> Consumers:
    """The event handlers each service's worker module registers, by queue."""
    for name in SERVICES:
        request.getfixturevalue(f"{name}_runtime")  # a worker module reads its settings when imported
    return {name: registered_consumers(load(spec.celery_path)) for name, spec in SERVICES.items()}  # type: ignore[arg-type]


def test_every_routed_queue_is_owned_by_exactly_one_service() -> None:
    routed = {queue for queues in SUBSCRIPTIONS.values() for queue in queues}
    assert routed == set(Queue)
    assert {queue: len(names) for queue, names in owners().items()} == dict.fromkeys(Queue, 1)


def test_every_routed_pair_has_a_handler_in_the_owning_service_and_every_handler_a_route(
    consumers: Consumers,
) -> None:
    expected: dict[str, dict[Queue, frozenset[type[Event]]]] = {name: {} for name in SERVICES}
    for queue, (name,) in owners().items():
        expected[name][queue] = routed_to(queue)
    found = {name: {queue: frozenset(h) for queue, h in by_queue.items()} for name, by_queue in consumers.items()}
    assert found == expected
    pairs = {(cls, queue) for cls, queues in SUBSCRIPTIONS.items() for queue in queues}
    handled = {(cls, queue) for by_queue in consumers.values() for queue, types in by_queue.items() for cls in types}
    assert handled == pairs


def test_every_handler_lives_in_a_domain_tasks_module_of_its_own_service(consumers: Consumers) -> None:
    places = {
        (name, handler.__module__)
        for name, by_queue in consumers.items()
        for handlers in by_queue.values()
        for handler in handlers.values()
    }
    offences = [
        f"{name}: {module}"
        for name, module in places
        if not (module.startswith(f"services.{name}.") and module.endswith(".tasks") and module.count(".") == 3)
    ]
    assert offences == []


def test_every_event_queue_has_a_worker_process_in_the_stack() -> None:
    consumed: dict[str, set[str]] = {}
    for process in PROCESSES:
        if process.command[1:2] != ("worker",):
            continue
        args = list(process.command)
        queues = (
            args[args.index("--queues") + 1].split(",") if "--queues" in args else [SERVICES[process.service].queues[0]]
        )
        consumed.setdefault(process.service, set()).update(queues)
    for queue, (name,) in owners().items():
        assert str(queue) in consumed.get(name, set()), f"no {name} worker process consumes {queue}"


def test_the_typed_union_and_the_routing_table_list_the_same_events() -> None:
    (union, _field) = typing.get_args(AnyEvent)
    assert set(typing.get_args(union)) == set(SUBSCRIPTIONS)


def test_each_contract_docstring_names_its_consuming_queues() -> None:
    """The docstrings are what people read; they must say what the table does."""
    offences: list[Any] = []
    for cls, queues in SUBSCRIPTIONS.items():
        consumers_part = (cls.__doc__ or "").partition("consumer")[2]
        offences.extend((cls.__name__, str(q)) for q in queues if str(q) not in consumers_part)
    assert offences == []
