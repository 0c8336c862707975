"""With DEBUG off the settings are fit for the internet: `check --deploy` has
nothing to say, and responses carry the security headers and secure cookies."""

import subprocess
import sys

import pytest
from django.conf import settings as current_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.settings_loader import CLEARED, PRODUCTION, load_settings

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]


@pytest.fixture
def production(settings, monkeypatch, tmp_path):
    """This run's settings, with the security ones production gets by default."""
    defaults = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    for name in SECURITY_SETTINGS:
        setattr(settings, name, defaults[name])
    return settings


def test_manage_py_check_deploy_finds_nothing_in_production_settings(monkeypatch, tmp_path):
    for name in [*CLEARED, "DJANGO_ALLOW_ASYNC_UNSAFE"]:  # the latter is for the browser tests
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "dashboard.settings")

    finished = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=current_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "no issues" in finished.stdout


def test_production_responses_carry_the_security_headers(client, production):
    response = client.get(reverse("login"), secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_production_sends_plain_http_to_https(client, production):
    response = client.get(reverse("login"))

    assert response.status_code == 301
    assert response.url.startswith("https://")


def test_production_cookies_are_secure_and_the_session_one_is_http_only(client, viewer, production):
    client.get(reverse("login"), secure=True)
    client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD}, secure=True)

    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] and csrf["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
