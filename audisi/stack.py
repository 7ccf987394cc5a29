"""Run the stack locally: the same processes, with the same commands, as docker-compose.yml.

`make run` and the end-to-end tests both use `LocalStack`. Each process gets the environment the
compose file gives its container: its own service's DATABASE_URL, the shared REDIS_URL and secrets.
`make run` finds its servers with `find_servers()`: given, else on localhost, else embedded ones
(audisi.embedded) whose data stays in `.audisi/` between runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx
from sqlalchemy import make_url

from audisi.embedded import EmbeddedServers
from audisi.processes import MIGRATIONS, PROCESSES, Process
from audisi.servers import Servers, locate, mode_from
from audisi.services import ROOT, SERVICES, WEB
from audisi.supervisor import StopSignals, Supervisor

#: What the image's ENV gives every process (Dockerfile): unbuffered logs, and two malloc arenas instead of eight
#: per core, so memory freed by a request on one worker thread is reused by the next on another.
IMAGE_ENV = {"PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2"}


@dataclass
class StackConfig:
    """Where the stack's servers are and what the processes get in their environment."""

    postgres_url: str  # any database on the server; each service gets audisi_<service> (or a prefix)
    redis_url: str
    database_prefix: str = "audisi"
    api_ports: dict[str, int] = field(
        default_factory=lambda: {**{n: s.api_port for n, s in SERVICES.items()}, WEB.name: WEB.api_port}
    )
    metrics_ports: dict[str, int] = field(default_factory=lambda: {n: s.metrics_port for n, s in SERVICES.items()})
    extra_env: dict[str, str] = field(default_factory=dict)

    def database_url(self, service: str) -> str:
        """The URL of `service`'s own database."""
        url = make_url(self.postgres_url).set(database=f"{self.database_prefix}_{service}")
        return url.render_as_string(hide_password=False)

    def env_for(self, process: Process) -> dict[str, str]:
        """The environment of one process (as compose gives its container)."""
        env = dict(os.environ)
        env.update({"REDIS_URL": self.redis_url, **IMAGE_ENV})
        if process.service == WEB.name:  # no database; the services' APIs where this stack runs them
            env.pop("DATABASE_URL", None)
            env.update({f"{name.upper()}_API_URL": f"http://127.0.0.1:{self.api_ports[name]}" for name in SERVICES})
        else:
            env["DATABASE_URL"] = self.database_url(process.service)
        if process.http_port is not None:
            env["API_PORT"] = str(self.api_ports[process.service])
            if process.service in self.metrics_ports:  # the web front has no metrics port of its own
                env["METRICS_PORT"] = str(self.metrics_ports[process.service])
        env.update(self.extra_env)
        return env


def resolve_command(command: Iterable[str]) -> list[str]:
    """The compose command, run with this interpreter's `audisi` (the virtualenv's, not one on PATH)."""
    argv = list(command)
    if argv and argv[0] == "audisi":
        return [sys.executable, "-m", "audisi.cli", *argv[1:]]
    return argv


class StopRequested(Exception):  # noqa: N818 - a request, not an error
    """The stack was asked to stop while it was starting."""


class LocalStack:
    """Starts, watches and stops the stack's processes.

    `should_stop` (make run: a stop signal arrived) is looked at while one-shot jobs run and while the
    stack starts; when it says so, the job is stopped and `StopRequested` raised.
    """

    def __init__(
        self,
        config: StackConfig,
        *,
        log_dir: Path | None = None,
        echo: bool = False,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.config = config
        self.log_dir = log_dir
        self.echo = echo
        self.should_stop = should_stop
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._started_as: dict[str, tuple[Process, Mapping[str, str] | None]] = {}
        self._threads: list[threading.Thread] = []

    def _check_stop(self) -> None:
        if self.should_stop():
            raise StopRequested

    def migrate(self) -> None:
        """Run the one-shot migration jobs (creating the databases), as compose does before the APIs."""
        for job in MIGRATIONS:
            self.run_job(job)

    def run_job(self, job: Process, *, capture: bool = False) -> str:
        """Run a one-shot job to its end and return what it printed when `capture`; CalledProcessError if it
        fails. In its own session, like every process of the stack: only we stop it."""
        argv = resolve_command(job.command)
        self._check_stop()
        proc = subprocess.Popen(  # noqa: S603 - our own command list
            argv,
            env=self.config.env_for(job),
            cwd=ROOT,
            stdout=subprocess.PIPE if capture else None,
            text=True,
            start_new_session=True,
        )
        output: list[str] = []
        while True:
            try:
                out, _ = proc.communicate(timeout=0.2)  # retried after a timeout without losing output
                output.append(out or "")
                break
            except subprocess.TimeoutExpired:
                if self.should_stop():
                    _end_group(proc)
                    raise StopRequested from None
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, argv)
        return "".join(output)

    def start(self, processes: Iterable[Process] = PROCESSES) -> None:
        """Start processes in the background."""
        for process in processes:
            self._check_stop()
            self.start_one(process)

    def restart(self, name: str) -> subprocess.Popen[bytes]:
        """Start a process again as it was last started (same command, same extra environment)."""
        process, extra_env = self._started_as[name]
        return self.start_one(process, extra_env)

    def start_one(self, process: Process, extra_env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start (or restart) one process by its compose name."""
        env = self.config.env_for(process)
        env.update(extra_env or {})
        proc = subprocess.Popen(  # noqa: S603 - our own command list
            resolve_command(process.command),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # signals to the stack don't hit children twice
        )
        self.procs[process.name] = proc
        self._started_as[process.name] = (process, extra_env)
        sink = self._sink(process.name)
        thread = threading.Thread(target=self._pump, args=(process.name, proc, sink), daemon=True)
        thread.start()
        self._threads.append(thread)
        return proc

    def _sink(self, name: str) -> IO[str] | None:
        if self.log_dir is None:
            return None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return (self.log_dir / f"{name}.log").open("a", encoding="utf-8")

    def _pump(self, name: str, proc: subprocess.Popen[bytes], sink: IO[str] | None) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if sink is not None:
                sink.write(line + "\n")
                sink.flush()
            if self.echo:
                print(f"{name:>22} | {line}", flush=True)
        if sink is not None:
            sink.close()

    def wait_healthy(self, timeout: float = 180.0) -> None:
        """Wait until every API answers /readyz; raise with the log tail of one that does not."""
        deadline = time.monotonic() + timeout
        for service, port in self.config.api_ports.items():
            url = f"http://127.0.0.1:{port}/readyz"
            while True:
                self._check_stop()
                dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
                if dead:
                    raise RuntimeError(f"processes exited during start-up: {dead}\n{self.log_tail()}")
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{service} API not ready at {url}\n{self.log_tail()}")
                time.sleep(0.2)

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of every process log (for failure messages)."""
        if self.log_dir is None:
            return ""
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send a signal to a process and its children (a worker's pool dies with it)."""
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop everything: SIGTERM, then SIGKILL whatever is left."""
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        for thread in self._threads:
            thread.join(timeout=2)


def _end_group(proc: subprocess.Popen[str]) -> None:
    """Stop a job and whatever it started: SIGTERM, SIGKILL after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def embedded_data_dir() -> Path:
    """Where embedded servers keep their data between runs: AUDISI_DATA_DIR, default `.audisi/` in the repo."""
    return Path(os.environ.get("AUDISI_DATA_DIR") or ROOT / ".audisi")


def _start_persistent(postgres: bool, redis: bool) -> EmbeddedServers:
    root = embedded_data_dir()
    print(f"starting embedded servers (data in {root}) ...", flush=True)
    return EmbeddedServers.persistent(root).start(postgres=postgres, redis=redis)


def find_servers() -> Servers:
    """POSTGRES_URL (or DATABASE_URL) and REDIS_URL when given; else servers answering on localhost's
    default ports; else private embedded ones with their data under `.audisi/`, started here (each of
    the two decided on its own, see audisi.servers). AUDISI_SERVERS=embedded always starts the embedded ones."""
    return locate(
        start_embedded=_start_persistent,
        postgres_url=os.environ.get("POSTGRES_URL") or os.environ.get("DATABASE_URL"),
        redis_url=os.environ.get("REDIS_URL"),
        mode=mode_from("AUDISI_SERVERS"),
    )


def _redis_db0(url: str) -> str:
    """The URL with database 0 when it names none (the stack's processes share one database)."""
    return url if urlsplit(url).path.strip("/") else f"{url.rstrip('/')}/0"


def _seed(stack: LocalStack, servers: Servers) -> str:
    """Load the demo data; with embedded PostgreSQL only on its first start (marker `.audisi/seeded`).

    Returns what the seed commands printed (the demo logins), kept in `.audisi/demo-logins.txt` so
    later runs can show them again.
    """
    embedded = servers.embedded if servers.postgres_source == "embedded" else None
    marker = None if embedded is None else embedded.root / "seeded"
    logins = None if embedded is None else embedded.root / "demo-logins.txt"
    if marker is not None and marker.exists():
        saved = logins.read_text(encoding="utf-8") if logins is not None and logins.exists() else ""
        return f"(demo data loaded on the first start; delete {marker} to load it again)\n{saved}"
    text = "".join(
        stack.run_job(Process(f"{name}-seed", name, ("audisi", "seed", name)), capture=True) for name in SERVICES
    )
    if marker is not None and logins is not None:
        logins.write_text(text, encoding="utf-8")
        marker.write_text("demo edition loaded into this PostgreSQL; delete to load it again\n", encoding="utf-8")
    return text


def _describe(servers: Servers) -> str:
    where = {"given": "given", "localhost": "on localhost", "embedded": "embedded, data in {root}/{name}"}
    root = servers.embedded.root if servers.embedded is not None else ""
    pg = make_url(servers.postgres_url).render_as_string(hide_password=True).replace("+psycopg", "")
    redis_url = make_url(_redis_db0(servers.redis_url)).render_as_string(hide_password=True)
    return (
        f"  {'PostgreSQL':<15} {pg} ({where[servers.postgres_source].format(root=root, name='postgres')})\n"
        f"  {'Redis':<15} {redis_url} ({where[servers.redis_source].format(root=root, name='redis')})\n"
    )


def run_stack(*, seed: bool = True, port_offset: int = 0) -> int:
    """`make run`: find or start the servers, migrate, seed, start everything and keep it running (a
    process that exits is started again, as compose does); any SIGINT/SIGTERM/SIGHUP stops it all."""
    signals = StopSignals().install()
    servers: Servers | None = None
    stack: LocalStack | None = None
    failure = ""  # why it stopped without being asked to: repeated as the last line, below the stop's output
    try:
        servers = find_servers()
        # the local stack is development unless told otherwise (a process without ENVIRONMENT is production)
        environment = os.environ.get("ENVIRONMENT") or "development"
        config = StackConfig(
            postgres_url=servers.postgres_url,
            redis_url=_redis_db0(servers.redis_url),
            api_ports={
                **{n: s.api_port + port_offset for n, s in SERVICES.items()},
                WEB.name: WEB.api_port + port_offset,
            },
            metrics_ports={n: s.metrics_port + port_offset for n, s in SERVICES.items()},
            extra_env={"ENVIRONMENT": environment},
        )
        stack = LocalStack(config, echo=True, should_stop=lambda: signals.requested)
        stack.migrate()
        # Before any API answers: whoever waits for /readyz can then sign in with a demo login at once.
        logins = _seed(stack, servers) if seed else ""
        stack.start()
        stack.wait_healthy()
        print(
            f"\nAudisi is running: open http://localhost:{config.api_ports[WEB.name]}\n"
            + "".join(f"  {n:<15} http://localhost:{p}/docs\n" for n, p in config.api_ports.items() if n != WEB.name)
            + _describe(servers)
            + (f"\n{logins.rstrip()}\n" if logins.strip() else "")
            + "\nA process that exits is started again. Ctrl-C stops everything.\n",
            flush=True,
        )
        supervisor = Supervisor(stack)
        while not signals.requested:
            supervisor.check()
            time.sleep(0.2)
        return 0
    except StopRequested:
        return 0
    except subprocess.CalledProcessError as exc:
        if signals.requested:  # a job cut short by the stop that was asked for is no failure
            return 0
        failure = f"{' '.join(exc.cmd)} failed (exit status {exc.returncode}); see its output above"
        print(f"\n{failure}", file=sys.stderr)
        return 1
    except (RuntimeError, OSError, ValueError) as exc:  # a server or API that would not start, a bad AUDISI_SERVERS
        if signals.requested:  # e.g. a process that exited because the stop reached it first
            return 0
        failure = str(exc)
        print(f"\n{failure}", file=sys.stderr)
        return 1
    finally:
        # Further signals are only recorded: nothing cuts this stop short, and it leaves no process behind.
        print("\nstopping Audisi ...", file=sys.stderr, flush=True)
        try:
            if stack is not None:
                stack.stop()
        finally:
            if servers is not None:
                servers.stop()
        signals.ignore()
        print("stopped.", file=sys.stderr, flush=True)
        if failure:
            print(f"Audisi stopped: {failure.splitlines()[0]}", file=sys.stderr, flush=True)
