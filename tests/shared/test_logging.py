"""shared.logging: routine periodic tasks do not flood the log, their failures still reach it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS

from shared.logging import _CELERY_RUN_LOGGERS, quiet_routine_tasks

SWEEP = "audisi.test.sweep"


@pytest.fixture
def quiet_sweep() -> Iterator[None]:
    quiet_routine_tasks(SWEEP)
    yield
    for name in _CELERY_RUN_LOGGERS:
        logger = logging.getLogger(name)
        logger.filters = [f for f in logger.filters if SWEEP not in getattr(f, "task_names", ())]


def run_lines(task: str) -> None:
    """What a worker and beat log for one run of `task` (the same loggers, formats and arguments as Celery)."""
    context = {"name": task, "id": "42", "runtime": 0.01, "return_value": None}
    logging.getLogger("celery.worker.strategy").info(LOG_RECEIVED, context)
    logging.getLogger("celery.app.trace").info(LOG_SUCCESS, context)
    logging.getLogger("celery.beat").info("Scheduler: Sending due task %s (%s)", "sweep-emails", task)


def test_runs_of_a_routine_task_leave_no_info_lines(quiet_sweep: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    run_lines(SWEEP)
    assert caplog.messages == []


def test_other_tasks_and_a_routine_tasks_failure_are_still_logged(
    quiet_sweep: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    run_lines("audisi.test.handle_event")
    logging.getLogger("celery.app.trace").error("Task %(name)s[%(id)s] raised: boom", {"name": SWEEP, "id": "43"})
    assert caplog.messages == [
        "Task audisi.test.handle_event[42] received",
        "Task audisi.test.handle_event[42] succeeded in 0.01s: None",
        "Scheduler: Sending due task sweep-emails (audisi.test.handle_event)",
        f"Task {SWEEP}[43] raised: boom",
    ]
