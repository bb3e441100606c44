"""The production shape on this machine, for the benchmark and the drills.

PostgreSQL is the machine's own (a database of ours is created in it). Everything
else is started here as a child process in a process group of its own: a private
redis-server (so a drill can stop it without touching anyone else's Redis),
gunicorn with the settings in gunicorn.conf.py, a Celery worker and one beat.
Each is stopped by its own process group id, never by name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(
    predicate: Callable[[], T], *, timeout: float, interval: float = 0.1, what: str = ""
) -> T:
    """Poll until `predicate` returns something truthy; a bounded wait, never an endless one."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what or 'condition'} not met within {timeout:.0f} s")
        time.sleep(interval)


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (1 MB = 2**20 bytes)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (threads included)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU used by a process's children, the live ones and those it has reaped.

    gunicorn replaces a worker after max_requests; the old one's time then
    shows in the master's cutime/cstime, so the sum never goes backwards.
    """
    reaped = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return reaped + cpu_seconds(children(pid))


def _process_table() -> dict[int, tuple[str, int, float]]:
    """pid -> (command name, parent pid, CPU seconds so far) for every process."""
    table = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            raw = stat.read_text()
            name = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw.rsplit(")", 1)[1].split()
            table[int(stat.parent.name)] = (
                name,
                int(fields[1]),
                (int(fields[11]) + int(fields[12])) / tick,
            )
    return table


class CpuMeter:
    """Splits the CPU used during a measurement: PostgreSQL's, and other people's.

    "Others" is every process that is neither this process, nor one this stack
    started (with their children), nor PostgreSQL: the neighbours on a shared
    machine. PostgreSQL is counted whole, whoever's database it works for.
    """

    def __init__(self, roots: list[int]) -> None:
        self.roots = {*roots, os.getpid()}
        self.started = time.monotonic()
        self.table = _process_table()

    def _ours(self, table: dict[int, tuple[str, int, float]]) -> set[int]:
        ours = set(self.roots)
        grew = True
        while grew:
            more = {pid for pid, (_, ppid, _) in table.items() if ppid in ours} - ours
            ours |= more
            grew = bool(more)
        return ours

    def stop(self) -> dict[str, float]:
        end = _process_table()
        wall = max(time.monotonic() - self.started, 1e-6)
        ours = self._ours(end) | self._ours(self.table)
        postgres = others = 0.0
        for pid, (name, _, cpu) in end.items():
            if pid in ours:
                continue
            used = max(cpu - self.table[pid][2], 0.0) if pid in self.table else cpu
            if name == "postgres":
                postgres += used
            else:
                others += used
        return {"wall": wall, "postgres": postgres / wall, "others": others / wall}


def children(pid: int) -> list[int]:
    """Direct children of a process, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def machine() -> str:
    """One line saying what this machine is, for the results."""
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = 0.0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 2**20
    pg = "PostgreSQL ?"
    with contextlib.suppress(Exception):
        out = subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-Atc", "show server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        pg = f"PostgreSQL {out.stdout.strip().split()[0]}"
    redis = "Redis ?"
    with contextlib.suppress(Exception):
        out = subprocess.run(
            ["redis-server", "--version"], capture_output=True, text=True, timeout=10
        )
        redis = "Redis " + out.stdout.split("v=")[1].split()[0]
    wrk = "wrk ?"
    with contextlib.suppress(Exception):
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        wrk = (out.stdout or out.stderr).split()[1]
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB RAM, {os.uname().sysname} "
        f"{os.uname().release}, Python {sys.version.split()[0]}, {pg}, {redis}, wrk {wrk}"
    )


class Stack:
    """Our database, our redis-server, gunicorn, a Celery worker and beat.

    `name` picks the database (uhapo_<name>). Use as a context manager: on
    exit every process started here is stopped and the work folder removed.
    """

    def __init__(self, name: str, *, extra_env: dict[str, str] | None = None) -> None:
        self.name = name
        self.db_name = f"uhapo_{name}"
        self.workdir = Path(tempfile.mkdtemp(prefix=f"uhapo-{name}-"))
        self.redis_port = free_port()
        self.web_port = free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self._logs: list[Any] = []
        self.env = self._environment(extra_env or {})

    # --- configuration ------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"{PG_URL}/{self.db_name}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
        env = {
            **keep,
            # Production: debug off, a real key, no TLS on 127.0.0.1.
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SETTINGS_MODULE": "uhapo.settings",
            "SITE_URL": "https://care.uhapo.example",
            "DATABASE_URL": self.database_url,
            # The broker and the cache share one Redis, as in .env.example.
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "EMAIL_FILE_PATH": str(self.workdir / "mail"),
            "SMS_BACKEND": "outbox.channels.sms.ConsoleSmsBackend",
            "SMS_FILE_PATH": str(self.workdir / "sms"),
            "UHAPO_VAR_DIR": str(self.workdir / "var"),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.update(extra)
        return env

    def activate(self) -> None:
        """Point this process's Django at the same database, cache and broker, and set it up."""
        os.environ.update(self.env)
        # Celery's Django fixup puts the working directory first on sys.path.
        os.chdir(ROOT)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    # --- database -------------------------------------------------------------

    def _psql(self, sql: str) -> None:
        subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
        )

    def create_database(self) -> None:
        """A fresh, empty database of our own, migrated, with the static files collected.

        Refuses to start over a database another run is still using: dropping
        it would cut that run's connections in the middle of its measurement.
        """
        out = subprocess.run(
            [
                "psql",
                f"{PG_URL}/postgres",
                "-Atc",
                f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{self.db_name}'",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        if int(out.stdout.strip() or 0):
            raise SystemExit(
                f"{self.db_name} is in use by another benchmark or drill run "
                f"({out.stdout.strip()} connections); wait for it to finish."
            )
        self._psql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self._psql(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_guide", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def drop_database(self) -> None:
        with contextlib.suppress(Exception):
            self._psql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def manage(self, *args: str) -> None:
        subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=300,
        )

    # --- processes ------------------------------------------------------------

    def _spawn(self, key: str, args: list[str], *, stdout: str | None = None) -> subprocess.Popen:
        log = open(self.workdir / f"{key}.log", "ab")  # noqa: SIM115 (closed in stop_all)
        self._logs.append(log)
        out: Any = subprocess.DEVNULL if stdout == "null" else log
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=log,
            start_new_session=True,  # its own process group, stopped by id
        )
        self.procs[key] = proc
        return proc

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        wait_until(lambda: port_open(self.redis_port), timeout=15, what="redis-server")

    def start_web(
        self, *gunicorn_args: str, config: Path = ROOT / "gunicorn.conf.py", app: str = "uhapo.wsgi"
    ) -> subprocess.Popen:
        """gunicorn with gunicorn.conf.py (the recommended settings) plus any overrides."""
        proc = self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                app,
                "--config",
                str(config),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                *gunicorn_args,
            ],
        )
        wait_until(lambda: port_open(self.web_port), timeout=60, what="gunicorn")
        # Every worker has imported Django and answered once before we measure.
        wait_until(
            lambda: len(children(proc.pid)) >= 1 and self._get("/healthz") > 0,
            timeout=60,
            what="gunicorn workers",
        )
        return proc

    def start_worker(self, *, concurrency: int = 2, key: str = "worker") -> subprocess.Popen:
        # The console email and SMS backends print every message; that goes to
        # the worker's log through Celery's stdout redirection, as in production.
        proc = self._spawn(
            key,
            [
                str(BIN / "celery"),
                "-A",
                "uhapo",
                "worker",
                "--loglevel=INFO",
                "--concurrency",
                str(concurrency),
                "--pool",
                "prefork",
                "-n",
                f"{self.name}-{key}-{os.getpid()}@%h",
            ],
        )
        wait_until(
            lambda: (
                len(children(proc.pid)) >= concurrency
                and b"ready." in (self.workdir / f"{key}.log").read_bytes()
            ),
            timeout=90,
            interval=0.25,
            what="celery worker ready",
        )
        return proc

    def start_beat(self) -> subprocess.Popen:
        return self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "uhapo",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
            ],
        )

    def stop(self, key: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        proc = self.procs.pop(key, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def kill(self, key: str) -> None:
        """SIGKILL a whole process group (the worker and its pool children) at once."""
        self.stop(key, signal.SIGKILL, timeout=10)

    def stop_all(self) -> None:
        for key in ("beat", "worker", "web", *list(self.procs), "redis"):
            self.stop(key)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"logs kept in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- measuring ----------------------------------------------------------------

    def _get(self, path: str) -> int:
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def memory(self) -> dict[str, list[float]]:
        """Resident MB of each gunicorn worker and each Celery worker process."""
        result: dict[str, list[float]] = {}
        web = self.procs.get("web")
        if web:
            result["gunicorn worker"] = [rss_mb(pid) for pid in children(web.pid)]
            result["gunicorn master"] = [rss_mb(web.pid)]
        for key, proc in self.procs.items():
            if key.startswith("worker"):
                result["celery main"] = [rss_mb(proc.pid)]
                result["celery pool process"] = [rss_mb(pid) for pid in children(proc.pid)]
            if key == "beat":
                result["celery beat"] = [rss_mb(proc.pid)]
        return result

    def pids(self) -> list[int]:
        """The process this stack started for each role (their children hang below)."""
        return [proc.pid for proc in self.procs.values() if proc.poll() is None]

    def log_tail(self, key: str, lines: int = 20) -> str:
        path = self.workdir / f"{key}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running(name: str, **kwargs: Any) -> Iterator[Stack]:
    with Stack(name, **kwargs) as stack:
        yield stack
