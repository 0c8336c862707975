"""Fixtures for the tests of gitbook_api."""

from __future__ import annotations

import pytest
import requests

from gitbook_api.fake import FakeConfig, FakeGitBook
from tests.openapi_check import check_response, checking_session

# --- The fake GitBook API, served in-process on a free port ---------------------------------


class FakeApiSession(requests.Session):
    """A requests session rooted at the fake's API base URL: ``api.get("/user")``."""

    def __init__(self, base_url: str, token: str | None) -> None:
        super().__init__()
        self.base_url = base_url
        self.control_url = base_url.removesuffix("/v1") + "/_fake"
        self.trust_env = False
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)


def checking_responses_only(session: requests.Session) -> requests.Session:
    """Check every response against the document, but let deliberately bad requests through."""

    def hook(response: requests.Response, *args, **kwargs):
        check_response(response.request, response)

    session.hooks["response"].append(hook)
    return session


@pytest.fixture
def start_fake():
    """Start fakes with their own config: ``fake, server = start_fake(spaces=20)``."""
    servers = []

    def start(**config) -> tuple[FakeGitBook, object]:
        settings = {"seed": 7, "spaces": 60, "links_per_space": 20, **config}
        fake = FakeGitBook(FakeConfig(**settings))
        server = fake.serve(host="127.0.0.1", port=0)
        servers.append(server)
        return fake, server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def fake_and_server(start_fake):
    return start_fake()


@pytest.fixture
def fake(fake_and_server) -> FakeGitBook:
    return fake_and_server[0]


@pytest.fixture
def fake_server(fake_and_server):
    return fake_and_server[1]


@pytest.fixture
def fake_api(fake, fake_server) -> FakeApiSession:
    """Authenticated; every request and response is checked against the document."""
    with checking_session(FakeApiSession(fake_server.url, fake.token)) as session:
        yield session


@pytest.fixture
def fake_api_lax(fake, fake_server) -> FakeApiSession:
    """Authenticated; only responses are checked, so tests can send requests the API refuses."""
    with checking_responses_only(FakeApiSession(fake_server.url, fake.token)) as session:
        yield session


@pytest.fixture
def api_for():
    """Checked sessions for fakes started with ``start_fake``: ``api_for(fake, server)``."""
    sessions = []

    def make(fake, server, *, lax: bool = False) -> FakeApiSession:
        session = FakeApiSession(server.url, fake.token)
        session = checking_responses_only(session) if lax else checking_session(session)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
