"""The deployed processes as ops run them: `audisi api` started as a real process with the compose command."""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from audisi.services import ROOT
from audisi.stack import resolve_command
from audisi.testing.infra import Infra
from shared.auth import Role, TokenService
from shared.settings import ServiceSettings
from tests.support import JWT_SECRET, free_port

# Loopback addresses standing for the machines of a compose deployment (Linux routes all of 127/8 locally).
GATEWAY_ADDRESS = "127.0.0.2"  # judging-gateway (172.30.0.2 in compose)
CLIENT_ADDRESS = "127.0.0.3"  # a judge's tablet
OTHER_ADDRESS = "127.0.0.4"  # anyone else who reaches the API


@contextmanager
def api_process(service: str, env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`audisi api <service>` as compose starts it, until its /healthz answers; stopped afterwards."""
    proc = subprocess.Popen(
        resolve_command(("audisi", "api", service)),
        env={**os.environ, "ENVIRONMENT": "test", "JWT_SECRET": JWT_SECRET, "LOG_JSON": "true", **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{env['API_PORT']}/healthz"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"audisi api {service} exited with {proc.returncode}"
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_api_serves_metrics_on_its_own_port_and_not_on_the_public_one() -> None:
    api_port, metrics_port = free_port(), free_port()
    env = {
        "API_PORT": str(api_port),
        "METRICS_PORT": str(metrics_port),
        "API_HOST": "127.0.0.1",
        "DATABASE_URL": "postgresql+psycopg://unused@127.0.0.1:1/none",  # /healthz and /metrics need none
    }
    with api_process("judging", env):
        public = httpx.get(f"http://127.0.0.1:{api_port}/metrics", timeout=5)
        private = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
    assert (public.status_code, public.json()["error"]["code"]) == (404, "not_found")
    assert private.status_code == 200
    assert 'audisi_http_requests_total{method="GET",route="/healthz",service="judging",status="200"}' in private.text


@contextmanager
def gateway(upstream: str) -> Iterator[str]:
    """A reverse proxy doing what deploy/judging-gateway.conf does: it connects from its own address and
    appends the peer's address to X-Forwarded-For ($proxy_add_x_forwarded_for)."""
    transport = httpx.HTTPTransport(local_address=GATEWAY_ADDRESS)
    upstream_client = httpx.Client(base_url=upstream, transport=transport, timeout=30)

    class Proxy(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            forwarded = ", ".join(v for v in (self.headers.get("X-Forwarded-For"), self.client_address[0]) if v)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "x-forwarded-for")}
            response = upstream_client.put(self.path, content=body, headers={**headers, "X-Forwarded-For": forwarded})
            self.send_response(response.status_code)
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        upstream_client.close()


def rubric(weight: int) -> dict[str, Any]:
    """A valid rubric; a different weight makes a different change (each one audited)."""
    return {
        "criteria": [
            {"key": "speed_of_service", "name": "Kecepatan layanan", "weight": weight},
            {"key": "cost_saving", "name": "Penghematan biaya", "weight": 100 - weight},
        ]
    }


def test_audit_log_records_the_client_address_behind_the_gateway_not_a_forged_one(
    infra: Infra, service_database: Callable[[str], str]
) -> None:
    database_url = service_database("judging")
    settings = ServiceSettings(
        environment="test", database_url=database_url, jwt_secret=JWT_SECRET, redis_url=infra.redis_url
    )
    tokens = TokenService(settings)
    # No submission service runs here to load session revocations into Redis: mark them loaded (none).
    tokens.revocations.restore({})
    token, _ = tokens.issue(user_id=uuid.uuid4(), role=Role.COMMITTEE, name="Panitia", email=None, agency_code=None)
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.9"}  # a forged origin
    edition = f"DEPLOY-{uuid.uuid4().hex[:8]}"
    api_port = free_port()
    env = {
        "API_PORT": str(api_port),
        "METRICS_PORT": str(free_port()),
        "API_HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": infra.redis_url,
        "FORWARDED_ALLOW_IPS": GATEWAY_ADDRESS,  # as compose sets it for judging-api
    }
    with api_process("judging", env), gateway(f"http://127.0.0.1:{api_port}") as gateway_url:
        path = f"/api/v1/editions/{edition}/rubric"
        tablet = httpx.Client(transport=httpx.HTTPTransport(local_address=CLIENT_ADDRESS), timeout=30)
        other = httpx.Client(transport=httpx.HTTPTransport(local_address=OTHER_ADDRESS), timeout=30)
        with tablet, other:
            through_gateway = tablet.put(f"{gateway_url}{path}", json=rubric(60), headers=headers)
            direct = other.put(f"http://127.0.0.1:{api_port}{path}", json=rubric(70), headers=headers)
    assert (through_gateway.status_code, direct.status_code) == (200, 200)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        origins = (
            conn.execute(
                text("SELECT client_ip FROM audit_log WHERE details->>'edition_code' = :edition ORDER BY id"),
                {"edition": edition},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert origins == [CLIENT_ADDRESS, OTHER_ADDRESS]
