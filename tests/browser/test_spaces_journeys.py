"""The journeys a docs-platform admin takes through the spaces console."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, fake_api
from tests.spaces.helpers import new_space

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(page, live_server, admin, connection, celery_worker_thread):
    log_in(page, live_server, admin, PASSWORD)
    return page


def open_spaces(page, live_server):
    page.goto(f"{live_server.url}/spaces/")
    expect(page.get_by_test_id("list-status")).not_to_contain_text("Loading", timeout=20000)


def search(page, words: str, status: str) -> None:
    """Type a search and wait until its results are in and htmx has taken them
    over: a click on a row that htmx has not processed yet follows the plain link."""
    page.get_by_placeholder("Search titles…").fill(words)
    expect(page.get_by_test_id("list-status")).to_contain_text(status)
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_find_a_space_by_search_and_rename_it_inline(admin_page, live_server, fake_gitbook):
    page = admin_page
    space = new_space(fake_gitbook, title="Journey rename target")
    open_spaces(page, live_server)

    search(page, "journey rename", "1 space match")
    row = page.locator(f"#space-{space['id']}")
    expect(row).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=journey\+rename"))

    row.get_by_role("link", name=re.compile("^Rename ")).click()
    field = row.get_by_label("Title")
    expect(field).to_be_focused()
    field.fill("Journey renamed inline")
    field.press("Enter")

    expect(row.get_by_text("Done")).to_be_visible(timeout=20000)
    assert fake_api(fake_gitbook, f"/spaces/{space['id']}")["title"] == "Journey renamed inline"
    page.reload()  # read-your-writes: the list, from the cache, has the new title
    expect(page.locator(f"#space-{space['id']}")).to_contain_text("Journey renamed inline")


def test_filter_the_list_by_a_collection_chosen_from_the_filter(
    admin_page, live_server, connection
):
    from dashboard.spaces import index

    page = admin_page
    open_spaces(page, live_server)
    space_index = index.load_index(connection.pk)
    collection = next(c for c in space_index.collections.values() if not c["parent"])
    inside = index.matching_rows(space_index, index.SpaceQuery(collection=collection["id"]))

    page.get_by_label("Collection").select_option(value=collection["id"])

    expect(page).to_have_url(re.compile(f"collection={collection['id']}"))
    expect(page.get_by_test_id("list-status")).to_contain_text(
        f"{len(inside)} space{'s' if len(inside) != 1 else ''} match"
    )


def test_an_inline_rename_that_is_too_long_says_why_and_escape_cancels(
    admin_page, live_server, fake_gitbook
):
    page = admin_page
    space = new_space(fake_gitbook, title="Journey escape target")
    open_spaces(page, live_server)
    # Wait for the search to land, or it may replace the row mid-edit.
    search(page, "journey escape", "1 space match")
    row = page.locator(f"#space-{space['id']}")

    row.get_by_role("link", name=re.compile("^Rename ")).click()
    row.get_by_label("Title").fill("   ")
    row.get_by_label("Title").press("Enter")
    expect(row.get_by_role("alert")).to_contain_text("A space needs a title.")

    row.get_by_label("Title").press("Escape")
    expect(row.get_by_role("link", name="Journey escape target", exact=True)).to_be_visible()


def test_move_a_space_into_a_collection(admin_page, live_server, fake_gitbook):
    page = admin_page
    space = new_space(fake_gitbook, title="Journey move target")
    open_spaces(page, live_server)

    page.goto(f"{live_server.url}/spaces/{space['id']}/move/")
    collection_select = page.get_by_label("Move to")
    collection_id = collection_select.locator("option").nth(1).get_attribute("value")
    collection_select.select_option(value=collection_id)
    page.get_by_role("button", name="Move").click()

    expect(page.get_by_text("Done")).to_be_visible(timeout=20000)
    assert fake_api(fake_gitbook, f"/spaces/{space['id']}")["parent"] == collection_id


def test_delete_a_space_and_restore_it_from_the_trash(admin_page, live_server, fake_gitbook):
    page = admin_page
    space = new_space(fake_gitbook, title="Journey trash target")
    open_spaces(page, live_server)

    page.goto(f"{live_server.url}/spaces/{space['id']}/")
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete “Journey trash target”").click()
    expect(page.get_by_text("Deleting “Journey trash target”")).to_be_visible()

    page.goto(f"{live_server.url}/spaces/trash/")
    row = page.locator(f"#trash-{space['id']}")
    expect(row).to_contain_text("Journey trash target", timeout=20000)
    row.get_by_role("button", name="Restore").click()
    expect(row.get_by_text("Done")).to_be_visible(timeout=20000)
    assert "deletedAt" not in fake_api(fake_gitbook, f"/spaces/{space['id']}")


def test_bulk_lock_a_filtered_selection_and_watch_its_progress(
    admin_page, live_server, fake_gitbook
):
    page = admin_page
    targets = [
        new_space(fake_gitbook, title=f"Journey bulk {n}", editMode="live") for n in range(3)
    ]
    open_spaces(page, live_server)
    search(page, "journey bulk", "3 spaces match")

    page.get_by_label("With the selected spaces").select_option("lock")
    page.get_by_label("Select all 3 matching spaces").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Lock 3 spaces?")).to_be_visible()
    page.get_by_role("button", name="Lock 3 spaces").click()

    expect(page.get_by_role("heading", name=re.compile("Lock 3 spaces"))).to_be_visible()
    expect(page.locator(".job-follow").first).to_contain_text("Done 3 of 3", timeout=30000)
    expect(page.locator("table")).to_contain_text("Done")
    for space in targets:
        assert fake_api(fake_gitbook, f"/spaces/{space['id']}")["editMode"] == "locked"


def test_a_viewer_sees_no_way_to_change_anything_and_is_refused_if_they_try(
    page, live_server, viewer, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook, title="Journey viewer target")
    log_in(page, live_server, viewer, PASSWORD)
    open_spaces(page, live_server)

    expect(page.get_by_role("link", name=re.compile("^Rename "))).to_have_count(0)
    expect(page.get_by_role("button", name="Lock")).to_have_count(0)
    expect(page.get_by_role("link", name="New space")).to_have_count(0)
    page.goto(f"{live_server.url}/spaces/{space['id']}/")
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)

    for path in ("edit", "move", "delete", "transfer"):
        response = page.goto(f"{live_server.url}/spaces/{space['id']}/{path}/")
        assert response.status == 403, path


def test_rename_a_space_inline_on_its_own_page(admin_page, live_server, fake_gitbook):
    page = admin_page
    space = new_space(fake_gitbook, title="Journey detail rename")
    open_spaces(page, live_server)
    page.goto(f"{live_server.url}/spaces/{space['id']}/")

    page.get_by_role("heading", level=1).get_by_role("link", name="Rename").click()
    page.get_by_label("Title").fill("Renamed on its page")
    page.get_by_label("Title").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Done", timeout=20000)
    assert fake_api(fake_gitbook, f"/spaces/{space['id']}")["title"] == "Renamed on its page"
