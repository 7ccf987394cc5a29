"""The worker's mailer keeps its SMTP connection between emails, and opens a new one when the kept one is gone."""

from __future__ import annotations

from typing import Any

from aiosmtpd.controller import Controller

from services.implementation.notifications.mailer import RenderedMessage, SmtpMailer, build_message
from services.implementation.settings import ImplementationSettings
from services.implementation.tests.conftest import _free_port


class Peers:
    """An SMTP handler that remembers which client connection (its address) carried each message."""

    def __init__(self) -> None:
        self.peers: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.peers.append(session.peer)
        return "250 OK"


def message(n: int) -> Any:
    rendered = RenderedMessage(subject=f"Tiket {n}", summary="-", text="Halo\n", html="<p>Halo</p>")
    return build_message(
        rendered=rendered, to_name="Siti", to_email="siti@example.go.id", mail_from="audisi@example.go.id",
        message_id=f"<{n}@example.go.id>",
    )  # fmt: skip


def test_kept_connection_carries_the_next_email_and_a_dropped_one_is_replaced() -> None:
    port = _free_port()
    settings = ImplementationSettings(
        environment="test", database_url="postgresql://unused", smtp_host="127.0.0.1", smtp_port=port,
        smtp_timeout_seconds=5.0,
    )  # fmt: skip
    handler = Peers()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    mailer = SmtpMailer(settings, keep_open=True)
    try:
        mailer.send(message(1))
        mailer.send(message(2))
        assert len(handler.peers) == 2
        assert handler.peers[0] == handler.peers[1]  # one connection for both

        server.stop()  # the server restarts: the kept connection is dead
        server = Controller(handler, hostname="127.0.0.1", port=port)
        server.start()
        mailer.send(message(3))
        assert len(handler.peers) == 3
        assert handler.peers[2] != handler.peers[1]

        once = SmtpMailer(settings)  # a mailer for one send quits after it, as before
        once.send(message(4))
        once.send(message(5))
        assert handler.peers[3] != handler.peers[4]
    finally:
        mailer.close()
        server.stop()
