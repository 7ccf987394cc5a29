"""What `make run` does while the stack runs: restart a crashed process the way compose's
`restart: unless-stopped` does, and stop on any number of SIGINT/SIGTERM/SIGHUP.

Signals are recorded, never raised: the stack looks at them between its steps and while it waits, so
a signal cannot land half-way through starting a process (leaving it unrecorded, hence never stopped),
and a second signal cannot cut the orderly stop short (which used to leave every process running,
since each runs in its own session).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audisi.stack import LocalStack

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignals:
    """Records SIGINT, SIGTERM and SIGHUP instead of letting them interrupt whatever runs."""

    def __init__(self) -> None:
        self.received: list[int] = []

    def install(self) -> StopSignals:
        """Handle the stop signals from now on (SIGINT too: a shell starts background jobs with it ignored)."""
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._record)
        return self

    def ignore(self) -> None:
        """Once everything is stopped: ignore further stop signals, so that a late one cannot kill the exiting
        process (Python's shutdown puts the default handlers back, and a late Ctrl-C would exit with -2)."""
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)

    def _record(self, signum: int, _frame: FrameType | None) -> None:
        self.received.append(signum)

    @property
    def requested(self) -> bool:
        """Whether the stack has been asked to stop."""
        return bool(self.received)


@dataclass(frozen=True)
class RestartPolicy:
    """Docker's restart back-off: the delay doubles with each crash, and starts over once a process
    has run `reset_after_seconds` (docker: 100 ms to 1 min, reset after 10 s)."""

    first_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0
    reset_after_seconds: float = 10.0


@dataclass
class _Watch:
    started_at: float
    delay: float = 0.0
    restarts: int = 0
    due: float | None = None  # when a crashed process starts again


def _say(line: str) -> None:
    print(f"audisi: {line}", file=sys.stderr, flush=True)


class Supervisor:
    """Restarts the stack's processes that exit, with a back-off and one line each time."""

    def __init__(
        self,
        stack: LocalStack,
        policy: RestartPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = _say,
    ) -> None:
        self.stack = stack
        self.policy = policy or RestartPolicy()
        self.clock = clock
        self.say = say
        now = clock()
        self.watches = {name: _Watch(started_at=now) for name in stack.procs}

    def check(self) -> None:
        """Notice processes that exited, and start again those whose back-off has passed."""
        now = self.clock()
        for name, proc in list(self.stack.procs.items()):
            watch = self.watches.setdefault(name, _Watch(started_at=now))
            if watch.due is None and proc.poll() is not None:
                policy = self.policy
                ran_long_enough = now - watch.started_at >= policy.reset_after_seconds
                first = watch.delay == 0.0 or ran_long_enough
                watch.delay = policy.first_delay_seconds if first else min(watch.delay * 2, policy.max_delay_seconds)
                watch.due = now + watch.delay
                watch.restarts += 1
                self.say(
                    f"{name} exited with status {proc.returncode}; restarting it in {watch.delay:g} s "
                    f"(restart {watch.restarts})"
                )
            elif watch.due is not None and now >= watch.due:
                started = self.stack.restart(name)
                watch.started_at, watch.due = now, None
                self.say(f"{name} restarted (pid {started.pid})")
