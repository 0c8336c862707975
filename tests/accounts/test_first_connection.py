"""The first organization connection comes from the GITBOOK_* settings."""

import pytest
from django.core.management import call_command
from django.db import connection as db_connection
from django.urls import reverse

from dashboard.accounts.connections import ensure_environment_connection
from dashboard.accounts.models import Connection, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_environment_connection_is_created_once_for_the_first_organization(fake_gitbook):
    first = ensure_environment_connection()
    second = ensure_environment_connection()

    assert first.pk == second.pk
    assert Connection.objects.count() == 1
    assert first.organization_id == fake_gitbook.org_id


def test_a_configured_organization_id_picks_that_organization(settings, fake_gitbook):
    from tests.conftest import fake_api

    other = [
        org for org in fake_api(fake_gitbook, "/orgs")["items"] if org["id"] != fake_gitbook.org_id
    ][0]
    settings.GITBOOK_ORG_ID = other["id"]

    connection = ensure_environment_connection()

    assert connection.organization_id == other["id"]
    assert connection.name == other["title"]


def test_an_unreachable_api_creates_no_connection(settings):
    settings.GITBOOK_API_URL = "http://127.0.0.1:9/v1"

    assert ensure_environment_connection() is None
    assert not Connection.objects.exists()


def test_the_token_is_encrypted_at_rest(fake_gitbook):
    connection = ensure_environment_connection()

    with db_connection.cursor() as cursor:
        cursor.execute("SELECT token_encrypted FROM accounts_connection")
        (stored,) = cursor.fetchone()
    assert fake_gitbook.token not in stored
    assert connection.token == fake_gitbook.token
    assert fake_gitbook.token not in repr(connection)


def test_the_token_never_reaches_the_page(client, admin, fake_gitbook):
    client.login(username=admin.username, password=PASSWORD)

    page = client.get(reverse("home")).content.decode()

    assert Connection.objects.exists()
    assert fake_gitbook.token not in page


def test_bootstrap_creates_the_demo_admin_once_and_prints_its_login(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True  # as under `make run`

    call_command("bootstrap")
    first = capsys.readouterr().out.strip()
    call_command("bootstrap")
    second = capsys.readouterr().out.strip()

    username, password = first.split(" / ")
    assert second == first
    assert User.objects.get(username=username).is_console_admin
    assert User.objects.get(username=username).check_password(password)
    assert Connection.objects.count() == 1


def test_bootstrap_makes_no_demo_admin_in_production(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = False

    call_command("bootstrap")

    assert capsys.readouterr().out.strip() == ""
    assert not User.objects.exists()
    assert Connection.objects.count() == 1
