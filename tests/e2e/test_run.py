"""`make run` (`audisi run`) as a real process on its own embedded servers: ready only once the demo
logins work, a crashed process started again as compose does, and any signals in any order stop it all."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from audisi.embedded import LOWEST_LISTEN_PORT, ephemeral_port_floor, port_is_free
from audisi.services import ROOT, SERVICES, WEB
from tests.support import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

MARKER = "AUDISI_TEST_RUN_ID"  # every process of one run inherits it: how we find them all afterwards


def free_port_offset() -> int:
    """An offset that puts every port the stack listens on (APIs, web front, metrics) on a free port.

    All of them below the ephemeral range: there, any of the stack's own outgoing connections (to
    PostgreSQL, Redis, each other) may take a port between our check and the server's bind, and the
    server then exits with "address already in use" during start-up."""
    ports = [s.api_port for s in SERVICES.values()] + [s.metrics_port for s in SERVICES.values()] + [WEB.api_port]
    highest_offset = ephemeral_port_floor() - 1 - max(ports)
    while True:
        offset = random.randrange(LOWEST_LISTEN_PORT - min(ports), highest_offset)
        if all(port_is_free(p + offset) for p in ports):
            return offset


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """Data of the embedded servers, kept across the runs of this module (migrated and seeded once).

    Outside /tmp/pytest-of-<user>, which a new pytest session closes to 0700 (PostgreSQL runs as its
    own account when we are root and must keep reaching its folder)."""
    folder = Path(tempfile.mkdtemp(prefix="audisi-test-run-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Run:
    """One `audisi run` process and how to reach it."""

    proc: subprocess.Popen[bytes]
    run_id: str
    offset: int
    output: Path
    data_dir: Path

    @property
    def submission(self) -> str:
        return f"http://127.0.0.1:{SERVICES['submission'].api_port + self.offset}"

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def children(self) -> dict[int, float]:
        """Every process below `audisi run` now (pid: start time), embedded servers included."""
        found = {}
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                found[child.pid] = child.create_time()
        return found

    def marked(self) -> list[psutil.Process]:
        """Every living process that inherited this run's marker."""
        living = []
        for proc in psutil.process_iter():
            try:
                ours = proc.pid != os.getpid() and proc.environ().get(MARKER) == self.run_id
                if ours and proc.status() != psutil.STATUS_ZOMBIE:
                    living.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        return living

    def wait_running(self) -> None:
        wait_until(lambda: "Audisi is running" in self.text() or self.proc.poll() is not None, timeout=600)
        assert self.proc.poll() is None, self.text()[-3000:]

    def signal(self, *names: str, pause: float = 0.3) -> None:
        for name in names:
            self.proc.send_signal(getattr(signal, f"SIG{name}"))
            time.sleep(pause)


Launch = Callable[..., Run]


@pytest.fixture
def start(workdir: Path) -> Iterator[Launch]:
    """Start `audisi run` (make run's command) on the module's embedded servers; stopped if a test fails."""
    runs: list[Run] = []

    def launch(*args: str) -> Run:
        run_id = uuid.uuid4().hex
        offset = free_port_offset()
        output = workdir / f"run-{run_id}.log"
        env = {k: v for k, v in os.environ.items() if k != "ENVIRONMENT"}  # audisi run says development
        env.update(
            {
                MARKER: run_id,
                "AUDISI_SERVERS": "embedded",
                "AUDISI_DATA_DIR": str(workdir / "data"),
                "BEAT_SCHEDULE_FILE": str(workdir / f"beat-{run_id}"),
                "ATTACHMENTS_DIR": str(workdir / "attachments"),
                "EVIDENCE_DIR": str(workdir / "evidence"),
                "WORKER_CONCURRENCY": "1",
                "SMTP_PORT": "1",  # no mail server: the notifications retry, nothing else minds
            }
        )
        with output.open("wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "audisi.cli", "run", "--port-offset", str(offset), *args],
                env=env,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        run = Run(proc=proc, run_id=run_id, offset=offset, output=output, data_dir=workdir / "data")
        runs.append(run)
        return run

    yield launch
    for run in runs:
        if run.proc.poll() is None:
            run.proc.send_signal(signal.SIGTERM)
            run.proc.wait(timeout=180)
        for leftover in run.marked():
            leftover.kill()


def command_ends(proc: psutil.Process, *words: str) -> bool:
    """Whether a child's command line ends with `words`; False for a child just exited (a zombie until reaped)."""
    try:
        return proc.cmdline()[-len(words) :] == list(words)
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return False


def assert_all_stopped(run: Run, children: dict[int, float]) -> None:
    """`audisi run` has exited cleanly, and no process it started (nor the embedded servers) is left."""
    assert run.proc.wait(timeout=180) == 0, run.text()[-3000:]
    assert "stopped." in run.text()
    survivors = []
    for pid, started in children.items():
        try:
            proc = psutil.Process(pid)
            if proc.create_time() == started and proc.status() != psutil.STATUS_ZOMBIE:
                survivors.append((pid, proc.cmdline()))
        except psutil.NoSuchProcess:
            pass
    assert survivors == []
    assert run.marked() == []
    leftovers = [p for p in ("owner.pid", "postgres/postmaster.pid", "redis/redis.pid") if (run.data_dir / p).exists()]
    assert leftovers == []


def test_run_is_ready_only_with_demo_logins_and_restarts_a_crashed_worker(start: Launch) -> None:
    run = start()
    ready = f"{run.submission}/readyz"

    def answers() -> bool:
        assert run.proc.poll() is None, run.text()[-3000:]
        try:
            return httpx.get(ready, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(answers, timeout=600, what="/readyz")
    login = httpx.post(
        f"{run.submission}/api/v1/auth/login",
        json={"username": "panitia@audisi.trenggalekkab.go.id", "password": "Panitia#2026"},
        timeout=30,
    )
    assert login.status_code == 200, login.text
    run.wait_running()

    worker = next(
        child for child in psutil.Process(run.proc.pid).children() if command_ends(child, "worker", "submission")
    )
    os.killpg(worker.pid, signal.SIGKILL)  # as the OOM killer would, pool and all
    wait_until(lambda: "submission-worker restarted (pid " in run.text(), timeout=120, what="the restart")
    text = run.text()
    assert "audisi: submission-worker exited with status -9; restarting it in 1 s (restart 1)" in text
    new_pid = int(text.split("submission-worker restarted (pid ")[1].split(")")[0])
    assert new_pid != worker.pid
    assert psutil.Process(new_pid).cmdline()[-2:] == ["worker", "submission"]
    assert run.proc.poll() is None  # the stack lives on
    assert httpx.get(ready, timeout=10).status_code == 200

    children = run.children()
    run.signal("TERM", "TERM")
    assert_all_stopped(run, children)


@pytest.mark.parametrize(
    ("signals", "pause"),
    [(("INT", "INT", "INT"), 0.3), (("TERM", "INT"), 0.3), (("INT", "TERM", "TERM", "INT"), 0.0)],
    ids=["ctrl-c-three-times", "term-then-int", "mixed-burst-at-once"],
)
def test_any_signals_in_any_order_stop_every_process_and_the_servers(
    start: Launch, signals: tuple[str, ...], pause: float
) -> None:
    run = start("--no-seed")
    run.wait_running()
    children = run.children()
    assert len(children) >= 11 + 2  # the stack's processes and the two servers
    run.signal(*signals, pause=pause)
    assert_all_stopped(run, children)


def test_signals_while_starting_stop_what_was_started(start: Launch) -> None:
    run = start("--no-seed")
    # as soon as the first API is being started: servers up, some processes running, others not yet
    wait_until(
        lambda: any(command_ends(c, "api", "submission") for c in psutil.Process(run.proc.pid).children()),
        timeout=600,
        what="the first API process",
    )
    children = run.children()
    run.signal("TERM", "INT", pause=0.1)
    assert_all_stopped(run, children)
