"""Fixtures of the implementation service's tests: the service's own, and a local SMTP sink."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from audisi.testing.service import service_fixtures

implementation_runtime, db_session, client, tokens = service_fixtures(
    "implementation", evidence_dir=tempfile.mkdtemp(prefix="audisi-evidence-")
)


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


class SilentServer:
    """Accepts TCP connections and never says a word (a hung mail server or webhook receiver)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.accepted.append(conn)

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    """A TCP server on 127.0.0.1 that accepts and never answers."""
    server = SilentServer()
    yield server
    server.close()


class SlowSmtp:
    """A mail server that answers every command correctly but `delay` seconds late, and records what it got."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.messages: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _reply(self, conn: socket.socket, line: str) -> None:
        time.sleep(self.delay)
        conn.sendall(line.encode() + b"\r\n")

    def _session(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as lines:
            try:
                self._reply(conn, "220 slow.example ESMTP")
                for raw in lines:
                    command = raw.decode(errors="replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self._reply(conn, "250 slow.example")
                    elif command == "DATA":
                        self._reply(conn, "354 go ahead")
                        data = b"".join(iter(lines.readline, b".\r\n"))
                        self._reply(conn, "250 queued")
                        self.messages.append(data)
                    elif command == "QUIT":
                        self._reply(conn, "221 bye")
                        return
                    else:
                        self._reply(conn, "250 OK")
            except OSError:  # the client hung up
                return

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()
