"""An operator imports a website into a new space, then a second one they cancel."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.imports.conftest import websites  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator_page(page, live_server, operator, connection, celery_worker_thread):
    log_in(page, live_server, operator, PASSWORD)
    return page


def test_import_into_a_new_space_watch_it_fill_then_cancel_a_second_import(
    operator_page,
    live_server,
    websites,  # noqa: F811 - the fixture
):
    page = operator_page
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="Import a website").click()

    page.get_by_label("Website address").fill(f"{websites}/site-6/")
    page.get_by_label("New space title").fill("Journey import")
    page.get_by_role("button", name="Import", exact=True).click()

    run = page.locator("#import-run")
    progress = run.get_by_role("progressbar", name="Pages imported")
    expect(run).to_contain_text("In progress", timeout=20000)
    expect(progress).to_have_attribute("max", "6", timeout=20000)
    expect(run).to_contain_text("Completed", timeout=20000)
    expect(progress).to_have_attribute("value", "6")
    expect(run).to_contain_text("6 of 6")
    expect(run.locator("#import-pages a")).to_have_count(6)

    run.get_by_role("link", name="Journey import").click()
    imports = page.locator("#space-imports")
    expect(imports).to_contain_text(f"{websites}/site-6/")
    expect(imports).to_contain_text("Completed")

    imports.get_by_role("link", name="Import a website into this space").click()
    expect(page.get_by_label("An existing space")).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile("Journey import"))).to_be_checked()
    page.get_by_label("Website address").fill(f"{websites}/slow-20/")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import into “Journey import”?")).to_be_visible()
    page.get_by_role("button", name="Import into “Journey import”").click()

    run = page.locator("#import-run")
    expect(run).to_contain_text("In progress", timeout=20000)
    run.get_by_role("button", name="Cancel import").click()
    expect(run).to_contain_text("Cancelled", timeout=20000)
    expect(run.get_by_role("button", name="Retry import")).to_be_visible()
