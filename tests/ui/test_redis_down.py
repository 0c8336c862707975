"""With Redis unreachable, pages still render from the database and GitBook, and say so."""

import pytest
from django.urls import reverse

from dashboard.jobs.models import Job
from tests.conftest import fake_api

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:9/0"


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = NOTHING_LISTENS


def test_the_overview_reads_gitbook_directly_and_shows_a_banner(
    client, viewer, connection, fake_gitbook, redis_down
):
    client.force_login(viewer)

    response = client.get(reverse("home"))

    organization = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}")
    assert response.status_code == 200
    assert 'data-testid="redis-down"' in response.text
    assert organization["title"] in response.text


def test_the_spaces_list_shows_the_first_page_from_gitbook(
    client, viewer, connection, fake_gitbook, redis_down
):
    client.force_login(viewer)
    first = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}/spaces", limit=1000)

    response = client.get(reverse("spaces:list"), {"per_page": 200})

    assert response.status_code == 200
    assert 'data-testid="redis-down"' in response.text
    assert f"first {len(first['items'])}" in response.text
    assert f'id="space-{first["items"][0]["id"]}"' in response.text


def test_jobs_and_the_audit_log_need_no_redis(client, viewer, connection, redis_down):
    client.force_login(viewer)

    assert client.get(reverse("jobs:list")).status_code == 200
    assert client.get(reverse("audit:log")).status_code == 200


def test_a_change_asked_for_without_redis_is_kept_as_a_queued_job(
    client, operator, connection, fake_gitbook, redis_down, settings, monkeypatch
):
    from dashboard.jobs.tasks import run_job

    space = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}/spaces", limit=1)
    space_id = space["items"][0]["id"]

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to the broker")

    monkeypatch.setattr(run_job, "delay", broker_down)
    client.force_login(operator)

    response = client.post(reverse("spaces:edit", args=[space_id]), {"title": "Kept for later"})

    assert response.status_code == 302
    job = Job.objects.get(target_id=space_id)
    assert job.status == Job.Status.QUEUED
