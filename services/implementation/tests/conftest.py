"""Fixtures of the implementation service's tests: the service's own, and a local SMTP sink."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from audisi.testing.service import service_fixtures

implementation_runtime, db_session, client, tokens = service_fixtures("implementation")


@dataclass
class Inbox:
    """What a local SMTP sink received; `reply` makes it answer DATA differently (e.g. a 4xx or 5xx)."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    reply: str = "250 OK"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        if not self.reply.startswith("250"):
            return self.reply
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
            self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server (aiosmtpd) on a free port, and the inbox of what it received."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(autouse=True)
def _no_email_enqueuer() -> Iterator[None]:
    """Tests decide themselves whether recorded email jobs are sent on their way (importing the worker installs
    the Celery enqueuer for the whole process)."""
    from services.implementation.notifications import service

    saved = list(service._enqueuers)
    service.set_email_enqueuer(None)
    yield
    service._enqueuers[:] = saved
