"""The compose file runs exactly the processes that `make run` and the end-to-end tests run."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from audisi.processes import MIGRATIONS, PROCESSES
from audisi.services import ROOT


def compose_services() -> dict[str, Any]:
    """The services of docker-compose.yml, with YAML merge keys resolved."""
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services: dict[str, Any] = data["services"]
    return services


def test_compose_commands_match_local_process_list() -> None:
    services = compose_services()
    expected = {p.name: list(p.command) for p in (*PROCESSES, *MIGRATIONS)}
    actual = {name: services[name].get("command") for name in expected if name in services}
    assert actual == expected


def test_compose_has_no_audisi_process_missing_from_local_list() -> None:
    known = {p.name for p in (*PROCESSES, *MIGRATIONS)}
    audisi_services = {
        name for name, spec in compose_services().items() if (spec.get("command") or [None])[0] == "audisi"
    }
    assert audisi_services == known


def test_compose_apis_wait_for_their_migration() -> None:
    services = compose_services()
    for name in ("submission", "judging", "implementation"):
        depends = services[f"{name}-api"]["depends_on"]
        assert depends[f"{name}-migrate"] == {"condition": "service_completed_successfully"}
        assert depends["postgres"] == {"condition": "service_healthy"}


def test_compose_redis_refuses_eviction() -> None:
    command = compose_services()["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_compose_judging_api_scales_behind_its_gateway() -> None:
    services = compose_services()
    assert "ports" not in services["judging-api"]  # a fixed host port would forbid --scale
    assert services["judging-gateway"]["ports"] == ["8002:8002"]
    config = (ROOT / "deploy" / "judging-gateway.conf").read_text(encoding="utf-8")
    assert "proxy_pass http://$judging:8002;" in config


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian package docker-compose not installed")
def test_compose_file_validates() -> None:
    env = {**os.environ, "POSTGRES_PASSWORD": "test", "JWT_SECRET": "x" * 40, "WEB_SECRET": "w" * 40}
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="Debian package docker-compose not installed")
def test_compose_refuses_to_start_without_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_PASSWORD", "JWT_SECRET")}
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "must be set" in result.stderr
