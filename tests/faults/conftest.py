"""Workers that can be killed and a Redis that can be stopped: real `celery
worker` processes and `redis-server` processes of the tests' own.

The session's in-process worker keeps consuming the usual broker database, so
the tests here move the console's broker elsewhere for their duration: only
the worker processes they start (and kill) take their jobs.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection as db_connection

from tests.conftest import free_port, start_redis_server
from tests.imports.conftest import websites  # noqa: F401  (a fixture these tests use)

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
# Seconds after its last sign of life that a dead worker's work is taken over.
WORKER_LOST_AFTER = 3
FAULTS_BROKER_DB = 2


def database_url() -> str:
    """The test database, as a URL another process can open."""
    db = db_connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def reset_producer_pools(app) -> None:
    """Make the app look its producer pools up again, so the next message goes to
    the broker its configuration names now. kombu keeps one pool per broker URL
    for the whole process, so none is closed: the usual broker's is found again."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def console_broker(broker_url: str) -> Iterator[None]:
    """The console sends its messages to ``broker_url`` while the block runs."""
    from dashboard.celery import app as celery_app

    usual = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = broker_url
    celery_app.conf.broker_url = broker_url
    reset_producer_pools(celery_app)
    try:
        yield
    finally:
        settings.CELERY_BROKER_URL = usual
        celery_app.conf.broker_url = usual
        reset_producer_pools(celery_app)


@pytest.fixture
def own_broker(redis_server, settings):
    """Send the console's messages to a broker database only this test's workers read."""
    import redis

    broker_url = f"{redis_server}/{FAULTS_BROKER_DB}"
    redis.Redis.from_url(broker_url).flushdb()
    settings.WORKER_LOST_AFTER = WORKER_LOST_AFTER
    with console_broker(broker_url):
        yield broker_url
    redis.Redis.from_url(broker_url).flushdb()


class RedisProcess:
    """A Redis server of a test's own, which the test may stop and start again."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self) -> None:
        self.process = start_redis_server(self.port, self.directory)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings, tmp_path):
    """The console's cache and broker on a Redis server only this test uses."""
    server = RedisProcess(tmp_path / "redis")
    settings.REDIS_URL = f"{server.url}/1"
    settings.WORKER_LOST_AFTER = WORKER_LOST_AFTER
    try:
        with console_broker(f"{server.url}/0"):
            yield server
    finally:
        if server.process.poll() is None:
            server.stop()


class WorkerProcesses:
    """`celery worker` processes as `make run` starts them, on the test database."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        number = len(self.started) + 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dashboard.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "WORKER_LOST_AFTER": str(WORKER_LOST_AFTER),
            "GITBOOK_TIMEOUT": str(settings.GITBOOK_TIMEOUT),
            "VAR_DIR": str(self.logs),
            "LOG_LEVEL": "INFO",
        }
        log = (self.logs / f"worker-{number}.log").open("w")
        process = subprocess.Popen(
            # As `make run` starts it; LOG_LEVEL above sets what it logs.
            [
                str(VENV_BIN / "celery"),
                "-A",
                "dashboard",
                "worker",
                "-c",
                "2",
                "-n",
                f"faults-{number}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes at once, as a crash would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def log_of(self, process: subprocess.Popen) -> str:
        number = self.started.index(process) + 1
        return (self.logs / f"worker-{number}.log").read_text()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def worker_processes(transactional_db, tmp_path):
    """Worker processes on the broker and Redis the test set up before this fixture."""
    workers = WorkerProcesses(tmp_path)
    try:
        yield workers
    finally:
        workers.stop_all()
