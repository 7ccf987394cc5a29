"""The README's webhook receiver, run as the agency would run it, accepts our real deliveries and refuses forgeries."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.implementation.tests.helpers import open_ticket
from services.implementation.tests.webhooks.test_delivery import send, settings_of
from services.implementation.webhooks.signing import new_secret
from shared.auth import Role

README = Path(__file__).parents[2] / "README.md"


def receiver_code() -> str:
    """The receiver.py block of the implementation README."""
    blocks: list[str] = re.findall(r'```python\n("""receiver\.py.*?)```', README.read_text(encoding="utf-8"), re.DOTALL)
    [code] = blocks
    return code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def readme_receiver(tmp_path: Path) -> Iterator[tuple[int, str, subprocess.Popen[str]]]:
    """The README's receiver.py on a free port, with a secret of its own; yields port, secret and process."""
    port = free_port()
    script = tmp_path / "receiver.py"
    script.write_text(receiver_code().replace('("127.0.0.1", 9000)', f'("127.0.0.1", {port})'), encoding="utf-8")
    secret = new_secret()
    process = subprocess.Popen(
        [sys.executable, str(script)],
        env={**os.environ, "AUDISI_WEBHOOK_SECRET": secret},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for _ in range(200):  # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port, secret, process
    finally:
        process.kill()
        process.wait()


def test_readme_receiver_verifies_a_real_delivery_and_refuses_a_forgery(
    implementation_runtime: Any, client: TestClient, tokens: Any, readme_receiver: tuple[int, str, Any]
) -> None:
    port, secret, process = readme_receiver
    url = f"http://127.0.0.1:{port}/audisi"
    response = client.post(
        "/api/v1/webhooks",
        headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"),
        json={"url": url, "secret": secret},
    )
    assert response.status_code == 201, response.text
    ticket_id, _ = open_ticket(implementation_runtime.session_factory)
    assert send(implementation_runtime, settings_of(implementation_runtime)) == "delivered"
    forged = httpx.post(
        url,
        content=b'{"seq": 1}',
        headers={"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"},
    )
    assert forged.status_code == 401
    process.kill()
    assert process.stdout is not None
    printed = process.stdout.read().split("\n")
    assert printed[0].split(" ")[1:3] == ["ticket.created", str(ticket_id)]
