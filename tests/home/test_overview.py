"""The home page: the connected organization, read through the Redis cache."""

import threading

import pytest
from django.urls import reverse

from dashboard.gitbook import cache
from dashboard.gitbook.tasks import record_worker_heartbeat
from tests.conftest import PASSWORD, configure_fake, fake_api, fake_calls, fake_post, wait_until

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_logging_in_with_a_wrong_password_says_so_and_keeps_the_username(client, viewer):
    response = client.post(reverse("login"), {"username": viewer.username, "password": "nope"})

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert f'value="{viewer.username}"'.encode() in response.content


def test_a_viewer_sees_the_organization_its_id_and_its_number_of_spaces(
    client, viewer, connection, fake_gitbook
):
    client.login(username=viewer.username, password=PASSWORD)

    response = client.get(reverse("home"))

    organization = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}")
    spaces = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}/spaces", limit=1)
    assert response.status_code == 200
    page = response.content.decode()
    assert organization["title"] in page
    assert connection.organization_id in page
    assert f'data-testid="space-count">{spaces["count"]}<' in page


def test_the_api_rate_limit_headroom_is_shown_once_a_call_was_made(client, viewer, connection):
    client.login(username=viewer.username, password=PASSWORD)

    page = client.get(reverse("home")).content.decode()

    assert "calls left in this window" in page


def test_a_second_visit_is_served_from_the_cache_without_calling_the_api(
    client, viewer, connection, fake_gitbook
):
    client.login(username=viewer.username, password=PASSWORD)
    client.get(reverse("home"))
    calls_before = fake_calls(fake_gitbook, "getOrganizationById")

    client.get(reverse("home"))

    assert fake_calls(fake_gitbook, "getOrganizationById") == calls_before


def test_many_simultaneous_misses_cause_one_api_fetch(connection, fake_gitbook):
    calls_before = fake_calls(fake_gitbook, "getOrganizationById")
    results = []

    def read():
        results.append(cache.read(connection, "organization", org_id=connection.organization_id))

    threads = [threading.Thread(target=read) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert fake_calls(fake_gitbook, "getOrganizationById") == calls_before + 1
    assert {result.data["id"] for result in results} == {connection.organization_id}


def test_a_slow_api_does_not_hold_the_page_past_the_read_timeout(
    client, viewer, connection, fake_gitbook, settings
):
    settings.API_READ_TIMEOUT = 0.2
    client.login(username=viewer.username, password=PASSWORD)
    configure_fake(fake_gitbook, latency_ms=1500)
    try:
        response = client.get(reverse("home"))
    finally:
        configure_fake(fake_gitbook, latency_ms=0)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Refreshing from GitBook" in page
    assert 'hx-trigger="load delay:1s"' in page


def test_the_htmx_refresh_returns_only_the_overview_fragment(client, viewer, connection):
    client.login(username=viewer.username, password=PASSWORD)

    response = client.get(reverse("home"), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="overview"')
    assert "<html" not in page


def test_an_api_error_is_shown_with_the_api_message(client, viewer, connection, fake_gitbook):
    connection.organization_id = "no-such-organization"
    connection.save()
    client.login(username=viewer.username, password=PASSWORD)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "GitBook answered:" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_stale_entry_is_shown_at_once_and_refreshed_by_the_worker(
    connection, fake_gitbook, settings, celery_worker_thread
):
    settings.API_CACHE_FRESH_SECONDS = 0
    org_id = connection.organization_id
    before = cache.read(connection, "spaces_page", org_id=org_id, page=None, limit=1000)
    fake_post(fake_gitbook, f"/orgs/{org_id}/spaces", {"title": "Added behind the cache"})

    stale = cache.read(connection, "spaces_page", org_id=org_id, page=None, limit=1000)

    assert stale.state == "stale"
    assert stale.data["count"] == before.data["count"]
    settings.API_CACHE_FRESH_SECONDS = 60
    refreshed = wait_until(
        lambda: cache.read(connection, "spaces_page", org_id=org_id, page=None, limit=1000),
        lambda result: result.data["count"] == before.data["count"] + 1,
    )
    assert refreshed.state == "fresh"


def test_the_worker_shows_as_running_once_it_has_run_its_heartbeat(
    client, viewer, connection, celery_worker_thread
):
    client.login(username=viewer.username, password=PASSWORD)
    assert 'data-testid="worker-status">running<' not in client.get(reverse("home")).text

    record_worker_heartbeat.delay()

    wait_until(
        lambda: client.get(reverse("home")).text,
        lambda page: 'data-testid="worker-status">running<' in page,
    )
