"""Structured JSON logs, with a correlation id that follows a request into the events it causes."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar

import structlog

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def get_correlation_id() -> str | None:
    """The correlation id of the request or event being handled, if any."""
    return _correlation_id.get()


def set_correlation_id(value: str | None) -> None:
    """Bind a correlation id to this context (a request, a task) and to its log lines."""
    _correlation_id.set(value)
    structlog.contextvars.clear_contextvars()
    if value:
        structlog.contextvars.bind_contextvars(correlation_id=value)


def new_correlation_id() -> str:
    """A fresh correlation id for work that did not come with one."""
    return uuid.uuid4().hex


def configure_logging(service: str, *, level: str = "INFO", json: bool = True) -> None:
    """Route stdlib and structlog output through one JSON (or console) renderer, tagged with the service."""
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        _add_service(service),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared_processors,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# Where Celery writes one INFO line per task run: a worker's "received" and "succeeded", beat's "sending due task".
_CELERY_RUN_LOGGERS = ("celery.worker.strategy", "celery.app.trace", "celery.beat")


class _QuietRoutineTasks(logging.Filter):
    """Drops Celery's INFO lines about runs of the given tasks; their warnings and errors still pass."""

    def __init__(self, task_names: frozenset[str]) -> None:
        super().__init__()
        self.task_names = task_names

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        args = record.args.values() if isinstance(record.args, dict) else (record.args or ())
        return not any(isinstance(arg, str) and arg in self.task_names for arg in args)


def quiet_routine_tasks(*task_names: str) -> None:
    """Keep the per-run INFO lines of frequent periodic tasks (a sweep every few seconds) out of the log,
    where they would bury the lines that matter; a failure of those tasks is still logged."""
    quiet = _QuietRoutineTasks(frozenset(task_names))
    for name in _CELERY_RUN_LOGGERS:
        logging.getLogger(name).addFilter(quiet)


def _add_service(service: str) -> structlog.types.Processor:
    def processor(_logger: object, _name: str, event_dict: structlog.types.EventDict) -> structlog.types.EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    return processor


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger."""
    return structlog.stdlib.get_logger(name)
