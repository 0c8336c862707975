"""Models tolerate what the API adds later and what it leaves out."""

from datetime import UTC, datetime

import pytest
import responses
from hypothesis import given
from hypothesis import strategies as st

from gitbook_api import GitBookClient, errors, models
from gitbook_api.pagination import iter_items

BASE = "https://api.gitbook.com/v1"
MODELS = [
    models.User,
    models.Organization,
    models.Space,
    models.Collection,
    models.ImportRun,
    models.Site,
    models.SiteFinding,
    models.SiteRedirect,
]


@pytest.mark.parametrize("model", MODELS)
def test_a_model_needs_only_an_id(model):
    parsed = model.from_api({"id": "x"})

    assert parsed.id == "x"
    assert parsed.raw == {"id": "x"}


def test_fields_the_api_adds_later_are_ignored_but_kept_in_raw():
    space = models.Space.from_api({"id": "s", "title": "T", "sparkles": {"new": True}})

    assert space.title == "T"
    assert space.raw["sparkles"] == {"new": True}


def test_timestamps_become_aware_datetimes_and_bad_ones_none():
    space = models.Space.from_api(
        {"id": "s", "createdAt": "2024-05-06T07:08:09.123Z", "updatedAt": "yesterday"}
    )

    assert space.created_at == datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    assert space.updated_at is None


def test_a_deleted_space_says_so():
    assert models.Space.from_api({"id": "s", "deletedAt": "2024-05-06T07:08:09Z"}).is_deleted


def test_counts_sent_as_json_numbers_become_ints():
    space = models.Space.from_api({"id": "s", "changeRequestsOpen": 3.0, "comments": True})

    assert space.change_requests_open == 3
    assert space.comments is None


def test_a_failed_import_run_keeps_its_reason():
    run = models.ImportRun.from_api({"id": "r", "status": "failed", "reason": "Host refused"})

    assert run.is_finished
    assert run.reason == "Host refused"


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
field_names = st.sampled_from(
    [
        "title",
        "emoji",
        "urls",
        "createdAt",
        "gitSync",
        "targetReference",
        "locationReferences",
        "pages",
        "brokenLinkAction",
        "outboundLink",
        "destination",
        "status",
        "stats",
        "broken",
        "permissions",
    ]
)


@pytest.mark.parametrize("model", [*MODELS, models.SpaceLink, models.LinkStats])
@given(data=st.dictionaries(field_names, json_values, max_size=8))
def test_any_field_values_never_break_a_model(model, data):
    data = {**data, "id": "x"}

    parsed = model.from_api(data)

    assert parsed.raw == data


def test_delete_outcomes_serialise_as_plain_strings():
    assert models.DeleteOutcome.DELETED == "deleted"
    assert models.DeleteOutcome.ALREADY_GONE == "already-gone"


def test_pages_are_fetched_only_when_the_iteration_reaches_them():
    fetched = []

    def fetch(cursor):
        fetched.append(cursor)
        next_page = {None: "b", "b": "c", "c": None}[cursor]
        return models.Page(items=[cursor], next_page=next_page, count=3, raw={})

    items = iter_items(fetch)

    assert next(items) is None
    assert fetched == [None]
    assert list(items) == ["b", "c"]
    assert fetched == [None, "b", "c"]


def test_a_cursor_handed_out_twice_stops_the_iteration():
    with responses.RequestsMock() as api:
        api.get(f"{BASE}/orgs", json={"items": [], "next": {"page": "same"}})
        api.get(f"{BASE}/orgs", json={"items": [], "next": {"page": "same"}})
        client = GitBookClient(token="t")

        with pytest.raises(errors.GitBookError, match="twice"):
            list(client.list_organizations())
