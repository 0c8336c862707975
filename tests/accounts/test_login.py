"""Logging in, and what stops password guessing."""

import pytest
from django.urls import reverse

from dashboard.gitbook.redis import get_redis
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_too_many_wrong_passwords_lock_the_username_for_a_while(client, viewer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": viewer.username, "password": "guess"})

    response = client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_logs_in_and_clears_the_count(client, viewer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        client.post(reverse("login"), {"username": viewer.username, "password": "guess"})

    response = client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})

    assert response.status_code == 302
    assert get_redis().get(f"login-failures:user:{viewer.username}") is None


def test_logging_out_needs_a_post(client, viewer):
    client.force_login(viewer)

    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_logging_in_still_works_when_redis_is_down(client, viewer, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there

    response = client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})

    assert response.status_code == 302


def test_logging_out_everywhere_ends_the_sessions_on_other_devices(viewer):
    from django.test import Client

    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})
        assert device.get(reverse("home")).status_code == 200

    laptop.post(reverse("accounts:log_out_everywhere"))

    assert phone.get(reverse("home")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 302
