"""Operations on users, organizations, spaces, links and collections send what the
document allows and parse what it allows back (mocked at the ``requests`` level).
"""

from datetime import UTC, datetime

import pytest
import requests
import responses

from gitbook_api import DeleteOutcome, GitBookClient
from tests.openapi_check import checking_session

from .client_samples import (
    APP,
    BASE,
    TOKEN,
    body_of,
    collection_json,
    last_request,
    link_json,
    organization_json,
    page_of,
    query_of,
    space_json,
    user_json,
)


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client():
    session = checking_session(requests.Session())
    return GitBookClient(token=TOKEN, session=session, sleep=lambda seconds: None)


# Users and organizations


def test_get_current_user_reads_the_tokens_user(api, client):
    api.get(f"{BASE}/user", json=user_json())

    user = client.get_current_user()

    assert user.id == "user-1"
    assert user.display_name == "Ada Lovelace"
    assert user.email == "ada@example.com"
    assert user.raw == user_json()
    request = last_request(api)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["User-Agent"] == "GitBookConsole/0.1"


def test_list_organizations_page_parses_items_cursor_and_count(api, client):
    api.get(f"{BASE}/orgs", json=page_of([organization_json()], next_page="p2", count=3))

    page = client.list_organizations_page(limit=1)

    assert [org.title for org in page.items] == ["Acme Docs"]
    assert page.next_page == "p2"
    assert page.count == 3
    assert query_of(last_request(api)) == {"limit": ["1"]}


def test_list_organizations_iterates_every_page(api, client):
    api.get(f"{BASE}/orgs", json=page_of([organization_json("org-1")], next_page="p2"))
    api.get(f"{BASE}/orgs", json=page_of([organization_json("org-2")]))

    assert [org.id for org in client.list_organizations()] == ["org-1", "org-2"]
    assert query_of(api.calls[1].request)["page"] == ["p2"]


def test_get_organization_parses_the_organization(api, client):
    api.get(f"{BASE}/orgs/org-1", json=organization_json())

    org = client.get_organization("org-1")

    assert org.plan == "pro_2024"
    assert org.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert org.app_url == f"{APP}/o/org-1"


# Spaces


def test_list_spaces_page_parses_spaces(api, client):
    api.get(f"{BASE}/orgs/org-1/spaces", json=page_of([space_json()], count=1))

    page = client.list_spaces_page("org-1", limit=50)

    (space,) = page.items
    assert page.next_page is None
    assert page.count == 1
    assert space.title == "Handbook"
    assert space.emoji == "📘"
    assert space.edit_mode == "live"
    assert space.default_level == "inherit"
    assert space.parent == "collection-1"
    assert space.organization == "org-1"
    assert space.revision == "rev-9"
    assert space.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert space.deleted_at is None
    assert space.published_url == "https://acme.gitbook.io/space-1"
    assert space.change_requests_open == 2
    assert space.comments == 4
    assert space.git_sync.repo_name == "acme/handbook"
    assert query_of(last_request(api)) == {"limit": ["50"]}


def test_list_spaces_follows_next_page_across_three_pages(api, client):
    api.get(f"{BASE}/orgs/org-1/spaces", json=page_of([space_json("s1")], next_page="c2"))
    api.get(f"{BASE}/orgs/org-1/spaces", json=page_of([space_json("s2")], next_page="c3"))
    api.get(f"{BASE}/orgs/org-1/spaces", json=page_of([space_json("s3"), space_json("s4")]))

    spaces = list(client.list_spaces("org-1"))

    assert [space.id for space in spaces] == ["s1", "s2", "s3", "s4"]
    queries = [query_of(call.request) for call in api.calls]
    assert queries == [
        {"limit": ["1000"]},
        {"limit": ["1000"], "page": ["c2"]},
        {"limit": ["1000"], "page": ["c3"]},
    ]


def test_get_space_escapes_the_id_in_the_path(api, client):
    api.get(f"{BASE}/spaces/a%2Fb", json=space_json("a/b"))

    assert client.get_space("a/b").id == "a/b"


def test_create_space_sends_only_the_fields_given(api, client):
    api.post(f"{BASE}/orgs/org-1/spaces", status=201, json=space_json("space-new"))

    space = client.create_space("org-1", title="Handbook", emoji="📘", parent="collection-1")

    assert space.id == "space-new"
    assert body_of(last_request(api)) == {
        "title": "Handbook",
        "emoji": "📘",
        "parent": "collection-1",
    }


def test_create_space_can_ask_for_an_empty_space(api, client):
    api.post(f"{BASE}/orgs/org-1/spaces", status=201, json=space_json())

    client.create_space("org-1", title="Blank", edit_mode="locked", empty=True)

    assert body_of(last_request(api)) == {"title": "Blank", "editMode": "locked", "empty": True}


def test_update_space_sends_only_the_fields_given_in_the_apis_names(api, client):
    api.patch(f"{BASE}/spaces/space-1", json=space_json(title="Renamed", editMode="locked"))

    space = client.update_space(
        "space-1", title="Renamed", edit_mode="locked", default_level="read"
    )

    assert space.title == "Renamed"
    assert space.edit_mode == "locked"
    assert body_of(last_request(api)) == {
        "title": "Renamed",
        "editMode": "locked",
        "defaultLevel": "read",
    }


def test_update_space_sends_null_to_remove_the_emoji(api, client):
    api.patch(f"{BASE}/spaces/space-1", json=space_json())

    client.update_space("space-1", emoji=None)

    assert body_of(last_request(api)) == {"emoji": None}


def test_update_space_can_set_an_icon(api, client):
    api.patch(f"{BASE}/spaces/space-1", json=space_json())

    client.update_space("space-1", icon="https://acme.example/icon.png")

    assert body_of(last_request(api)) == {"icon": "https://acme.example/icon.png"}


def test_update_space_refuses_an_emoji_and_an_icon_together(client):
    with pytest.raises(ValueError):
        client.update_space("space-1", emoji="📘", icon="https://acme.example/icon.png")


def test_delete_space_answering_205_means_deleted_now(api, client):
    api.delete(f"{BASE}/spaces/space-1", status=205)

    assert client.delete_space("space-1") is DeleteOutcome.DELETED


def test_delete_space_answering_204_means_it_was_already_gone(api, client):
    api.delete(f"{BASE}/spaces/space-1", status=204)

    assert client.delete_space("space-1") is DeleteOutcome.ALREADY_GONE


def test_restore_space_returns_the_space(api, client):
    api.post(f"{BASE}/spaces/space-1/restore", json=space_json())

    space = client.restore_space("space-1")

    assert space.id == "space-1"
    assert not space.is_deleted
    assert last_request(api).body is None


def test_duplicate_space_returns_the_copy(api, client):
    api.post(f"{BASE}/spaces/space-1/duplicate", status=201, json=space_json("space-copy"))

    assert client.duplicate_space("space-1").id == "space-copy"


def test_move_space_before_a_sibling_space(api, client):
    api.post(f"{BASE}/spaces/space-1/move", json=space_json())

    client.move_space("space-1", parent="collection-2", before=("space", "space-7"))

    assert body_of(last_request(api)) == {
        "parent": "collection-2",
        "position": {"before": {"type": "space", "space": "space-7"}},
    }


def test_move_space_to_the_top_level_after_a_collection(api, client):
    api.post(f"{BASE}/spaces/space-1/move", json=space_json())

    client.move_space("space-1", parent=None, after=("collection", "collection-3"))

    assert body_of(last_request(api)) == {
        "parent": None,
        "position": {"after": {"type": "collection", "collection": "collection-3"}},
    }


def test_move_space_without_a_position_only_sends_the_parent(api, client):
    api.post(f"{BASE}/spaces/space-1/move", json=space_json())

    client.move_space("space-1", parent="collection-2")

    assert body_of(last_request(api)) == {"parent": "collection-2"}


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"before": ("space", "a"), "after": ("space", "b")},
        {"before": ("page", "a")},
    ],
)
def test_move_space_refuses_arguments_that_make_no_move(client, arguments):
    with pytest.raises(ValueError):
        client.move_space("space-1", **arguments)


def test_transfer_space_sends_the_target_organization(api, client):
    api.post(f"{BASE}/spaces/space-1/transfer", json=space_json(organization="org-2"))

    assert client.transfer_space("space-1", organization="org-2").organization == "org-2"
    assert body_of(last_request(api)) == {"organization": "org-2"}


# Links


def test_list_space_links_page_carries_links_and_stats(api, client):
    stats = {"total": 40, "broken": {"total": 3}}
    api.get(
        f"{BASE}/spaces/space-1/links",
        json=page_of([link_json()], next_page="c2", count=3, stats=stats),
    )

    page = client.list_space_links_page("space-1", status="broken", limit=10)

    (link,) = page.items
    assert link.is_broken
    assert link.relation == "reference"
    assert link.target.kind == "url"
    assert link.target.url == "https://acme.example/gone"
    (location,) = link.locations
    assert location.kind == "page"
    assert location.space_id == "space-1"
    assert location.page_title == "Getting started"
    assert location.page_path == "guides/getting-started"
    assert page.stats.total == 40
    assert page.stats.broken == 3
    assert page.next_page == "c2"
    assert query_of(last_request(api)) == {"status": ["broken"], "limit": ["10"]}


def test_list_space_links_iterates_every_page(api, client):
    stats = {"total": 2, "broken": {"total": 0}}
    api.get(
        f"{BASE}/spaces/space-1/links",
        json=page_of([link_json("ok")], next_page="c2", stats=stats),
    )
    api.get(f"{BASE}/spaces/space-1/links", json=page_of([link_json("ok")], stats=stats))

    assert len(list(client.list_space_links("space-1"))) == 2


# Collections


def test_list_collections_page_sends_nested_as_the_api_spells_booleans(api, client):
    api.get(f"{BASE}/orgs/org-1/collections", json=page_of([collection_json()]))

    page = client.list_collections_page("org-1", nested=False)

    assert page.items[0].title == "Guides"
    assert query_of(last_request(api)) == {"nested": ["false"]}


def test_list_collections_iterates_every_page(api, client):
    api.get(f"{BASE}/orgs/org-1/collections", json=page_of([collection_json("c1")], "n"))
    api.get(f"{BASE}/orgs/org-1/collections", json=page_of([collection_json("c2")]))

    assert [c.id for c in client.list_collections("org-1", nested=True)] == ["c1", "c2"]


def test_get_collection_parses_the_collection(api, client):
    api.get(f"{BASE}/collections/collection-1", json=collection_json())

    collection = client.get_collection("collection-1")

    assert collection.description == "How we work"
    assert collection.permissions["create"] is True


def test_list_collection_spaces_iterates_every_page(api, client):
    url = f"{BASE}/collections/collection-1/spaces"
    api.get(url, json=page_of([space_json("s1")], next_page="n"))
    api.get(url, json=page_of([space_json("s2")]))

    assert [s.id for s in client.list_collection_spaces("collection-1")] == ["s1", "s2"]
