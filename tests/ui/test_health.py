"""The health endpoint a load balancer polls."""

import pytest
from django.urls import reverse

from dashboard.gitbook.tasks import record_worker_heartbeat

pytestmark = pytest.mark.django_db


def test_health_needs_no_login_and_reports_each_check(client):
    record_worker_heartbeat()

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {
        "healthy": True,
        "checks": {"database": "ok", "redis": "ok", "worker": "ok"},
    }


def test_a_silent_worker_makes_the_process_unhealthy(client):
    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "no heartbeat yet"


def test_pages_send_a_content_security_policy_without_inline_scripts(client, viewer):
    client.force_login(viewer)

    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
