"""The pipeline benchmark's moving parts: the stack's processes, a counting SMTP sink, the Celery floor.

The stack is started with `audisi.stack.LocalStack`, so each process runs the compose file's command with
the environment compose gives it, on scratch databases (dropped afterwards) and a Redis database of its own.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from audisi.embedded import free_port
from audisi.processes import PROCESSES
from audisi.services import ROOT, SERVICES
from audisi.stack import LocalStack, StackConfig
from audisi.testing.infra import drop_database, release_redis_db
from bench import floor_celery
from bench.common import bench_infra
from shared.events import IdeaJudged
from shared.outbox import publish

AGENCY = "DISDUKCAPIL"  # where tests.faults.burst.judged_event sends every ticket
JWT_SECRET = "bench-secret-0123456789-0123456789-0123456789"  # noqa: S105 - scratch stack only
#: What production runs for a decision's way to tickets and mail (the other APIs and relays are not on it).
PIPELINE_PROCESSES = (
    "judging-relay",
    "implementation-api",
    "implementation-worker",
    "notifications-worker",
    "webhooks-worker",
    "implementation-relay",
    "implementation-beat",
    "submission-worker",
)
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


@dataclass
class CountingSink:
    """An SMTP server (aiosmtpd) that only counts what it receives, and the distinct Message-IDs."""

    received: int = 0
    message_ids: set[bytes] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        found = _MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.received += 1
            if found:
                self.message_ids.add(found.group(1))
        return "250 OK"


@dataclass
class PipelineStack:
    """The running stack, its databases, and the sink its emails go to."""

    stack: LocalStack
    config: StackConfig
    redis_url: str
    api_url: str
    sink: CountingSink
    log_dir: Path

    def engine(self, service: str) -> Any:
        """An engine on one service's database (the caller disposes of it)."""
        return create_engine(self.config.database_url(service), pool_size=2)

    def publish(self, events: list[IdeaJudged], session: Session) -> None:
        """Commit decisions into the judging outbox, as the judging service does when results are published."""
        publish(session, *events)
        session.commit()

    def agency_token(self) -> str:
        """A bearer token of the benchmark agency's staff, signed as the stack's services expect."""
        from services.implementation.settings import ImplementationSettings
        from shared.auth import Role, TokenService

        settings = ImplementationSettings(
            environment="test",
            database_url=self.config.database_url("implementation"),
            redis_url=self.redis_url,
            jwt_secret=JWT_SECRET,
        )
        tokens = TokenService(settings)
        tokens.revocations.restore({})  # the submission relay is not running: the (empty) revocation list
        return tokens.issue(user_id=uuid.uuid4(), role=Role.AGENCY, name="Staf", email=None, agency_code=AGENCY)[0]

    def worker_pids(self) -> dict[str, int]:
        """The process ids of the stack's busiest processes (a worker's pool processes are its children)."""
        names = ("implementation-worker", "notifications-worker", "submission-worker", "implementation-relay")
        return {n: self.stack.procs[n].pid for n in names}


@contextmanager
def pipeline_stack(work: Path, concurrency: int) -> Iterator[PipelineStack]:
    """Start the pipeline's processes on scratch databases; stop them and drop everything afterwards."""
    infra = bench_infra()
    sink = CountingSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    prefix = f"audisi_bench_pl_{secrets.token_hex(3)}"
    api_port = free_port()
    config = StackConfig(
        postgres_url=infra.postgres_url,
        redis_url=infra.redis_url,
        database_prefix=prefix,
        api_ports={"implementation": api_port},
        metrics_ports={name: free_port() for name in SERVICES},
        extra_env={
            "ENVIRONMENT": "test",
            "JWT_SECRET": JWT_SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "COMMITTEE_EMAIL": "panitia@bench.test",
            "WORKER_CONCURRENCY": str(concurrency),
            "LOG_JSON": "true",
            "BEAT_SCHEDULE_FILE": str(work / "beat-schedule"),
            "ATTACHMENTS_DIR": str(work / "attachments"),
            "EVIDENCE_DIR": str(work / "evidence"),
        },
    )
    log_dir = work / "logs"
    stack = LocalStack(config, log_dir=log_dir)
    try:
        stack.migrate()
        stack.start([p for p in PROCESSES if p.name in PIPELINE_PROCESSES])
        stack.wait_healthy(timeout=120)
        yield PipelineStack(stack, config, infra.redis_url, f"http://127.0.0.1:{api_port}", sink, log_dir)
    finally:
        stack.stop()
        smtp.stop()
        for name in SERVICES:
            drop_database(infra, f"{prefix}_{name}")
        release_redis_db(infra.redis_base_url, infra.redis_db)


@contextmanager
def floor_workers(redis_url: str, concurrency: int, log_dir: Path) -> Iterator[list[int]]:
    """The floor's two workers (tickets; notifications and emails), as the stack runs its two busy ones."""
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT)}
    procs = []
    for queue in (floor_celery.TICKETS_QUEUE, floor_celery.NOTIFICATIONS_QUEUE):
        command = [
            sys.executable, "-m", "celery", "-A", "bench.floor_celery", "worker", "--loglevel=WARNING",
            f"--queues={queue}", f"--concurrency={concurrency}", f"--hostname={queue}@%h-bench",
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        out = (log_dir / f"{queue}.log").open("wb")
        procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))  # noqa: S603
    try:
        yield [proc.pid for proc in procs]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_floor(redis_url: str, decisions: int, timeout: float) -> float:
    """Queue `decisions` no-op chains at once; seconds until every email step ran."""
    client = redis.Redis.from_url(redis_url)
    client.delete(floor_celery.DONE_KEY)
    app = floor_celery.app
    app.conf.update(broker_url=redis_url)  # the stack's Redis database, which the floor's workers were given too
    expected = decisions * floor_celery.EMAILS_PER_DECISION
    started = time.perf_counter()
    with app.producer_or_acquire() as producer:
        for n in range(decisions):
            app.send_task(
                floor_celery.TICKET_TASK, kwargs={"n": n}, queue=floor_celery.TICKETS_QUEUE, producer=producer
            )
    while int(client.get(floor_celery.DONE_KEY) or 0) < expected:
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"the floor did not finish {decisions} chains in {timeout:.0f} s")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed


def wait_floor_ready(redis_url: str, timeout: float = 60) -> None:
    """One chain through the floor, so both of its workers are up before it is timed."""
    run_floor(redis_url, 1, timeout)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live children (a worker's pool), from /proc."""
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def stack_cpu(stack: LocalStack) -> dict[str, float]:
    """CPU seconds used so far by each process of the stack."""
    return {name: cpu_seconds(proc.pid) for name, proc in stack.procs.items()}


def scalar(engine: Any, sql: str, **params: object) -> int:
    """One number from a service's database."""
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())
