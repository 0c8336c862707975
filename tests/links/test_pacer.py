"""The rate limiter every process shares in Redis, against a fixed-window limit."""

import threading
import time

import pytest

from dashboard.gitbook.clients import client_for
from dashboard.gitbook.pacer import RedisPacer, rate_limit_headroom, waits_at_most
from gitbook_api.errors import RateLimited
from gitbook_api.fake.config import RateLimit
from gitbook_api.fake.knobs import RateLimiter
from gitbook_api.transport import RateLimitInfo


class FixedWindowApi:
    """GitBook's limit as the fake keeps it (fixed windows on real time), counting a
    call when it arrives, ``latency`` after it was sent."""

    def __init__(self, limit: int, latency: float):
        self.limiter = RateLimiter(RateLimit(limit, 1.0))
        self.latency = latency
        self.lock = threading.Lock()
        self.answered = 0
        self.refused = 0

    def call(self, pacer: RedisPacer) -> None:
        pacer.before_request("GET", "/spaces/x/links")
        time.sleep(self.latency)
        decision = self.limiter.hit("token")
        with self.lock:
            self.answered += 1
            self.refused += 0 if decision.allowed else 1
        time.sleep(0.01)  # the answer travels back
        info = RateLimitInfo(decision.limit, decision.remaining, decision.reset_at)
        pacer.after_response(info, 200 if decision.allowed else 429)


def call_from_threads(api: FixedWindowApi, threads: int, calls: int) -> float:
    left = iter(range(calls))
    lock = threading.Lock()

    def work():
        pacer = RedisPacer(1)  # one per client, one client per thread
        while True:
            with lock:
                if next(left, None) is None:
                    return
            api.call(pacer)

    started = time.monotonic()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.monotonic() - started


def test_many_threads_sharing_the_limit_provoke_no_429_and_use_every_slot():
    api = FixedWindowApi(limit=10, latency=0.1)

    elapsed = call_from_threads(api, threads=8, calls=45)

    assert api.refused == 0
    assert api.answered == 45
    # 45 calls at 10 a window need a bit over four windows, and no more than five.
    assert elapsed < 5.5


def test_calls_sent_just_before_the_reset_take_a_slot_of_both_windows():
    api = FixedWindowApi(limit=6, latency=0.25)

    call_from_threads(api, threads=6, calls=30)

    assert api.refused == 0


def test_until_the_headers_are_seen_one_call_at_a_time_goes_through():
    first, second = RedisPacer(1), RedisPacer(1)
    first.before_request("GET", "/orgs")
    started = time.monotonic()
    waiter = threading.Thread(target=second.before_request, args=("GET", "/orgs"))
    waiter.start()
    time.sleep(0.15)
    assert waiter.is_alive()  # waits for the first call's headers

    first.after_response(RateLimitInfo(100, 99, time.time() + 30), 200)
    waiter.join(2)

    assert not waiter.is_alive()
    assert time.monotonic() - started >= 0.15


def test_an_api_that_sends_no_rate_limit_headers_is_not_slowed_down():
    pacer = RedisPacer(1)
    pacer.before_request("GET", "/orgs")
    pacer.after_response(None, 200)
    started = time.monotonic()

    for _ in range(50):
        pacer.before_request("GET", "/orgs")
        pacer.after_response(None, 200)

    assert time.monotonic() - started < 0.5


def test_a_wait_longer_than_allowed_raises_rate_limited_with_the_time_to_wait():
    pacer = RedisPacer(1)
    pacer.before_request("GET", "/orgs")
    pacer.after_response(RateLimitInfo(5, 0, time.time() + 40), 200)

    with waits_at_most(2), pytest.raises(RateLimited) as raised:
        pacer.before_request("GET", "/orgs")

    assert 35 < raised.value.retry_after < 41


def test_far_from_the_limit_a_call_costs_next_to_nothing():
    pacer = RedisPacer(1)
    pacer.before_request("GET", "/orgs")
    pacer.after_response(RateLimitInfo(1_000_000, 999_999, time.time() + 60), 200)
    started = time.monotonic()

    for _ in range(200):
        pacer.before_request("GET", "/orgs")
        pacer.after_response(RateLimitInfo(1_000_000, 999_000, time.time() + 60), 200)

    assert (time.monotonic() - started) / 200 < 0.005


def test_the_headroom_shown_on_the_overview_is_the_last_answer_seen():
    pacer = RedisPacer(7)
    pacer.before_request("GET", "/orgs")
    pacer.after_response(RateLimitInfo(100, 42, 1_900_000_000), 200)

    headroom = rate_limit_headroom(7)

    assert (headroom["limit"], headroom["remaining"], headroom["reset"]) == (100, 42, 1.9e9)


def test_a_connections_client_paces_its_calls_through_redis(connection):
    client_for(connection).get_organization(connection.organization_id)

    assert rate_limit_headroom(connection.pk) is not None


def test_with_the_shared_rate_limit_off_a_client_leaves_redis_alone(settings, connection):
    settings.GITBOOK_SHARED_RATE_LIMIT = False

    client_for(connection).get_organization(connection.organization_id)

    assert rate_limit_headroom(connection.pk) is None
