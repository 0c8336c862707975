"""429s are waited out within a bound, and every answer's rate-limit headers are recorded."""

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests
import responses

from gitbook_api import GitBookClient, RateLimitInfo, errors
from tests.openapi_check import checking_session

TOKEN = "gb_api_rate_limit_secret"
BASE = "https://api.gitbook.com/v1"
NOW = 1_700_000_000.0
USER = {"object": "user", "id": "user-1", "displayName": "Ada", "urls": {"location": BASE}}
RATE_LIMITED = {
    "error": {"code": 429, "message": "API rate limit exceeded. Please try again in 60 seconds"}
}


def limit_headers(limit=600, remaining=599, reset=NOW + 60) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset)),
    }


class RecordingPacer:
    def __init__(self):
        self.calls: list[tuple] = []

    def before_request(self, method: str, path: str) -> None:
        self.calls.append(("before", method, path))

    def after_response(self, info, status: int) -> None:
        self.calls.append(("after", info, status))


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def client(slept):
    return GitBookClient(
        token=TOKEN,
        session=checking_session(requests.Session()),
        sleep=slept.append,
        clock=lambda: NOW,
    )


def test_a_429_waits_for_retry_after_then_succeeds(api, client, slept):
    api.get(f"{BASE}/user", status=429, json=RATE_LIMITED, headers={"Retry-After": "2"})
    api.get(f"{BASE}/user", json=USER)

    assert client.get_current_user().id == "user-1"
    (wait,) = slept
    assert 2.0 <= wait <= 2.2


def test_a_429_on_a_post_is_retried_because_it_was_not_applied(api, slept):
    url = f"{BASE}/spaces/space-1/duplicate"
    api.post(url, status=429, json=RATE_LIMITED, headers={"Retry-After": "1"})
    api.post(url, status=429, json=RATE_LIMITED, headers={"Retry-After": "1"})
    api.post(url, status=201, json={"id": "space-2"})

    unchecked = GitBookClient(token=TOKEN, sleep=slept.append)
    assert unchecked.duplicate_space("space-1").id == "space-2"
    assert len(slept) == 2


def test_a_429_without_retry_after_waits_until_the_rate_limit_resets(api, client, slept):
    headers = limit_headers(remaining=0, reset=NOW + 5)
    api.get(f"{BASE}/user", status=429, json=RATE_LIMITED, headers=headers)
    api.get(f"{BASE}/user", json=USER)

    client.get_current_user()

    (wait,) = slept
    assert 5.0 <= wait <= 5.5


def test_a_429_with_an_http_date_retry_after_waits_until_then(api, client, slept):
    when = format_datetime(datetime.fromtimestamp(NOW + 3, tz=UTC), usegmt=True)
    api.get(f"{BASE}/user", status=429, json=RATE_LIMITED, headers={"Retry-After": when})
    api.get(f"{BASE}/user", json=USER)

    client.get_current_user()

    (wait,) = slept
    assert 3.0 <= wait <= 3.3


def test_a_429_asking_for_too_long_a_wait_raises_rate_limited_at_once(api, client, slept):
    api.get(f"{BASE}/user", status=429, json=RATE_LIMITED, headers={"Retry-After": "120"})

    with pytest.raises(errors.RateLimited) as raised:
        client.get_current_user()

    assert raised.value.retry_after == 120
    assert raised.value.retryable is True
    assert raised.value.message == RATE_LIMITED["error"]["message"]
    assert slept == []


def test_the_longest_wait_is_configurable(api, slept):
    client = GitBookClient(token=TOKEN, max_rate_limit_wait=5, sleep=slept.append)
    api.get(f"{BASE}/user", status=429, json=RATE_LIMITED, headers={"Retry-After": "6"})

    with pytest.raises(errors.RateLimited):
        client.get_current_user()


def test_repeated_429s_stop_after_max_retries(api, client, slept):
    for _ in range(4):
        api.get(f"{BASE}/user", status=429, json=RATE_LIMITED, headers={"Retry-After": "1"})

    with pytest.raises(errors.RateLimited) as raised:
        client.get_current_user()

    assert raised.value.retry_after == 1
    assert len(slept) == 3


def test_rate_limit_headers_are_recorded_after_every_response(api, client):
    api.get(f"{BASE}/user", json=USER, headers=limit_headers(remaining=10))
    api.get(f"{BASE}/user", json=USER, headers=limit_headers(remaining=9))
    assert client.rate_limit is None

    client.get_current_user()
    assert client.rate_limit == RateLimitInfo(limit=600, remaining=10, reset=NOW + 60)

    client.get_current_user()
    assert client.rate_limit.remaining == 9


def test_an_answer_without_rate_limit_headers_keeps_the_last_known_ones(api, client):
    api.get(f"{BASE}/user", json=USER, headers=limit_headers(remaining=10))
    api.get(f"{BASE}/user", json=USER)

    client.get_current_user()
    client.get_current_user()

    assert client.rate_limit.remaining == 10


def test_an_error_answer_also_updates_the_rate_limit(api, client):
    api.get(
        f"{BASE}/spaces/gone",
        status=404,
        json={"error": {"code": 404, "message": "Not found"}},
        headers=limit_headers(remaining=3),
    )

    with pytest.raises(errors.NotFound):
        client.get_space("gone")

    assert client.rate_limit.remaining == 3


def test_the_pacer_is_told_before_each_attempt_and_after_each_answer(api, slept):
    pacer = RecordingPacer()
    client = GitBookClient(token=TOKEN, pacer=pacer, sleep=slept.append, clock=lambda: NOW)
    headers = limit_headers(remaining=0, reset=NOW + 1)
    api.get(f"{BASE}/spaces/space-1", status=429, json=RATE_LIMITED, headers=headers)
    api.get(f"{BASE}/spaces/space-1", json={"id": "space-1"}, headers=limit_headers())

    client.get_space("space-1")

    info_after_429 = RateLimitInfo(limit=600, remaining=0, reset=NOW + 1)
    assert pacer.calls == [
        ("before", "GET", "/spaces/space-1"),
        ("after", info_after_429, 429),
        ("before", "GET", "/spaces/space-1"),
        ("after", RateLimitInfo(limit=600, remaining=599, reset=NOW + 60), 200),
    ]


def test_the_pacer_gets_none_when_an_answer_has_no_rate_limit_headers(api, slept):
    pacer = RecordingPacer()
    client = GitBookClient(token=TOKEN, pacer=pacer, sleep=slept.append)
    api.get(f"{BASE}/user", json=USER)

    client.get_current_user()

    assert pacer.calls[-1] == ("after", None, 200)
