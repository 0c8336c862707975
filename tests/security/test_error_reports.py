"""A crash while an admin types a secret (a GitBook token, a user's password):
the error report Django e-mails to ADMINS names the fields but never shows
what was typed. (The debug page shows everything by Django's design; DEBUG is
off in production, which `check --deploy` enforces.)"""

import pytest
from django.urls import reverse

from dashboard.accounts import admin_service
from gitbook_api import GitBookClient

pytestmark = pytest.mark.django_db

SECRET = "gb_api_SECRET_token_for_error_reports_0123456789"


def crash(*args, **kwargs):
    raise RuntimeError("a bug behind the form")


@pytest.fixture(params=["organization_add", "user_add"])
def crashing_form(request, monkeypatch, fake_gitbook):
    """The URL and data of a form that crashes once valid, with SECRET typed in."""
    if request.param == "organization_add":
        monkeypatch.setattr(GitBookClient, "list_organizations", crash)
        data = {"api_url": fake_gitbook.url, "token": SECRET}
    else:
        monkeypatch.setattr(admin_service, "create_user", crash)
        data = {
            "username": "nina-new",
            "role": "viewer",
            "password1": SECRET,
            "password2": SECRET,
        }
    return reverse(f"accounts:{request.param}"), data


def test_the_error_email_to_admins_does_not_carry_the_secret(
    as_admin, crashing_form, settings, mailoutbox
):
    settings.ADMINS = [("Ops", "ops@example.com")]
    as_admin.raise_request_exception = False
    url, data = crashing_form

    response = as_admin.post(url, data)

    assert response.status_code == 500
    (report,) = mailoutbox
    assert "a bug behind the form" in report.body
    assert "********************" in report.body  # the field is there, its value hidden
    assert SECRET not in report.body
