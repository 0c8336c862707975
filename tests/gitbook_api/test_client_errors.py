"""Error answers become typed exceptions that keep the API's own message."""

import json

import pytest
import requests
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitbook_api import GitBookClient, errors
from tests.openapi_check import checking_session

TOKEN = "gb_api_errors_secret"
BASE = "https://api.gitbook.com/v1"


def gitbook_error(status: int, message: str) -> dict:
    return {"error": {"code": status, "message": message}}


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client():
    session = checking_session(requests.Session())
    return GitBookClient(token=TOKEN, session=session, max_retries=0)


@pytest.fixture
def unchecked_client():
    """For bodies that are deliberately not GitBook's shape."""
    return GitBookClient(token=TOKEN, max_retries=0)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, errors.BadRequest),
        (401, errors.Unauthorized),
        (403, errors.Forbidden),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (412, errors.PreconditionFailed),
        (422, errors.BadRequest),
        (500, errors.ServerError),
        (502, errors.ServerError),
        (503, errors.ServerError),
        (418, errors.GitBookError),
    ],
)
def test_each_error_status_raises_its_exception_with_the_apis_message(
    api, client, status, error_class
):
    api.post(
        f"{BASE}/spaces/space-1/transfer",
        status=status,
        json=gitbook_error(status, f"The API says {status}"),
    )

    with pytest.raises(error_class) as raised:
        client.transfer_space("space-1", organization="org-2")

    assert type(raised.value) is error_class
    assert raised.value.message == f"The API says {status}"
    assert raised.value.status == status
    assert f"The API says {status}" in str(raised.value)


def test_precondition_failed_is_not_a_conflict(api, client):
    api.post(
        f"{BASE}/spaces/space-1/transfer",
        status=412,
        json=gitbook_error(412, "The space cannot be moved."),
    )

    with pytest.raises(errors.GitBookError) as raised:
        client.transfer_space("space-1", organization="org-2")

    assert not isinstance(raised.value, errors.Conflict)


def test_a_bad_request_keeps_the_message_for_the_user(api, client):
    api.post(
        f"{BASE}/orgs/org-1/spaces",
        status=400,
        json=gitbook_error(400, "Title must be 50 characters or fewer"),
    )

    with pytest.raises(errors.BadRequest, match="Title must be 50 characters or fewer"):
        client.create_space("org-1", title="x" * 50)


def test_client_errors_are_not_retryable(api, client):
    api.get(f"{BASE}/spaces/space-1", status=404, json=gitbook_error(404, "Not found"))

    with pytest.raises(errors.NotFound) as raised:
        client.get_space("space-1")

    assert raised.value.retryable is False


def test_a_server_error_on_a_read_is_retryable_but_not_on_a_create(api, client):
    api.get(f"{BASE}/spaces/space-1", status=500, json=gitbook_error(500, "Oops"))
    api.post(f"{BASE}/orgs/org-1/spaces", status=500, json=gitbook_error(500, "Oops"))

    with pytest.raises(errors.ServerError) as on_read:
        client.get_space("space-1")
    with pytest.raises(errors.ServerError) as on_create:
        client.create_space("org-1", title="New")

    assert on_read.value.retryable is True
    assert on_create.value.retryable is False


def test_an_html_error_page_from_a_proxy_gives_a_clear_message(api, unchecked_client):
    api.get(
        f"{BASE}/user",
        status=502,
        body="<html><body><h1>502 Bad Gateway</h1></body></html>",
        content_type="text/html",
    )

    with pytest.raises(errors.ServerError) as raised:
        unchecked_client.get_current_user()

    assert raised.value.status == 502
    assert "502" in raised.value.message
    assert "<html>" not in raised.value.message


@pytest.mark.parametrize(
    "body",
    [
        '{"error": {"code": 400, "message": ',  # cut short
        "",
        "null",
        '"just a string"',
        "[1, 2, 3]",
        '{"message": "not nested under error"}',
        '{"error": "a string, not an object"}',
        '{"error": {"code": 400, "message": ""}}',
        '{"error": {"code": 400, "message": 42}}',
    ],
)
def test_a_malformed_error_body_still_raises_the_typed_exception(api, unchecked_client, body):
    api.get(f"{BASE}/user", status=400, body=body, content_type="application/json")

    with pytest.raises(errors.BadRequest) as raised:
        unchecked_client.get_current_user()

    assert raised.value.message.startswith("GitBook answered 400")


def test_a_success_that_is_not_json_is_a_gitbook_error(api, unchecked_client):
    api.get(f"{BASE}/user", body="<html>maintenance</html>", content_type="text/html")

    with pytest.raises(errors.GitBookError, match="not JSON"):
        unchecked_client.get_current_user()


@pytest.mark.parametrize("body", [[], "space", {"title": "no id"}, {"id": 42}])
def test_a_success_of_the_wrong_shape_is_a_gitbook_error(api, unchecked_client, body):
    api.get(f"{BASE}/spaces/space-1", json=body)

    with pytest.raises(errors.GitBookError, match="unexpected shape"):
        unchecked_client.get_space("space-1")


def test_a_list_without_items_is_a_gitbook_error(api, unchecked_client):
    api.get(f"{BASE}/orgs/org-1/spaces", json={"next": {"page": "x"}})

    with pytest.raises(errors.GitBookError, match="unexpected shape"):
        unchecked_client.list_spaces_page("org-1")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
error_like_bodies = st.builds(
    lambda code, message: {"error": {"code": code, "message": message}},
    st.integers() | st.text() | st.none(),
    json_values,
)
bodies = (
    st.binary(max_size=200)
    | json_values.map(lambda value: json.dumps(value).encode())
    | error_like_bodies.map(lambda value: json.dumps(value).encode())
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.integers(min_value=400, max_value=599), body=bodies)
def test_any_error_body_raises_only_gitbook_errors(status, body):
    client = GitBookClient(token=TOKEN, max_retries=0, max_rate_limit_wait=0)
    with responses.RequestsMock() as api:
        api.get(f"{BASE}/user", status=status, body=body, content_type="application/json")

        with pytest.raises(errors.GitBookError) as raised:
            client.get_current_user()

    assert raised.value.status == status
    assert raised.value.message
    assert str(raised.value)


@settings(max_examples=150, deadline=None)
@given(body=json_values | st.dictionaries(st.sampled_from(["id", "title", "urls"]), json_values))
def test_any_success_body_gives_a_space_or_a_gitbook_error(body):
    client = GitBookClient(token=TOKEN, max_retries=0)
    with responses.RequestsMock() as api:
        api.get(f"{BASE}/spaces/space-1", json=body)

        try:
            space = client.get_space("space-1")
        except errors.GitBookError:
            return

    assert isinstance(space.id, str)
