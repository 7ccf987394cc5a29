"""What each process of the local stack gets in its environment (as compose gives its container)."""

from __future__ import annotations

from audisi.processes import PROCESSES, Process
from audisi.stack import StackConfig

CONFIG = StackConfig(postgres_url="postgresql+psycopg://unused@127.0.0.1:1/none", redis_url="redis://unused:1/0")


def _process(name: str) -> Process:
    return next(p for p in PROCESSES if p.name == name)


def test_the_web_front_gets_its_port_and_the_apis_but_no_database_or_metrics_port() -> None:
    env = CONFIG.env_for(_process("web"))
    assert env["API_PORT"] == "8080"
    assert env["SUBMISSION_API_URL"] == "http://127.0.0.1:8001"
    assert "METRICS_PORT" not in env
    assert "DATABASE_URL" not in env


def test_an_api_gets_its_port_its_metrics_port_and_its_database() -> None:
    env = CONFIG.env_for(_process("judging-api"))
    assert (env["API_PORT"], env["METRICS_PORT"]) == ("8002", "9002")
    assert env["DATABASE_URL"].endswith("/audisi_judging")
