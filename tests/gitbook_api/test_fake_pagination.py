"""Cursor pagination on the fake: stable while the list changes under the walk."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def walk(api, path, limit, between_pages=None) -> list[str]:
    ids, params = [], {"limit": limit}
    while True:
        page = api.get(path, params=params).json()
        ids += [item["id"] for item in page["items"]]
        if "next" not in page:
            return ids
        if between_pages:
            between_pages()
        params = {"limit": limit, "page": page["next"]["page"]}


def test_a_page_has_items_a_count_and_a_next_cursor_until_the_last(fake, fake_api):
    first = fake_api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 25}).json()
    assert len(first["items"]) == 25 and first["count"] == 60 and first["next"]["page"]
    ids = walk(fake_api, f"/orgs/{fake.org_id}/spaces", 25)
    assert len(ids) == len(set(ids)) == 60
    last = fake_api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 60}).json()
    assert "next" not in last


def test_the_default_page_size_is_50(fake, fake_api):
    page = fake_api.get(f"/orgs/{fake.org_id}/spaces").json()
    assert len(page["items"]) == 50 and "next" in page


def test_limit_zero_answers_only_the_count(fake, fake_api):
    page = fake_api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 0}).json()
    assert page == {"items": [], "count": 60}


def test_a_walk_skips_and_repeats_nothing_while_spaces_come_and_go(fake, fake_api):
    path = f"/orgs/{fake.org_id}/spaces"
    before = set(walk(fake_api, path, 1000))
    rng = random.Random(5)
    removed, added = set(), set()

    def churn():
        for _ in range(2):
            victim = rng.choice(sorted(before - removed))
            fake_api.delete(f"/spaces/{victim}")
            removed.add(victim)
        added.add(fake_api.post(f"/orgs/{fake.org_id}/spaces", json={"title": "New"}).json()["id"])

    seen = walk(fake_api, path, 7, between_pages=churn)
    assert len(seen) == len(set(seen)), "an item was repeated"
    assert before - removed <= set(seen), "an item present throughout was skipped"
    assert set(seen) <= before | added


def test_a_collection_walk_survives_reordering_elsewhere(fake, fake_api):
    collections = fake_api.get(f"/orgs/{fake.org_id}/collections", params={"limit": 1000}).json()
    sizes = {
        c["id"]: fake_api.get(f"/collections/{c['id']}/spaces", params={"limit": 0}).json()["count"]
        for c in collections["items"]
    }
    biggest = max(sizes, key=sizes.get)
    path = f"/collections/{biggest}/spaces"
    before = walk(fake_api, path, 1000)

    def add_one():
        fake_api.post(f"/orgs/{fake.org_id}/spaces", json={"parent": biggest})

    seen = walk(fake_api, path, 2, between_pages=add_one)
    assert seen[: len(before)] == before


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    limit=st.integers(min_value=5, max_value=15),
    changes=st.lists(st.tuples(st.booleans(), st.integers(0, 10_000)), max_size=12),
)
def test_any_interleaving_of_page_reads_and_changes_keeps_the_walk_consistent(
    fake, fake_api, limit, changes
):
    path = f"/orgs/{fake.org_id}/spaces"
    present = set(walk(fake_api, path, 1000))
    removed = set()
    pending = list(changes)

    def apply_one():
        if not pending:
            return
        delete, pick = pending.pop()
        if delete and present - removed:
            victim = sorted(present - removed)[pick % len(present - removed)]
            fake_api.delete(f"/spaces/{victim}")
            removed.add(victim)
        else:
            fake_api.post(f"/orgs/{fake.org_id}/spaces", json={"title": "Interleaved"})

    seen = walk(fake_api, path, limit, between_pages=apply_one)
    assert len(seen) == len(set(seen))
    assert present - removed <= set(seen)
