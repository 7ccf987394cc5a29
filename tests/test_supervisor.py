"""`make run`'s supervision: crashed processes restart with docker's back-off; stop signals are only recorded."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator

import pytest

from audisi.processes import Process
from audisi.stack import LocalStack, StackConfig
from audisi.supervisor import STOP_SIGNALS, RestartPolicy, StopSignals, Supervisor

CRASHER = Process("crasher", "submission", (sys.executable, "-c", "import sys; sys.exit(3)"))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    config = StackConfig(postgres_url="postgresql+psycopg://unused@127.0.0.1:1/none", redis_url="redis://unused:1/0")
    local = LocalStack(config)
    yield local
    local.stop()


def test_crashed_process_restarts_with_doubling_back_off_that_resets_after_a_long_run(stack: LocalStack) -> None:
    clock, lines = Clock(), list[str]()
    stack.start_one(CRASHER)
    supervisor = Supervisor(
        stack,
        RestartPolicy(first_delay_seconds=1, max_delay_seconds=4, reset_after_seconds=10),
        clock=clock,
        say=lines.append,
    )
    pids = [stack.procs["crasher"].pid]

    def at(now: float) -> None:
        clock.now = now
        stack.procs["crasher"].wait(timeout=30)  # it has crashed by now
        supervisor.check()

    for crash, restart in ((0.0, 1.0), (1.5, 3.5), (4.0, 8.0), (8.5, 12.5), (30.0, 31.0)):
        at(crash)
        at(restart - 0.01)
        assert stack.procs["crasher"].pid == pids[-1]  # still waiting out its back-off
        at(restart)
        assert stack.procs["crasher"].pid != pids[-1]
        pids.append(stack.procs["crasher"].pid)
    assert [line for line in lines if "exited" in line] == [
        f"crasher exited with status 3; restarting it in {delay} s (restart {n})"
        for n, delay in enumerate((1, 2, 4, 4, 1), start=1)  # doubled, capped, reset after running 17.5 s
    ]
    assert [line for line in lines if "restarted" in line] == [f"crasher restarted (pid {pid})" for pid in pids[1:]]


def test_stop_signals_are_recorded_and_never_interrupt() -> None:
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    try:
        signals = StopSignals().install()
        assert signals.requested is False
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            os.kill(os.getpid(), sig)  # the handler runs before the next line, and raises nothing
        assert signals.received == [signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
        assert signals.requested is True
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
