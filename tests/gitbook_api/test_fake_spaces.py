"""Space writes on the fake: create, update, delete and restore, duplicate, move, transfer."""

import pytest

DAY = 86400


def first_space(api, fake, **filters) -> dict:
    spaces = api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1000}).json()["items"]
    return next(s for s in spaces if all(s.get(k) == v for k, v in filters.items()))


def org_space_ids(api, org_id) -> set[str]:
    items = api.get(f"/orgs/{org_id}/spaces", params={"limit": 1000}).json()["items"]
    return {space["id"] for space in items}


def collection_ids(api, fake) -> list[str]:
    items = api.get(f"/orgs/{fake.org_id}/collections", params={"limit": 1000}).json()["items"]
    return [c["id"] for c in items]


def children(api, collection_id) -> list[str]:
    items = api.get(f"/collections/{collection_id}/spaces", params={"limit": 1000}).json()["items"]
    return [space["id"] for space in items]


def test_the_world_is_the_same_for_the_same_seed(start_fake, api_for):
    first, second = start_fake(seed=11), start_fake(seed=11)
    other = start_fake(seed=12)
    pages = [
        api_for(*fake).get(f"/orgs/{fake[0].org_id}/spaces", params={"limit": 5}).json()
        for fake in (first, second, other)
    ]
    titles = [[(s["id"], s["title"]) for s in page["items"]] for page in pages]
    assert first[0].org_id == second[0].org_id != other[0].org_id
    assert titles[0] == titles[1] != titles[2]


def test_the_seeded_world_has_organizations_collections_and_varied_spaces(fake, fake_api):
    orgs = fake_api.get("/orgs").json()
    assert orgs["count"] >= 2 and orgs["items"][0]["id"] == fake.org_id
    spaces = fake_api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1000}).json()
    assert spaces["count"] == 60 == len(spaces["items"])
    items = spaces["items"]
    assert {s["visibility"] for s in items} >= {"private", "public"}
    assert {s["editMode"] for s in items} == {"live", "locked"}
    assert any(s["emoji"] for s in items) and any(not s["emoji"] for s in items)
    assert any("parent" in s for s in items) and any("parent" not in s for s in items)
    assert all(len(s["id"]) == 20 and s["id"].isalnum() for s in items)
    collections = fake_api.get(f"/orgs/{fake.org_id}/collections").json()["items"]
    top_level = fake_api.get(f"/orgs/{fake.org_id}/collections", params={"nested": "false"})
    assert 0 < top_level.json()["count"] <= len(collections)
    assert all("parent" not in c for c in top_level.json()["items"])


def test_creating_a_space_answers_201_with_a_location(fake, fake_api):
    parent = collection_ids(fake_api, fake)[0]
    response = fake_api.post(
        f"/orgs/{fake.org_id}/spaces",
        json={"title": "Launch plan", "emoji": "🚀", "parent": parent},
    )
    assert response.status_code == 201
    space = response.json()
    assert response.headers["Location"] == f"{fake_api.base_url}/spaces/{space['id']}"
    assert (space["title"], space["emoji"], space["parent"]) == ("Launch plan", "🚀", parent)
    assert fake_api.get(response.headers["Location"]).json()["id"] == space["id"]
    assert children(fake_api, parent)[-1] == space["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x" * 51}, "title"),
        ({"emoji": "party"}, "emoji"),
        ({"editMode": "wild"}, "editMode"),
        ({"defaultLevel": "owner"}, "defaultLevel"),
    ],
)
def test_an_invalid_update_answers_400_naming_the_field(fake, fake_api, fake_api_lax, body, field):
    space = first_space(fake_api, fake)
    response = fake_api_lax.patch(f"/spaces/{space['id']}", json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]["message"]


def test_updating_a_space_changes_it_and_its_updated_at(fake, fake_api):
    space = first_space(fake_api, fake)
    fake.clock.advance(seconds=60)
    changed = fake_api.patch(
        f"/spaces/{space['id']}",
        json={"title": "Renamed", "emoji": "1f389", "editMode": "locked", "defaultLevel": "read"},
    ).json()
    assert (changed["title"], changed["emoji"], changed["editMode"]) == (
        "Renamed",
        "1f389",
        "locked",
    )
    assert changed["updatedAt"] > space["updatedAt"]
    cleared = fake_api.patch(f"/spaces/{space['id']}", json={"emoji": None}).json()
    assert cleared["emoji"] == ""


def test_deleting_answers_205_then_204_and_the_space_leaves_every_list(fake, fake_api):
    space = first_space(fake_api, fake, visibility="in-collection")
    assert fake_api.delete(f"/spaces/{space['id']}").status_code == 205
    assert fake_api.delete(f"/spaces/{space['id']}").status_code == 204
    assert fake_api.delete("/spaces/neverexisted").status_code == 204
    assert space["id"] not in org_space_ids(fake_api, fake.org_id)
    assert space["id"] not in children(fake_api, space["parent"])
    deleted = fake_api.get(f"/spaces/{space['id']}").json()
    assert "deletedAt" in deleted
    assert fake_api.patch(f"/spaces/{space['id']}", json={"title": "x"}).status_code == 404


def test_a_deleted_space_can_be_restored_within_seven_days(fake, fake_api):
    space = first_space(fake_api, fake)
    fake_api.delete(f"/spaces/{space['id']}")
    fake.clock.advance(days=6.9)
    restored = fake_api.post(f"/spaces/{space['id']}/restore")
    assert restored.status_code == 200
    assert "deletedAt" not in restored.json()
    assert space["id"] in org_space_ids(fake_api, fake.org_id)
    assert fake_api.post(f"/spaces/{space['id']}/restore").status_code == 409


def test_deleted_space_cannot_be_restored_after_seven_days(fake, fake_api):
    space = first_space(fake_api, fake)
    fake_api.delete(f"/spaces/{space['id']}")
    fake.clock.advance(days=7, seconds=1)
    response = fake_api.post(f"/spaces/{space['id']}/restore")
    assert response.status_code == 400
    assert "retention" in response.json()["error"]["message"]
    assert fake_api.get(f"/spaces/{space['id']}").status_code == 404
    assert fake_api.delete(f"/spaces/{space['id']}").status_code == 204


def test_the_seeded_world_has_soft_deleted_spaces_that_can_be_restored(fake, fake_api):
    deleted = [
        s for s in fake.world.spaces.values() if s.deleted_at and not fake.world.is_purged(s)
    ]
    assert deleted
    assert deleted[0].id not in org_space_ids(fake_api, deleted[0].org_id)
    assert fake_api.post(f"/spaces/{deleted[0].id}/restore").status_code == 200


def test_duplicating_answers_201_with_a_new_space_next_to_the_original(fake, fake_api):
    original = first_space(fake_api, fake, visibility="in-collection")
    response = fake_api.post(f"/spaces/{original['id']}/duplicate")
    assert response.status_code == 201
    copy = response.json()
    assert copy["id"] != original["id"] and copy["title"] == f"{original['title']} (copy)"
    assert response.headers["Location"].endswith(f"/spaces/{copy['id']}")
    order = children(fake_api, original["parent"])
    assert order.index(copy["id"]) == order.index(original["id"]) + 1


def test_moving_reorders_within_a_collection(fake, fake_api):
    parent = next(c for c in collection_ids(fake_api, fake) if len(children(fake_api, c)) >= 3)
    first, second, third = children(fake_api, parent)[:3]
    moved = fake_api.post(
        f"/spaces/{third}/move", json={"position": {"before": {"type": "space", "space": first}}}
    )
    assert moved.status_code == 200
    assert children(fake_api, parent)[:3] == [third, first, second]
    fake_api.post(
        f"/spaces/{third}/move", json={"position": {"after": {"type": "space", "space": second}}}
    )
    assert children(fake_api, parent)[:3] == [first, second, third]


def test_moving_across_collections_and_to_the_top_level(fake, fake_api):
    source, target = collection_ids(fake_api, fake)[:2]
    space = fake_api.post(f"/orgs/{fake.org_id}/spaces", json={"parent": source}).json()
    moved = fake_api.post(f"/spaces/{space['id']}/move", json={"parent": target}).json()
    assert moved["parent"] == target and children(fake_api, target)[-1] == space["id"]
    top = fake_api.post(f"/spaces/{space['id']}/move", json={"parent": None}).json()
    assert "parent" not in top and top["visibility"] == "private"


def test_moving_next_to_a_collection_places_the_space_among_the_collections(fake, fake_api):
    top_level = [c for c in fake.world.siblings(fake.org_id, None) if not hasattr(c, "emoji")]
    collection = top_level[0]
    space = first_space(fake_api, fake, visibility="in-collection")
    body = {
        "parent": None,
        "position": {"before": {"type": "collection", "collection": collection.id}},
    }
    assert fake_api.post(f"/spaces/{space['id']}/move", json=body).status_code == 200
    order = [item.id for item in fake.world.siblings(fake.org_id, None)]
    assert order.index(space["id"]) == order.index(collection.id) - 1


def test_moving_to_where_the_space_already_is_answers_409(fake, fake_api):
    parent = next(c for c in collection_ids(fake_api, fake) if len(children(fake_api, c)) >= 2)
    first, second = children(fake_api, parent)[:2]
    before_itself = {"position": {"before": {"type": "space", "space": first}}}
    assert fake_api.post(f"/spaces/{first}/move", json=before_itself).status_code == 409
    same_place = {"position": {"before": {"type": "space", "space": second}}}
    assert fake_api.post(f"/spaces/{first}/move", json=same_place).status_code == 409
    last = children(fake_api, parent)[-1]
    assert fake_api.post(f"/spaces/{last}/move", json={"parent": parent}).status_code == 409


def test_moving_next_to_an_item_of_another_parent_answers_400(fake, fake_api):
    source, target = collection_ids(fake_api, fake)[:2]
    space = fake_api.post(f"/orgs/{fake.org_id}/spaces", json={"parent": source}).json()
    stranger = fake_api.post(f"/orgs/{fake.org_id}/spaces", json={"parent": source}).json()
    body = {"parent": target, "position": {"after": {"type": "space", "space": stranger["id"]}}}
    response = fake_api.post(f"/spaces/{space['id']}/move", json=body)
    assert response.status_code == 400
    unknown = {"position": {"after": {"type": "collection", "collection": "nope"}}}
    assert fake_api.post(f"/spaces/{space['id']}/move", json=unknown).status_code == 400


def test_moving_into_an_unknown_collection_answers_404(fake, fake_api):
    space = first_space(fake_api, fake)
    response = fake_api.post(f"/spaces/{space['id']}/move", json={"parent": "nope"})
    assert response.status_code == 404


def test_transferring_to_another_organization_moves_the_space(fake, fake_api):
    other_org = fake_api.get("/orgs").json()["items"][1]["id"]
    space = next(
        s for s in fake.world.spaces.values() if s.org_id == fake.org_id and not s.git_sync
    )
    moved = fake_api.post(f"/spaces/{space.id}/transfer", json={"organization": other_org})
    assert moved.status_code == 200
    assert moved.json()["organization"] == other_org
    assert space.id in org_space_ids(fake_api, other_org)
    assert space.id not in org_space_ids(fake_api, fake.org_id)


def test_transferring_to_its_own_organization_answers_409(fake, fake_api):
    space = first_space(fake_api, fake)
    response = fake_api.post(f"/spaces/{space['id']}/transfer", json={"organization": fake.org_id})
    assert response.status_code == 409


def test_a_space_synchronized_with_git_cannot_be_transferred(fake, fake_api):
    synced = next(s for s in fake.world.spaces.values() if s.git_sync and not s.deleted_at)
    other_org = next(o for o in fake.organization_ids if o != synced.org_id)
    response = fake_api.post(f"/spaces/{synced.id}/transfer", json={"organization": other_org})
    assert response.status_code == 412
    assert "Git" in response.json()["error"]["message"]


def test_transferring_to_an_unknown_organization_answers_404(fake, fake_api):
    space = first_space(fake_api, fake)
    response = fake_api.post(f"/spaces/{space['id']}/transfer", json={"organization": "nope"})
    assert response.status_code == 404


def test_a_read_only_organization_refuses_writes_with_403(fake, fake_api):
    read_only = next(o for o in fake.world.organizations.values() if o.role == "read")
    space = next(s for s in fake.world.spaces.values() if s.org_id == read_only.id)
    assert fake_api.patch(f"/spaces/{space.id}", json={"title": "Mine now"}).status_code == 403
    assert fake_api.post(f"/orgs/{read_only.id}/spaces", json={}).status_code == 403
    assert fake_api.get(f"/spaces/{space.id}").status_code == 200


def test_transfer_answers_404_in_the_current_api(start_fake, api_for):
    fake, server = start_fake(api_version="current")
    api = api_for(fake, server)
    space = first_space(api, fake)
    other_org = fake.organization_ids[1]
    response = api.post(f"/spaces/{space['id']}/transfer", json={"organization": other_org})
    assert response.status_code == 404
    assert space["id"] in org_space_ids(api, fake.org_id)
