"""A person logs in and sees their GitBook organization."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, fake_api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_logging_in_shows_the_connected_organization(
    page, live_server, viewer, connection, fake_gitbook, celery_worker_thread
):
    organization = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}")
    spaces = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}/spaces", limit=1)

    log_in(page, live_server, viewer, PASSWORD)

    expect(page.get_by_role("heading", name=organization["title"])).to_be_visible()
    expect(page.get_by_test_id("space-count")).to_have_text(str(spaces["count"]))
    expect(page.get_by_test_id("rate-limit")).to_contain_text("calls left")
    expect(page.get_by_text(connection.organization_id)).to_be_visible()
    expect(page.get_by_role("navigation", name="Sections")).to_contain_text("Spaces")


def test_logging_out_needs_a_new_login(page, live_server, viewer, connection):
    log_in(page, live_server, viewer, PASSWORD)
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
