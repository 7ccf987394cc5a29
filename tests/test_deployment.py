"""The deployed processes as ops run them: `audisi api` started as a real process with the compose command."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

from audisi.services import ROOT
from audisi.stack import resolve_command
from tests.support import JWT_SECRET, free_port


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
