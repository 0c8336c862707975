"""Retries happen only where repeating the call is safe."""

import socket
from http.client import RemoteDisconnected

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from gitbook_api import DeleteOutcome, GitBookClient, errors
from tests.openapi_check import checking_session

TOKEN = "gb_api_retries_secret"
BASE = "https://api.gitbook.com/v1"
USER = {"object": "user", "id": "user-1", "displayName": "Ada", "urls": {"location": BASE}}
IMPORT_RUN = {"id": "run-1", "status": "pending"}


def server_error(status: int) -> dict:
    return {"json": {"error": {"code": status, "message": "Try again later"}}, "status": status}


def connection_refused(url: str) -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: Connection refused")
    return requests.ConnectionError(MaxRetryError(None, url, reason=reason))


def connection_dropped() -> requests.ConnectionError:
    return requests.ConnectionError(
        ProtocolError("Connection aborted.", RemoteDisconnected("closed without response"))
    )


class RecordingPacer:
    def __init__(self):
        self.attempts: list[tuple[str, str]] = []
        self.answers: list[int] = []

    def before_request(self, method: str, path: str) -> None:
        self.attempts.append((method, path))

    def after_response(self, info, status: int) -> None:
        self.answers.append(status)


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def pacer() -> RecordingPacer:
    return RecordingPacer()


@pytest.fixture
def client(slept, pacer):
    return GitBookClient(
        token=TOKEN,
        session=checking_session(requests.Session()),
        sleep=slept.append,
        pacer=pacer,
    )


def test_a_get_answering_502_is_retried_then_succeeds(api, client, slept):
    api.get(f"{BASE}/user", **server_error(502))
    api.get(f"{BASE}/user", json=USER)

    assert client.get_current_user().id == "user-1"
    assert len(api.calls) == 2
    (delay,) = slept
    assert 0.25 <= delay <= 0.5


def test_a_get_gives_up_after_max_retries_with_growing_jittered_delays(api, client, slept):
    for _ in range(4):
        api.get(f"{BASE}/user", **server_error(503))

    with pytest.raises(errors.ServerError) as raised:
        client.get_current_user()

    assert raised.value.retryable is True
    assert len(api.calls) == 4
    assert len(slept) == 3
    for delay, ceiling in zip(slept, [0.5, 1.0, 2.0], strict=True):
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_never_exceeds_its_ceiling(api, slept):
    client = GitBookClient(token=TOKEN, max_retries=6, backoff_max=1.5, sleep=slept.append)
    for _ in range(7):
        api.get(f"{BASE}/user", **server_error(500))

    with pytest.raises(errors.ServerError):
        client.get_current_user()

    assert max(slept) <= 1.5


def test_a_get_that_times_out_is_retried(api, client, slept):
    api.get(f"{BASE}/user", body=requests.ReadTimeout("Read timed out."))
    api.get(f"{BASE}/user", json=USER)

    assert client.get_current_user().id == "user-1"
    assert len(slept) == 1


def test_a_get_whose_connection_dropped_is_retried(api, client):
    api.get(f"{BASE}/user", body=connection_dropped())
    api.get(f"{BASE}/user", json=USER)

    assert client.get_current_user().id == "user-1"


def test_a_delete_is_retried_on_a_server_error_because_the_api_makes_it_idempotent(api, client):
    api.delete(f"{BASE}/spaces/space-1", **server_error(502))
    api.delete(f"{BASE}/spaces/space-1", status=205)

    assert client.delete_space("space-1") is DeleteOutcome.DELETED
    assert len(api.calls) == 2


def test_a_post_answering_502_is_not_retried(api, client, slept):
    api.post(f"{BASE}/spaces/space-1/duplicate", **server_error(502))

    with pytest.raises(errors.ServerError) as raised:
        client.duplicate_space("space-1")

    assert raised.value.retryable is False
    assert len(api.calls) == 1
    assert slept == []


def test_a_patch_answering_500_is_not_retried(api, client):
    api.patch(f"{BASE}/spaces/space-1", **server_error(500))

    with pytest.raises(errors.ServerError):
        client.update_space("space-1", title="New")

    assert len(api.calls) == 1


def test_a_post_that_times_out_is_not_resent_and_may_have_been_applied(api, client, slept):
    api.post(f"{BASE}/org/org-1/imports", body=requests.ReadTimeout("Read timed out."))

    with pytest.raises(errors.TransportError) as raised:
        client.start_import("org-1", url="https://acme.example", space="space-1")

    assert raised.value.sent is True
    assert raised.value.retryable is False
    assert len(api.calls) == 1
    assert slept == []


def test_a_post_whose_connection_dropped_is_not_resent(api, client):
    api.post(f"{BASE}/spaces/space-1/duplicate", body=connection_dropped())

    with pytest.raises(errors.TransportError) as raised:
        client.duplicate_space("space-1")

    assert raised.value.sent is True
    assert len(api.calls) == 1


def test_a_post_refused_at_connect_is_retried_because_it_never_left(api, client, pacer):
    url = f"{BASE}/org/org-1/imports"
    api.post(url, body=connection_refused(url))
    api.post(url, status=201, json=IMPORT_RUN)

    run = client.start_import("org-1", url="https://acme.example", space="space-1")

    assert run.id == "run-1"
    assert pacer.attempts == [("POST", "/org/org-1/imports")] * 2


def test_a_post_that_could_not_connect_in_time_is_retried(api):
    url = f"{BASE}/spaces/space-1/duplicate"
    api.post(url, body=requests.ConnectTimeout("Connection timed out"))
    api.post(url, status=201, json={"id": "space-2"})

    unchecked = GitBookClient(token=TOKEN, sleep=lambda seconds: None)
    assert unchecked.duplicate_space("space-1").id == "space-2"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_real_refused_connection_is_retried_then_reported_as_never_sent(slept, pacer):
    client = GitBookClient(
        token=TOKEN,
        base_url=f"http://127.0.0.1:{closed_port()}/v1",
        max_retries=2,
        sleep=slept.append,
        pacer=pacer,
    )

    with pytest.raises(errors.TransportError) as raised:
        client.create_space("org-1", title="New")

    assert raised.value.sent is False
    assert raised.value.retryable is True
    assert len(pacer.attempts) == 3
    assert len(slept) == 2


def test_a_real_read_timeout_on_a_post_is_not_resent(slept, pacer):
    # A listening socket that never accepts: the request is sent, no answer comes.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        client = GitBookClient(
            token=TOKEN,
            base_url=f"http://127.0.0.1:{port}/v1",
            timeout=0.2,
            sleep=slept.append,
            pacer=pacer,
        )

        with pytest.raises(errors.TransportError) as raised:
            client.create_space("org-1", title="New")

    assert raised.value.sent is True
    assert len(pacer.attempts) == 1
    assert slept == []
