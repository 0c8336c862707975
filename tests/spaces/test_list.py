"""The spaces list: every space of the organization, searchable, filterable,
sortable and paginated, with its state in the URL."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from dashboard.spaces import index
from dashboard.spaces.listing import query_from_params
from tests.conftest import PASSWORD, fake_api, wait_until
from tests.spaces.helpers import load_index, new_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    return client


def all_fake_spaces(fake) -> list[dict]:
    return fake_api(fake, f"/orgs/{fake.org_id}/spaces", limit=1000)["items"]


def test_the_list_counts_every_space_of_the_organization(logged_in, connection, fake_gitbook):
    load_index(connection)

    page = logged_in.get(reverse("spaces:list")).content.decode()

    assert f"{len(all_fake_spaces(fake_gitbook))} spaces." in page


def test_searching_finds_spaces_by_part_of_their_title(logged_in, connection, fake_gitbook):
    space = new_space(fake_gitbook, title="Quarterly Zebra Handbook")
    load_index(connection)

    page = logged_in.get(reverse("spaces:list"), {"q": "zebra hand"}).content.decode()

    assert "1 space match" in page
    assert f'id="space-{space["id"]}"' in page


def test_filters_keep_only_matching_spaces(logged_in, connection, fake_gitbook):
    load_index(connection)
    locked = [s for s in all_fake_spaces(fake_gitbook) if s.get("editMode") == "locked"]

    page = logged_in.get(reverse("spaces:list"), {"edit_mode": "locked", "per_page": 200})

    assert f"{len(locked)} space{'s' if len(locked) != 1 else ''} match" in page.text
    for space in locked[:20]:
        assert f'id="space-{space["id"]}"' in page.text


def test_filtering_by_collection_includes_its_sub_collections(connection, fake_gitbook):
    load_index(connection)
    space_index = index.load_index(connection.pk)
    nested = next(c for c in space_index.collections.values() if c["parent"])
    top = nested["parent"]

    rows = index.matching_rows(space_index, index.SpaceQuery(collection=top))

    parents = {row["parent"] for row in rows}
    assert parents <= index.collection_and_descendants(space_index, top)
    assert nested["id"] in index.collection_and_descendants(space_index, top)


def test_the_collection_filter_loads_every_collection_once_the_page_is_shown(logged_in, connection):
    load_index(connection)
    space_index = index.load_index(connection.pk)
    nested = next(c for c in space_index.collections.values() if c["parent"])

    page = logged_in.get(reverse("spaces:list"), {"collection": nested["id"]})
    options = logged_in.get(
        reverse("spaces:collection_options"),
        {"version": space_index.version, "collection": nested["id"]},
    )

    # The page holds the chosen collection, named by its path, and where to get the rest.
    parent_title = space_index.collections[nested["parent"]]["title"]
    chosen = f'<option value="{nested["id"]}" selected>{parent_title} / {nested["title"]}</option>'
    assert chosen in page.text
    others = [c for c in space_index.collections if c != nested["id"]]
    assert not any(f'<option value="{other}"' in page.text for other in others)
    assert f"{reverse('spaces:collection_options')}?version={space_index.version}" in page.text
    # The options: every collection, the chosen one selected, kept by the browser.
    assert options.text.startswith('<option value="">Any collection</option>')
    assert options.text.count("<option value=") == len(space_index.collections) + 1
    assert f'value="{nested["id"]}" selected' in options.text
    assert options["Cache-Control"] == "private, max-age=3600"


def test_a_list_opened_while_loading_has_its_collection_filter_load_again_once_filled(
    logged_in, connection
):
    page = logged_in.get(reverse("spaces:list"))
    empty = logged_in.get(reverse("spaces:collection_options"), {"version": ""})
    assert 'hx-headers=\'{"X-Index-Version": ""}\'' in page.text
    assert "spaces-index-changed from:body" in page.text
    # Not kept by the browser: the collections are still to come.
    assert "Cache-Control" not in empty
    assert empty.text.count("<option value=") == 1

    load_index(connection)
    refresh = logged_in.get(
        reverse("spaces:list"), headers={"HX-Request": "true", "X-Index-Version": ""}
    )
    unchanged = logged_in.get(
        reverse("spaces:list"),
        headers={
            "HX-Request": "true",
            "X-Index-Version": index.load_index(connection.pk).version,
        },
    )

    assert refresh["HX-Trigger"] == '{"spaces-index-changed": {}}'
    assert "HX-Trigger" not in unchanged


def test_sorting_by_recent_update_puts_the_newest_first(connection):
    load_index(connection)
    space_index = index.load_index(connection.pk)

    result = index.search(space_index, index.SpaceQuery(sort="-updated", per_page=25))

    stamps = [row["updatedAt"] for row in result.rows]
    assert stamps == sorted(stamps, reverse=True)


def test_pages_split_the_list_and_the_page_is_in_the_url(logged_in, connection):
    load_index(connection)
    space_index = index.load_index(connection.pk)
    second_page = index.search(space_index, index.SpaceQuery(page=2, per_page=25)).rows

    page = logged_in.get(reverse("spaces:list"), {"page": 2, "per_page": 25}).content.decode()

    assert f'id="space-{second_page[0]["id"]}"' in page
    assert "Page 2 of" in page
    assert "page=3" in page and "per_page=25" in page


def test_nonsense_in_the_url_falls_back_to_defaults(logged_in, connection):
    load_index(connection)

    response = logged_in.get(
        reverse("spaces:list"), {"page": "x", "per_page": "7", "sort": "evil", "visibility": "?"}
    )

    assert response.status_code == 200
    assert "Page 1 of" in response.content.decode()


def test_the_query_is_read_from_the_address_and_anything_unparsable_is_its_default():
    read = query_from_params(
        QueryDict(
            "q=+road+map+&visibility=public&collection=c1&edit_mode=locked"
            "&sort=-updated&per_page=25&page=3"
        )
    )
    assert read == index.SpaceQuery(
        q="road map",
        visibility="public",
        collection="c1",
        edit_mode="locked",
        sort="-updated",
        per_page=25,
        page=3,
    )

    nonsense = QueryDict(mutable=True)
    nonsense.update(
        {
            "q": "x" * 101,
            "visibility": "secret",
            "collection": "c\x00",
            "edit_mode": "LIVE",
            "sort": "evil",
            "per_page": "7",
            "page": "9" * 5000,
        }
    )
    assert query_from_params(nonsense) == index.SpaceQuery()
    for page in ("0", "-1", "x", "²", "1.5"):
        assert query_from_params(QueryDict(f"page={page}")).page == 1


def test_the_sort_and_page_links_keep_the_filters_and_drop_the_defaults(logged_in, connection):
    load_index(connection)

    page = logged_in.get(
        reverse("spaces:list"), {"visibility": "public", "per_page": 25, "page": 1, "junk": "1"}
    ).content.decode()

    assert 'href="?visibility=public&amp;sort=-title&amp;per_page=25"' in page
    assert "junk" not in page


def test_an_htmx_search_returns_only_the_results(logged_in, connection):
    load_index(connection)

    response = logged_in.get(reverse("spaces:list"), {"q": "a"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "HX-Request" in response["Vary"]


def test_each_row_shows_its_collection_as_a_breadcrumb(logged_in, connection):
    load_index(connection)
    space_index = index.load_index(connection.pk)
    row = next(r for r in space_index.rows if len(space_index.breadcrumb(r["parent"])) >= 2)
    trail = " / ".join(c["title"] for c in space_index.breadcrumb(row["parent"]))

    page = logged_in.get(reverse("spaces:list"), {"q": row["title"], "per_page": 200}).text

    assert trail.replace("&", "&amp;") in page


@pytest.mark.django_db(transaction=True)
def test_a_cold_list_says_it_is_loading_until_the_worker_has_filled_it(
    client, viewer, connection, fake_gitbook, celery_worker_thread
):
    client.login(username=viewer.username, password=PASSWORD)

    first = client.get(reverse("spaces:list")).content.decode()

    assert "Loading spaces from GitBook" in first
    total = len(all_fake_spaces(fake_gitbook))
    wait_until(
        lambda: client.get(reverse("spaces:list")).content.decode(),
        lambda page: f"{total} spaces." in page and "Loading spaces" not in page,
    )


def test_an_unreachable_api_is_said_on_the_list_which_keeps_what_it_had(
    logged_in, connection, fake_gitbook
):
    from dashboard.spaces.tasks import walk_spaces
    from tests.conftest import configure_fake

    load_index(connection)
    configure_fake(fake_gitbook, fault_rate=1.0, fault_kinds=["503"])
    try:
        walk_spaces.apply(args=[connection.pk])
    finally:
        configure_fake(fake_gitbook, fault_rate=0.0)

    page = logged_in.get(reverse("spaces:list")).content.decode()

    assert "GitBook could not be reached to refresh this list" in page
    assert f"{len(all_fake_spaces(fake_gitbook))} spaces." in page
