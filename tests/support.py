"""Support for tests that run the real stack: processes started with the compose file's commands,
a local SMTP sink, polling helpers."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import redis
from aiosmtpd.controller import Controller

from audisi import embedded
from audisi.processes import Process
from audisi.services import ROOT, SERVICES, WEB
from audisi.stack import LocalStack, StackConfig, resolve_command
from audisi.testing.infra import Infra, claim_redis_db, drop_database, release_redis_db

JWT_SECRET = "e2e-secret-0123456789-0123456789-0123456789"
#: A judging rubric for an edition the tests open.
RUBRIC = {
    "criteria": [
        {"key": "kecepatan", "name": "Kecepatan layanan", "description": "Waktu layanan berkurang", "weight": 30,
         "min_score": 1, "max_score": 5},
        {"key": "hemat_biaya", "name": "Penghematan biaya", "description": "Biaya berkurang", "weight": 30,
         "min_score": 1, "max_score": 5},
        {"key": "kepraktisan", "name": "Kepraktisan", "description": "Tidak ribet", "weight": 40,
         "min_score": 1, "max_score": 5},
    ]
}  # fmt: skip


def free_port() -> int:
    """A TCP port nobody listens on right now (below the ephemeral range: see audisi.embedded.free_port)."""
    return embedded.free_port()


@dataclass
class MailSink:
    """An SMTP server that keeps what it receives."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        """Messages addressed to `address`."""
        with self.lock:
            return [m for m in self.messages if address in (m.get("To") or "")]

    def link(self, address: str) -> str:
        """The newest emailed account link to `address` (`http...?token=<token>`), as a person clicks it."""
        for message in reversed(self.to(address)):
            found = re.search(r"https?://\S+[?&]token=[A-Za-z0-9_-]+", _plain_text(message))
            if found:
                return found.group(0)
        raise AssertionError(f"no account link was mailed to {address}")

    def link_token(self, address: str) -> str:
        """The token of the newest emailed account link to `address` (`...?token=<token>`)."""
        found = re.search(r"[?&]token=([A-Za-z0-9_-]+)", self.link(address))
        assert found is not None
        return found.group(1)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Wait until the predicate holds (mail is sent by a worker, asynchronously)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                with self.lock:
                    seen = [(m.get("To"), m.get("Subject")) for m in self.messages]
                raise AssertionError(f"mail did not arrive in {timeout}s; received: {seen}")
            time.sleep(0.1)


def _plain_text(message: Message) -> str:
    """The text/plain part of a message, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            return payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
    return ""


class SmtpSink:
    """A local SMTP server (aiosmtpd) on a fixed port that can be taken down and brought back."""

    def __init__(self) -> None:
        self.mail = MailSink()
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Accept mail (again)."""
        if self._controller is None:
            self._controller = Controller(self.mail, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        """Refuse connections, as a mail server that is down."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class RunningStack:
    """The started stack and how to reach it."""

    stack: LocalStack
    urls: dict[str, str]
    mail: MailSink
    env_for: Callable[[str], dict[str, str]]
    database_url: Callable[[str], str]

    def create_user(self, *, role: str, email: str, password: str, name: str, agency: str | None = None) -> str:
        """`audisi create-user`, run as ops would (a separate process, the submission service's env)."""
        argv = ["audisi", "create-user", "--role", role, "--email", email, "--password", password, "--name", name]
        if agency:
            argv += ["--agency", agency]
        result = subprocess.run(
            resolve_command(argv), env=self.env_for("submission"), cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]


@contextmanager
def start_stack(
    infra: Infra, *, prefix: str, smtp_port: int, workdir: Path, mail: MailSink, extra_env: dict[str, str] | None = None
) -> Iterator[RunningStack]:
    """Every process of the compose file, started with its compose command on fresh databases; stopped after."""
    ports = {name: free_port() for name in (*SERVICES, WEB.name)}
    (workdir / "attachments").mkdir(parents=True, exist_ok=True)
    # A Redis database of its own: the stack's workers must not consume other tests' queues.
    stack_db = claim_redis_db(infra.redis_base_url)
    redis_url = f"{infra.redis_base_url.rstrip('/')}/{stack_db}"
    redis.Redis.from_url(redis_url).flushdb()
    config = StackConfig(
        postgres_url=infra.postgres_url,
        redis_url=redis_url,
        database_prefix=prefix,
        api_ports=ports,
        metrics_ports={name: free_port() for name in SERVICES},
        extra_env={
            "ENVIRONMENT": "test",
            "JWT_SECRET": JWT_SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "COMMITTEE_EMAIL": "panitia@e2e.test",
            # The emailed account links open the stack's own web front.
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports[WEB.name]}",
            "WORKER_CONCURRENCY": "1",
            "LOG_JSON": "true",
            # Short timings so lost messages come back within the test (production values: see settings).
            "OUTBOX_REDELIVER_AFTER_SECONDS": "20",
            "BROKER_VISIBILITY_TIMEOUT_SECONDS": "10",
            "WEBHOOK_CIRCUIT_OPEN_SECONDS": "10",
            "ATTACHMENTS_DIR": str(workdir / "attachments"),
            "EVIDENCE_DIR": str(workdir / "evidence"),
            "BEAT_SCHEDULE_FILE": str(workdir / "beat-schedule"),
            **(extra_env or {}),
        },
    )
    log_dir = workdir / "logs"
    stack = LocalStack(config, log_dir=log_dir)
    try:
        stack.migrate()
        stack.start()
        stack.wait_healthy(timeout=90)
        yield RunningStack(
            stack=stack,
            urls={name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
            mail=mail,
            env_for=lambda service: config.env_for(Process(f"{service}-tool", service, ())),
            database_url=config.database_url,
        )
    finally:
        stack.stop()
        print(f"\nstack logs: {log_dir}")
        for name in SERVICES:
            drop_database(infra, f"{prefix}_{name}")
        release_redis_db(infra.redis_base_url, stack_db)


def wait_until(fetch: Callable[[], Any], *, timeout: float = 30.0, what: str = "condition", every: float = 0.1) -> Any:
    """Poll `fetch` (every `every` seconds) until it returns something truthy (events flow asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


def login(client: httpx.Client, submission_url: str, username: str, password: str) -> dict[str, str]:
    """Bearer headers for a user, through the submission service's login."""
    response = client.post(f"{submission_url}/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class WebhookReceiver:
    """An agency's webhook endpoint on a fixed local port, that can be down for a while."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, str, bytes]] = []  # (delivery id, event type, body)
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Where the agency's system listens."""
        return f"http://127.0.0.1:{self.port}/audisi-webhook"

    def start(self) -> None:
        """Accept deliveries (again)."""
        if self._server is not None:
            return
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.received.append(
                        (self.headers.get("webhook-id", ""), self.headers.get("X-Audisi-Event", ""), body)
                    )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Refuse connections, as an endpoint that is down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def deliveries(self) -> list[str]:
        """Delivery ids received so far (a redelivered one appears twice)."""
        with self.lock:
            return [delivery for delivery, _event, _body in self.received]
