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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import make_url

from audisi.embedded import EmbeddedServers, tcp_answers
from audisi.processes import MIGRATIONS, PROCESSES, Process
from audisi.services import ROOT, SERVICES, WEB


@dataclass
class StackConfig:
    """Where the stack's servers are and what the processes get in their environment."""

    postgres_url: str  # any database on the server; each service gets audisi_<service> (or a prefix)
    redis_url: str
    database_prefix: str = "audisi"
    api_ports: dict[str, int] = field(
        default_factory=lambda: {**{n: s.api_port for n, s in SERVICES.items()}, WEB.name: WEB.api_port}
    )
    extra_env: dict[str, str] = field(default_factory=dict)

    def database_url(self, service: str) -> str:
        """The URL of `service`'s own database."""
        url = make_url(self.postgres_url).set(database=f"{self.database_prefix}_{service}")
        return url.render_as_string(hide_password=False)

    def env_for(self, process: Process) -> dict[str, str]:
        """The environment of one process (as compose gives its container)."""
        env = dict(os.environ)
        env.update({"REDIS_URL": self.redis_url, "PYTHONUNBUFFERED": "1"})
        if process.service == WEB.name:  # no database; the services' APIs where this stack runs them
            env.pop("DATABASE_URL", None)
            env.update({f"{name.upper()}_API_URL": f"http://127.0.0.1:{self.api_ports[name]}" for name in SERVICES})
        else:
            env["DATABASE_URL"] = self.database_url(process.service)
        if process.http_port is not None:
            env["API_PORT"] = str(self.api_ports[process.service])
        env.update(self.extra_env)
        return env


def resolve_command(command: Iterable[str]) -> list[str]:
    """The compose command, run with this interpreter's `audisi` (the virtualenv's, not one on PATH)."""
    argv = list(command)
    if argv and argv[0] == "audisi":
        return [sys.executable, "-m", "audisi.cli", *argv[1:]]
    return argv


class LocalStack:
    """Starts, watches and stops the stack's processes."""

    def __init__(self, config: StackConfig, *, log_dir: Path | None = None, echo: bool = False) -> None:
        self.config = config
        self.log_dir = log_dir
        self.echo = echo
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._threads: list[threading.Thread] = []

    def migrate(self) -> None:
        """Run the one-shot migration jobs (creating the databases), as compose does before the APIs."""
        for job in MIGRATIONS:
            subprocess.run(  # noqa: S603 - our own command list
                resolve_command(job.command), env=self.config.env_for(job), cwd=ROOT, check=True
            )

    def start(self, processes: Iterable[Process] = PROCESSES) -> None:
        """Start processes in the background."""
        for process in processes:
            self.start_one(process)

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

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Wait until every API answers /readyz; raise with the log tail of one that does not."""
        deadline = time.monotonic() + timeout
        for service, port in self.config.api_ports.items():
            url = f"http://127.0.0.1:{port}/readyz"
            while True:
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


DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class StackServers:
    """The PostgreSQL and Redis `make run` uses, and where each came from (given, localhost, embedded)."""

    postgres_url: str
    redis_url: str
    postgres_source: str
    redis_source: str
    embedded: EmbeddedServers | None = None

    def stop(self) -> None:
        """Stop the embedded servers, if any (given and localhost servers are not ours to stop)."""
        if self.embedded is not None:
            self.embedded.stop()


def embedded_data_dir() -> Path:
    """Where embedded servers keep their data between runs: AUDISI_DATA_DIR, default `.audisi/` in the repo."""
    return Path(os.environ.get("AUDISI_DATA_DIR") or ROOT / ".audisi")


def find_servers() -> StackServers:
    """POSTGRES_URL (or DATABASE_URL) and REDIS_URL when given; else servers answering on localhost's
    default ports; else private embedded ones with their data under `.audisi/`, started here (each of
    the two decided on its own). AUDISI_SERVERS=embedded always starts the embedded ones."""
    force = os.environ.get("AUDISI_SERVERS", "").strip().lower() == "embedded"
    pg_given = None if force else os.environ.get("POSTGRES_URL") or os.environ.get("DATABASE_URL")
    redis_given = None if force else os.environ.get("REDIS_URL")
    pg_url, pg_source = (pg_given, "given") if pg_given else (DEFAULT_POSTGRES_URL, "localhost")
    redis_url, redis_source = (redis_given, "given") if redis_given else (DEFAULT_REDIS_URL, "localhost")
    want_pg = force or (not pg_given and not tcp_answers("127.0.0.1", 5432))
    want_redis = force or (not redis_given and not tcp_answers("127.0.0.1", 6379))
    if not (want_pg or want_redis):
        return StackServers(pg_url, redis_url, pg_source, redis_source)
    root = embedded_data_dir()
    print(f"starting embedded servers (data in {root}) ...", flush=True)
    embedded = EmbeddedServers.persistent(root).start(postgres=want_pg, redis=want_redis)
    if want_pg:
        pg_url, pg_source = embedded.postgres.url, "embedded"
    if want_redis:
        redis_url, redis_source = f"{embedded.redis.url}/0", "embedded"
    return StackServers(pg_url, redis_url, pg_source, redis_source, embedded)


def _seed(config: StackConfig, servers: StackServers) -> str:
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
    output = []
    for name in SERVICES:
        seed_env = config.env_for(Process(f"{name}-seed", name, ()))
        done = subprocess.run(  # noqa: S603
            resolve_command(("audisi", "seed", name)),
            env=seed_env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        output.append(done.stdout)
    text = "".join(output)
    if marker is not None and logins is not None:
        logins.write_text(text, encoding="utf-8")
        marker.write_text("demo edition loaded into this PostgreSQL; delete to load it again\n", encoding="utf-8")
    return text


def _describe(servers: StackServers) -> str:
    where = {"given": "given", "localhost": "on localhost", "embedded": "embedded, data in {root}/{name}"}
    root = servers.embedded.root if servers.embedded is not None else ""
    pg = make_url(servers.postgres_url).render_as_string(hide_password=True).replace("+psycopg", "")
    return (
        f"  {'PostgreSQL':<15} {pg} ({where[servers.postgres_source].format(root=root, name='postgres')})\n"
        f"  {'Redis':<15} {servers.redis_url} ({where[servers.redis_source].format(root=root, name='redis')})\n"
    )


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def run_stack(*, seed: bool = True) -> int:
    """`make run`: find or start the servers, migrate, seed, start everything; Ctrl-C stops it all."""
    # Ctrl-C and `kill` both stop cleanly (SIGINT too: a shell starts background jobs with it ignored)
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    servers: StackServers | None = None
    stack: LocalStack | None = None
    try:
        servers = find_servers()
        config = StackConfig(
            postgres_url=servers.postgres_url,
            redis_url=servers.redis_url,
            extra_env={"ENVIRONMENT": "development"},  # a local stack, whatever the processes' default
        )
        stack = LocalStack(config, echo=True)
        stack.migrate()
        stack.start()
        stack.wait_healthy()
        logins = _seed(config, servers) if seed else ""
        print(
            f"\nAudisi is running: open http://localhost:{config.api_ports[WEB.name]}\n"
            + "".join(f"  {n:<15} http://localhost:{p}/docs\n" for n, p in config.api_ports.items() if n != WEB.name)
            + _describe(servers)
            + (f"\n{logins.rstrip()}\n" if logins.strip() else "")
            + "\nCtrl-C stops everything.\n",
            flush=True,
        )
        while True:
            time.sleep(1.0)
            dead = [n for n, p in stack.procs.items() if p.poll() is not None]
            if dead:
                print(f"stopping: {', '.join(dead)} exited", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"\n{' '.join(exc.cmd)} failed (exit status {exc.returncode}); see its output above", file=sys.stderr)
        return 1
    except (RuntimeError, OSError) as exc:  # a server or an API that would not start (EmbeddedServerError too)
        print(f"\n{exc}", file=sys.stderr)
        return 1
    finally:
        # a second Ctrl-C must not cut the orderly stop short (it takes seconds, and leaves no orphans)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nstopping Audisi ...", file=sys.stderr, flush=True)
        if stack is not None:
            stack.stop()
        if servers is not None:
            servers.stop()
        print("stopped.", file=sys.stderr, flush=True)
