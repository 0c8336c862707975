"""The console as the benchmarks see it: Redis, the fake GitBook, a Celery
worker and gunicorn, each on a free port, with a throwaway VAR_DIR and
SQLite database. Everything it starts is stopped again, even on Ctrl-C.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

FAKE_SPACES = 10_000
FAKE_LATENCY_MS = 150
FAKE_TOKEN = "gb_fake_token"
# Made up for each run: the stack lives only as long as the benchmark.
BENCH_SECRET_KEY = secrets.token_urlsafe(50)
BENCH_PASSWORD = secrets.token_urlsafe(16)
API_PAGE_SIZE = 1000
# The same shape as `make run`.
WEB_WORKERS = 2
WEB_THREADS = 4
WORKER_CONCURRENCY = 2

BARE_PATH = "/_bench/bare/"
# Written by the worker's `worker_ready` handler (dashboard.gitbook.tasks).
WORKER_HEARTBEAT_KEY = "console:worker:heartbeat"

_STATUS = re.compile(r'data-testid="list-status">(.*?)</p>', re.S)
_COUNT = re.compile(r"(\d+) spaces?\b")


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, seconds: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(step)
    raise StackError(f"gave up after {seconds:.0f} s waiting for {what}")


def listed_count(html: str) -> int | None:
    """The "N spaces" figure of the spaces list's status line."""
    status = _STATUS.search(html)
    if status is None:
        return None
    counts = _COUNT.findall(status.group(1))
    return int(counts[-1]) if counts else None


class Stack:
    def __init__(self, keep_files: bool = False, app_settings: dict[str, str] | None = None):
        self.keep_files = keep_files
        self.var_dir = Path(tempfile.mkdtemp(prefix="gitbook-console-bench-"))
        self.logs = self.var_dir / "log"
        self.logs.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        # Environment for the web server and worker on top of the stack's own.
        self.app_settings: dict[str, str] = dict(app_settings or {})
        self.redis_port = free_port()
        self.fake_port = free_port()
        self.web_port = free_port()
        self.fake_root = f"http://127.0.0.1:{self.fake_port}"
        self.api_url = f"{self.fake_root}/v1"
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.redis = redis.Redis(port=self.redis_port)
        self.password = ""
        self.org_id = ""

    # --- Starting and stopping ----------------------------------------------

    def base_env(self) -> dict[str, str]:
        # A real token, or the fake's GITBOOK_FAKE_* knobs (faults, rate limit...),
        # left in the caller's environment would change what is measured.
        inherited = {
            name: value for name, value in os.environ.items() if not name.startswith("GITBOOK_")
        }
        return dict(
            inherited,
            PYTHONUNBUFFERED="1",
            # Production settings, as a team deploys it, but over plain HTTP
            # on loopback: no HTTPS redirect and cookies without Secure.
            DEBUG="false",
            SECRET_KEY=BENCH_SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(self.var_dir / "static"),
            VAR_DIR=str(self.var_dir),
            DATABASE_URL=f"sqlite:///{self.var_dir / 'console.sqlite3'}",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            GITBOOK_API_URL=self.api_url,
            GITBOOK_API_TOKEN="",
            GITBOOK_FAKE_TOKEN=FAKE_TOKEN,
            GITBOOK_ORG_ID="",
            BENCHMARK_VIEWS="true",
            LOG_LEVEL="WARNING",
            **self.app_settings,
        )

    def start(self) -> None:
        self._spawn(
            "redis",
            [
                str(VENV_BIN / "redis-server"),
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.var_dir),
            ],
        )
        self._spawn(
            "fake-gitbook",
            [
                sys.executable,
                "-m",
                "gitbook_api.fake",
                "--port",
                str(self.fake_port),
                "--spaces",
                str(FAKE_SPACES),
                "--latency-ms",
                str(FAKE_LATENCY_MS),
                "--token",
                FAKE_TOKEN,
            ],
        )
        self._wait_for_port("redis", self.redis_port)
        self._wait_for_port("fake-gitbook", self.fake_port)
        self.org_id = requests.get(f"{self.fake_root}/_fake/health", timeout=10).json()[
            "organization"
        ]
        self._manage("migrate", "--noinput")
        self._manage("collectstatic", "--noinput")
        self._manage("bootstrap")
        self.password = BENCH_PASSWORD
        self._manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "admin",
            "--email",
            "admin@example.com",
            extra_env={"DJANGO_SUPERUSER_PASSWORD": BENCH_PASSWORD},
        )
        self._start_app()

    def _start_app(self) -> None:
        self.redis.delete(WORKER_HEARTBEAT_KEY)
        self._spawn(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "dashboard",
                "worker",
                "--loglevel",
                "warning",
                "--concurrency",
                str(WORKER_CONCURRENCY),
            ],
        )
        self._spawn(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "dashboard.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                # WEB_CONCURRENCY, as in the Procfile, lets a measurement ask for more.
                self.app_settings.get("WEB_CONCURRENCY", str(WEB_WORKERS)),
                "--threads",
                str(WEB_THREADS),
                # Its default path is per user, shared with any other gunicorn
                # running here (`make run`, another benchmark).
                "--no-control-socket",
            ],
        )
        self._wait_for_port("web", self.web_port)
        # A task sent before the worker listens would wait in the queue and
        # count against the figure that sent it.
        wait_until(lambda: self.redis.exists(WORKER_HEARTBEAT_KEY), 60, "the Celery worker")

    def use_app_settings(self, app_settings: dict[str, str]) -> None:
        """Restart the web server and the worker if they run with other settings."""
        if app_settings == self.app_settings:
            return
        self.app_settings = dict(app_settings)
        for name in ("web", "worker"):
            self._stop_process(name, self.processes.pop(name))
        self._start_app()

    def stop(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            self._stop_process(name, process)
        self.processes.clear()
        if self.keep_files:
            print(f"Logs and database kept in {self.var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.var_dir, ignore_errors=True)

    def print_logs(self, lines: int = 20) -> None:
        for log in sorted(self.logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            print(f"--- {log.name} (last {len(tail)} lines)", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it open
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.base_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own process group, so gunicorn's and Celery's children stop
            # with it and Ctrl-C reaches only the benchmark.
            start_new_session=True,
        )
        log.close()

    @staticmethod
    def _stop_process(name: str, process: subprocess.Popen) -> None:
        # The whole group, even when its leader has exited: gunicorn's and
        # Celery's children may outlive it.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def _wait_for_port(self, name: str, port: int) -> None:
        process = self.processes[name]

        def listening() -> bool:
            if process.poll() is not None:
                raise StackError(f"{name} exited with code {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_until(listening, 60, f"{name} on port {port}")

    def _manage(self, *args: str, extra_env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.base_env(), **(extra_env or {})},
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise StackError(f"manage.py {args[0]} failed:\n{result.stderr}")
        return result.stdout.strip()

    # --- Talking to the console -----------------------------------------------

    def login(self) -> requests.Session:
        """A browser-like session logged in as the demo admin."""
        session = requests.Session()
        form = session.get(f"{self.web_url}/login/", timeout=30)
        form.raise_for_status()
        answer = session.post(
            f"{self.web_url}/login/",
            data={
                "username": "admin",
                "password": self.password,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302 or "sessionid" not in session.cookies:
            raise StackError(f"login failed with status {answer.status_code}")
        return session

    def get(self, session: requests.Session, path: str, **kwargs) -> requests.Response:
        response = session.get(f"{self.web_url}{path}", allow_redirects=False, timeout=60, **kwargs)
        if response.status_code != 200:
            raise StackError(f"GET {path} answered {response.status_code}")
        return response

    def listed_spaces(self, session: requests.Session) -> int | None:
        """How many spaces the unfiltered list says it has."""
        page = self.get(session, "/spaces/?q=", headers={"HX-Request": "true"})
        return listed_count(page.text)

    def wait_for_complete_index(self, session: requests.Session) -> None:
        """Ask for the list, then wait until it shows every space and no walk runs."""
        # Not FAKE_SPACES: a measurement before this one may have made spaces.
        spaces = self.fake_space_count()
        wait_until(
            lambda: self.listed_spaces(session) == spaces and not self.walk_running(),
            120,
            "the spaces index to be complete",
            step=0.2,
        )

    def fake_space_count(self) -> int:
        response = self.api_session().get(
            f"{self.api_url}/orgs/{self.org_id}/spaces", params={"limit": 1}, timeout=60
        )
        response.raise_for_status()
        return response.json()["count"]

    # --- Redis: the console's index and cache ----------------------------------

    def walk_running(self) -> bool:
        """A walk of the spaces is under way or waiting for the worker."""
        return self.walk_locked() or bool(self.redis.keys("gb:*:spaces:walk-scheduled"))

    def walk_locked(self) -> bool:
        """A worker is walking the spaces now."""
        return bool(self.redis.keys("gb:*:spaces:walk-lock"))

    def index_refreshed_at(self) -> float | None:
        """When the last complete walk of the spaces finished (epoch seconds)."""
        for key in self.redis.scan_iter("gb:*:spaces:meta"):
            meta = json.loads(self.redis.get(key) or "{}")
            return meta.get("refreshed_at")
        return None

    def forget_spaces_index(self) -> None:
        """Empty the spaces index, as on a fresh install."""
        wait_until(lambda: not self.walk_running(), 120, "the running walk to finish", step=0.1)
        self._delete_matching("gb:*:spaces:*")

    def forget_cached_reads(self, *names: str) -> None:
        """Empty the cache of these API reads (see dashboard.gitbook.reads)."""
        for name in names:
            self._delete_matching(f"gb:*:{name}:*")

    def _delete_matching(self, pattern: str) -> None:
        keys = list(self.redis.scan_iter(pattern, count=1000))
        if keys:
            self.redis.delete(*keys)

    # --- The fake GitBook ---------------------------------------------------------

    def api_session(self) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {FAKE_TOKEN}"
        return session

    def iter_api_pages(self, session: requests.Session) -> Iterator[dict]:
        """Every page of the organization's spaces, straight from the fake."""
        params = {"limit": API_PAGE_SIZE}
        while True:
            response = session.get(
                f"{self.api_url}/orgs/{self.org_id}/spaces", params=params, timeout=60
            )
            response.raise_for_status()
            page = response.json()
            yield page
            cursor = (page.get("next") or {}).get("page")
            if not cursor:
                return
            params = {"limit": API_PAGE_SIZE, "page": cursor}

    def reset_fake_stats(self) -> None:
        requests.post(f"{self.fake_root}/_fake/stats/reset", timeout=10).raise_for_status()

    def fake_calls(self, operation: str) -> int:
        stats = requests.get(f"{self.fake_root}/_fake/stats", timeout=10).json()
        return stats["requests"].get(operation, 0)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def running_stack(
    keep_files: bool = False, app_settings: dict[str, str] | None = None
) -> Iterator[Stack]:
    stack = Stack(keep_files, app_settings)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Explicitly, because a shell starts background jobs with SIGINT ignored.
    previous = {signum: signal.signal(signum, interrupt) for signum in STOP_SIGNALS}
    try:
        stack.start()
        yield stack
    except StackError:
        stack.print_logs()
        raise
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        stack.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
