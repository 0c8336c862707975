"""The token never shows up in a repr, an exception or a log line."""

import logging
import socket

import pytest
import requests
import responses

from gitbook_api import GitBookClient, errors

TOKEN = "gb_api_TOP_SECRET_0123456789"
BASE = "https://api.gitbook.com/v1"


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client():
    return GitBookClient(token=TOKEN, sleep=lambda seconds: None)


def test_the_client_repr_and_str_hide_the_token(client):
    assert TOKEN not in repr(client)
    assert TOKEN not in str(client)
    assert TOKEN not in repr(vars(client))
    assert TOKEN not in repr(vars(client._transport))


def test_the_token_is_sent_as_a_bearer_header(api, client):
    api.get(f"{BASE}/user", json={"id": "user-1"})

    client.get_current_user()

    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_an_api_message_echoing_the_token_is_redacted(api, client):
    api.get(
        f"{BASE}/user",
        status=401,
        json={"error": {"code": 401, "message": f"Invalid token {TOKEN}"}},
    )

    with pytest.raises(errors.Unauthorized) as raised:
        client.get_current_user()

    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert raised.value.message == "Invalid token ***"


def test_no_log_line_or_error_carries_the_token(api, client, caplog):
    caplog.set_level(logging.DEBUG)
    api.get(f"{BASE}/user", status=502, body="<html>bad gateway</html>")
    api.get(f"{BASE}/user", json={"id": "user-1"})
    api.post(f"{BASE}/spaces/space-1/duplicate", body=requests.ReadTimeout("Read timed out."))
    api.get(f"{BASE}/spaces/missing", status=404, json={"error": {"code": 404, "message": "No"}})

    client.get_current_user()
    raised = []
    for call in (lambda: client.duplicate_space("space-1"), lambda: client.get_space("missing")):
        with pytest.raises(errors.GitBookError) as error:
            call()
        raised.append(error.value)

    assert caplog.records, "the client logs its calls"
    assert TOKEN not in caplog.text
    for error in raised:
        assert TOKEN not in str(error)
        assert TOKEN not in repr(error)
        assert TOKEN not in repr(error.__cause__)


def test_log_lines_name_method_path_and_status(api, client, caplog):
    caplog.set_level(logging.DEBUG, logger="gitbook_api")
    api.get(f"{BASE}/spaces/space-1", json={"id": "space-1"})

    client.get_space("space-1")

    (record,) = [r for r in caplog.records if r.name == "gitbook_api"]
    assert record.getMessage().startswith("GET /spaces/space-1 -> 200 in ")


def test_a_real_connection_failure_logs_nothing_secret(caplog):
    caplog.set_level(logging.DEBUG)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GitBookClient(
        token=TOKEN, base_url=f"http://127.0.0.1:{port}/v1", sleep=lambda seconds: None
    )

    with pytest.raises(errors.TransportError) as raised:
        client.get_current_user()

    assert TOKEN not in caplog.text
    assert TOKEN not in str(raised.value)


def test_a_client_needs_a_token():
    with pytest.raises(ValueError):
        GitBookClient(token="")
