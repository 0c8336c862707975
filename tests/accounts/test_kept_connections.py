"""Each process keeps the connections it read, and reads them again once any
process has saved or deleted one (the header shows them on every page)."""

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.accounts import connections
from dashboard.accounts.models import Connection
from dashboard.gitbook.redis import get_redis
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = ["spaces:list", "jobs:list", "home"]


@pytest.fixture
def logged_in(client, viewer, connection):
    client.login(username=viewer.username, password=PASSWORD)
    return client


def connection_queries(client, url_name: str) -> tuple[int, str]:
    with CaptureQueriesContext(db_connection) as queries:
        page = client.get(reverse(url_name)).text
    read = [q for q in queries.captured_queries if 'FROM "accounts_connection"' in q["sql"]]
    return len(read), page


@pytest.mark.parametrize("url_name", PAGES)
def test_a_page_reads_the_connections_from_the_database_only_when_they_changed(
    logged_in, connection, url_name
):
    connection_queries(logged_in, url_name)

    assert connection_queries(logged_in, url_name)[0] == 0

    connection.name = "Renamed organization"
    connection.save()
    reads, page = connection_queries(logged_in, url_name)
    assert reads == 1
    assert "Renamed organization" in page


def test_a_change_made_by_another_process_is_seen_through_the_stamp_in_redis(logged_in, connection):
    connection_queries(logged_in, "jobs:list")
    # Another process renames it: its save writes a new stamp, which this
    # process sees although its own copy was not touched.
    Connection.objects.filter(pk=connection.pk).update(name="Renamed elsewhere")
    assert "Renamed elsewhere" not in connection_queries(logged_in, "jobs:list")[1]

    get_redis().set(connections.STAMP_KEY, "a stamp written by another process")

    assert "Renamed elsewhere" in connection_queries(logged_in, "jobs:list")[1]


def test_a_removed_connection_leaves_every_page_at_once(logged_in, connection, fake_gitbook):
    other = Connection(name="Warehouse", api_url=fake_gitbook.url, organization_id="org-other")
    other.set_token(fake_gitbook.token)
    other.save()
    assert "Warehouse" in connection_queries(logged_in, "spaces:list")[1]

    other.delete()

    assert "Warehouse" not in connection_queries(logged_in, "spaces:list")[1]


def test_a_kept_copy_is_read_again_after_a_while_should_a_stamp_be_lost(
    logged_in, connection, monkeypatch
):
    connection_queries(logged_in, "jobs:list")
    Connection.objects.filter(pk=connection.pk).update(name="Renamed while Redis was away")

    monkeypatch.setattr(connections, "KEEP_SECONDS", 0)

    assert "Renamed while Redis was away" in connection_queries(logged_in, "jobs:list")[1]
