"""Titles and URLs from GitBook are untrusted: shown as text, never run."""

import pytest
from playwright.sync_api import expect

from dashboard.accounts.models import Connection
from dashboard.spaces import index
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.spaces.helpers import load_index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def hostile_fake():
    from gitbook_api.fake import FakeConfig, FakeGitBook

    fake = FakeGitBook(FakeConfig(seed=11, spaces=200, hostile=True))
    server = fake.serve(host="127.0.0.1", port=0)
    fake.url = server.url
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture
def hostile_connection(hostile_fake):
    connection = Connection(
        name="<b>Hostile</b> org", api_url=hostile_fake.url, organization_id=hostile_fake.org_id
    )
    connection.set_token(hostile_fake.token)
    connection.save()
    load_index(connection)
    return connection


def test_script_payloads_in_space_titles_are_shown_as_text_and_never_run(
    page, live_server, admin, hostile_connection
):
    rows = index.load_index(hostile_connection.pk).rows
    hostile = [row for row in rows if "<" in (row["title"] or "")]
    assert hostile, "the hostile fake seeds payload titles"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, admin, PASSWORD)

    page.goto(f"{live_server.url}/spaces/?q=%3C&per_page=200")
    for row in hostile[:5]:
        expect(page.locator(f"#space-{row['id']}")).to_contain_text(row["title"])
    page.goto(f"{live_server.url}/spaces/{hostile[0]['id']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(hostile[0]["title"])

    assert dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("main script").count() == 0
    expect(page.locator("header .org")).to_have_text("<b>Hostile</b> org")


def test_links_from_gitbook_are_only_followed_when_they_are_http(
    page, live_server, admin, hostile_connection
):
    row = index.load_index(hostile_connection.pk).rows[0]
    log_in(page, live_server, admin, PASSWORD)

    page.goto(f"{live_server.url}/spaces/{row['id']}/")

    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.href)")
    assert hrefs
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    for external in page.locator("main a[target=_blank]").all():
        assert external.get_attribute("rel") == "noopener noreferrer"
