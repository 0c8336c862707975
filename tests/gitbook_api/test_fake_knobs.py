"""The fake's knobs (rate limit, faults, latency), control endpoints and behaviour under load."""

import re
import threading
import time
from collections import Counter

import pytest
import requests

from gitbook_api.fake.config import RateLimit
from gitbook_api.fake.knobs import RateLimiter

RATE_LIMIT_MESSAGE = re.compile(r"^API rate limit exceeded\. Please try again in \d+ seconds$")


def test_every_response_carries_rate_limit_headers_even_without_a_limit(fake_api):
    for response in (fake_api.get("/user"), fake_api.get("/spaces/nope")):
        assert int(response.headers["X-RateLimit-Limit"]) >= 100_000
        assert int(response.headers["X-RateLimit-Remaining"]) > 0
        assert int(response.headers["X-RateLimit-Reset"]) >= int(time.time())


def test_over_the_rate_limit_answers_429_with_retry_after(start_fake, api_for):
    fake, server = start_fake(rate_limit="3/60")
    api = api_for(fake, server)
    remaining = [int(api.get("/user").headers["X-RateLimit-Remaining"]) for _ in range(3)]
    assert remaining == [2, 1, 0]
    refused = api.get("/user")
    assert refused.status_code == 429
    assert RATE_LIMIT_MESSAGE.match(refused.json()["error"]["message"])
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) - time.time() <= 61
    assert fake.stats()["rate_limited"] == 1

    requests.post(f"{server.base_url}/_fake/config", json={"rate_limit": None}, timeout=5)
    assert api.get("/user").status_code == 200


def test_the_rate_limit_counts_each_token_separately(start_fake, api_for):
    fake, server = start_fake(rate_limit="2/60")
    api, stranger = api_for(fake, server), api_for(fake, server, lax=True)
    stranger.headers["Authorization"] = "Bearer someone_else"
    api.get("/user"), api.get("/user")
    assert api.get("/user").status_code == 429
    assert stranger.get("/user").status_code == 401


def test_a_rate_limit_window_resets_at_its_end():
    now = [1_000.0]
    limiter = RateLimiter(RateLimit(2, 10), now=lambda: now[0])
    assert [limiter.hit("t").allowed for _ in range(3)] == [True, True, False]
    refused = limiter.hit("t")
    assert refused.reset_at == 1_010 and refused.retry_after == 10
    now[0] = 1_010.0
    assert limiter.hit("t").allowed


def test_server_errors_are_injected_at_the_fault_rate(start_fake, api_for):
    fake, server = start_fake(fault_rate=0.3, fault_kinds=("500", "502", "503"))
    api = api_for(fake, server)
    statuses = Counter(api.get("/user").status_code for _ in range(200))
    assert set(statuses) == {200, 500, 502, 503}
    assert 40 <= 200 - statuses[200] <= 80
    assert fake.stats()["faults"] == 200 - statuses[200]


def test_a_server_error_on_a_write_leaves_the_change_unapplied(start_fake, api_for):
    fake, server = start_fake(fault_rate=1.0, fault_kinds=("503",))
    api = api_for(fake, server)
    space = next(s for s in fake.world.spaces.values() if s.org_id == fake.org_id)
    assert api.patch(f"/spaces/{space.id}", json={"title": "Never"}).status_code == 503
    fake.configure(fault_rate=0.0)
    assert api.get(f"/spaces/{space.id}").json()["title"] == space.title != "Never"


def test_a_dropped_connection_loses_the_response_and_sometimes_not_the_change(start_fake, api_for):
    fake, server = start_fake(fault_rate=1.0, fault_kinds=("drop",))
    api = api_for(fake, server)
    before = fake.stats_counter.snapshot()["total"]
    for _ in range(30):
        with pytest.raises(requests.ConnectionError):
            api.post(f"/orgs/{fake.org_id}/spaces", json={"title": "Maybe"})
    fake.configure(fault_rate=0.0)
    created = [s for s in fake.world.spaces.values() if s.title == "Maybe"]
    assert 5 <= len(created) <= 25, "about half the lost responses still applied the change"
    assert fake.stats()["total"] - before == 30


def test_a_timeout_holds_the_response_then_closes_without_answering(start_fake, api_for):
    fake, server = start_fake(fault_rate=1.0, fault_kinds=("timeout",), fault_timeout_s=0.4)
    api = api_for(fake, server)
    with pytest.raises(requests.ReadTimeout):
        api.get("/user", timeout=0.1)
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        api.get("/user", timeout=5)
    assert 0.35 <= time.monotonic() - started < 3


def test_latency_is_added_to_api_responses_and_can_change_at_run_time(start_fake, api_for):
    fake, server = start_fake(latency_ms=150)
    api = api_for(fake, server)
    started = time.monotonic()
    api.get("/user")
    assert time.monotonic() - started >= 0.15
    requests.post(f"{server.base_url}/_fake/config", json={"latency_ms": 0}, timeout=5)
    started = time.monotonic()
    api.get("/user")
    assert time.monotonic() - started < 0.15


def test_the_control_endpoints_report_and_reset_stats_and_move_the_clock(
    fake, fake_server, fake_api
):
    control = f"{fake_server.base_url}/_fake"
    assert requests.get(f"{control}/health", timeout=5).json()["status"] == "ok"
    fake_api.get("/user"), fake_api.get("/user"), fake_api.get("/orgs")
    stats = requests.get(f"{control}/stats", timeout=5).json()
    assert stats["requests"] == {
        "getAuthenticatedUser": 2,
        "listOrganizationsForAuthenticatedUser": 1,
    }
    assert (stats["total"], stats["rate_limited"], stats["faults"]) == (3, 0, 0)
    assert stats["import_state_changes"] == 0
    reset = requests.post(f"{control}/stats/reset", timeout=5).json()
    assert reset["total"] == 0 and reset["requests"] == {}
    before = fake.clock.now()
    moved = requests.post(f"{control}/clock", json={"advance": 3600}, timeout=5)
    assert moved.status_code == 200 and fake.clock.now() - before >= 3600
    assert requests.post(f"{control}/clock", json={"advance": -5}, timeout=5).status_code == 400


def test_the_config_endpoint_refuses_unknown_or_bad_knobs(fake_server):
    config = f"{fake_server.base_url}/_fake/config"
    assert requests.post(config, json={"spaces": 5}, timeout=5).status_code == 400
    assert requests.post(config, json={"rate_limit": "lots"}, timeout=5).status_code == 400
    changed = requests.post(config, json={"rate_limit": "10/2", "fault_rate": 0.1}, timeout=5)
    assert changed.json()["rate_limit"] == "10/2" and changed.json()["fault_rate"] == 0.1


def test_concurrent_writers_leave_the_world_consistent(fake, fake_server, api_for):
    collections = [c.id for c in fake.world.collections.values() if c.org_id == fake.org_id]
    errors, created, deleted = [], [], []
    lock = threading.Lock()

    def writer(number: int) -> None:
        api = api_for(fake, fake_server)
        try:
            for step in range(12):
                parent = collections[(number + step) % len(collections)]
                body = {"title": f"w{number}-{step}", "parent": parent}
                space = api.post(f"/orgs/{fake.org_id}/spaces", json=body).json()
                api.patch(f"/spaces/{space['id']}", json={"title": f"w{number}-{step}!"})
                target = collections[(number * 7 + step) % len(collections)]
                api.post(f"/spaces/{space['id']}/move", json={"parent": target})
                with lock:
                    created.append(space["id"])
                if step % 3 == 0:
                    assert api.delete(f"/spaces/{space['id']}").status_code == 205
                    with lock:
                        deleted.append(space["id"])
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    api = api_for(fake, fake_server)
    listed = api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1000}).json()
    ids = {space["id"] for space in listed["items"]}
    assert set(created) - set(deleted) <= ids and not ids & set(deleted)
    assert listed["count"] == 60 + len(created) - len(deleted)
    for collection in collections:
        siblings = fake.world.siblings(fake.org_id, collection)
        assert len({item.rank for item in siblings}) == len(siblings)
    assert all(s["title"].endswith("!") for s in listed["items"] if s["title"].startswith("w"))


def test_stopping_the_server_frees_its_port(start_fake):
    fake, server = start_fake()
    session = requests.Session()
    session.get(f"{server.url}/user", headers={"Authorization": f"Bearer {fake.token}"}, timeout=5)
    server.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{server.url}/user", timeout=2)
    again = fake.serve(port=server.port)  # a restarted fake can take the same port at once
    again.stop()
