"""Websites on 127.0.0.1 for the fake to crawl, and a fake GitBook of the imports' own.

The own fake imports 20 pages a second and its clock may be frozen and moved
by a test without touching the session's fake.
"""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard.accounts.models import Connection
from dashboard.imports.models import ImportRun
from tests.conftest import PASSWORD, wait_until

SITE = re.compile(r"^/(?P<kind>site|slow)-(?P<pages>\d+)/(?:p(?P<number>\d+))?$")


class Websites(BaseHTTPRequestHandler):
    """``/site-N/`` is a site of N pages: the home page links to ``p2`` … ``pN``.
    ``/slow-N/`` is the same, answering each page after 0.3 s; anything else is 404."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        match = SITE.match(self.path)
        if match is None:
            return self.answer(404, "text/plain", b"not found")
        pages = int(match["pages"])
        number = int(match["number"] or 1)
        if match["kind"] == "slow":
            time.sleep(0.3)
        if not 1 <= number <= pages:
            return self.answer(404, "text/plain", b"not found")
        links = "".join(f'<a href="p{n}">Page {n}</a> ' for n in range(2, pages + 1))
        title = "Home" if number == 1 else f"Page {number}"
        body = f"<html><head><title>{title}</title></head><body>{links}</body></html>"
        self.answer(200, "text/html; charset=utf-8", body.encode())

    def answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def websites():
    """The base URL of the test websites, e.g. f"{websites}/site-5/"."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Websites)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def own_fake():
    from gitbook_api.fake import FakeConfig, FakeGitBook

    fake = FakeGitBook(FakeConfig(seed=11, spaces=12, import_speed=20))
    server = fake.serve(host="127.0.0.1", port=0)
    fake.url = server.url
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture
def fake(own_fake):
    """The own fake, with its clock running again after the test."""
    yield own_fake
    own_fake.clock.unfreeze()


@pytest.fixture
def fast_connection(db, fake) -> Connection:
    connection = Connection(name="Imports fake", api_url=fake.url, organization_id=fake.org_id)
    connection.set_token(fake.token)
    connection.save()
    return connection


@pytest.fixture
def quick_polls(settings):
    settings.IMPORT_POLL_MIN_SECONDS = 0.2
    settings.IMPORT_POLL_CEILING_SECONDS = 2.0


def log_in_to(client, user, connection) -> None:
    client.login(username=user.username, password=PASSWORD)
    session = client.session
    session["connection_id"] = connection.pk
    session.save()


@pytest.fixture
def as_operator(client, operator, fast_connection):
    log_in_to(client, operator, fast_connection)
    return client


@pytest.fixture
def as_viewer(client, viewer, fast_connection):
    log_in_to(client, viewer, fast_connection)
    return client


def wait_for_run(run_id: int, accept=lambda run: run.finished, seconds: float = 20) -> ImportRun:
    return wait_until(lambda: ImportRun.objects.get(pk=run_id), accept, seconds=seconds)


def latest_run() -> ImportRun:
    return ImportRun.objects.order_by("-pk").first()


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    # Hashing the personas' passwords properly is most of a page test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
