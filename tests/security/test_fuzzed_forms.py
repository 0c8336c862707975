"""Whatever is typed into a form, the answer is a page or a message, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.spaces.helpers import load_index, new_space

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "🏳️‍🌈" * 20,
            "\x00",
            "a" * 5000,
            "../../etc/passwd",
            "' OR 1=1 --",
        ]
    ),
)


@pytest.fixture
def admin_client(client, admin, connection, fake_gitbook, monkeypatch):
    # Jobs stay queued: the point is the answer to the form, not GitBook.
    monkeypatch.setattr("dashboard.jobs.service.send", lambda job_id: None)
    client.force_login(admin)
    load_index(connection)
    return client


@pytest.fixture
def space(fake_gitbook, admin_client):
    created = new_space(fake_gitbook)
    from dashboard.accounts.models import Connection
    from dashboard.spaces.tasks import walk

    walk(Connection.objects.get())
    return created


def no_server_error(response):
    assert response.status_code < 500, response.content[:500]


@FUZZ
@given(title=text, emoji=text, edit_mode=text, default_level=text, seen=text, inline=text)
def test_the_edit_form_never_fails(
    admin_client, space, title, emoji, edit_mode, default_level, seen, inline
):
    data = {
        "title": title,
        "emoji": emoji,
        "edit_mode": edit_mode,
        "default_level": default_level,
        "seen_updated_at": seen,
        "inline_field": inline,
    }
    no_server_error(admin_client.post(reverse("spaces:edit", args=[space["id"]]), data))
    no_server_error(
        admin_client.post(
            reverse("spaces:edit", args=[space["id"]]), data, headers={"HX-Request": "true"}
        )
    )


@FUZZ
@given(collection=text, position=text, sibling=text)
def test_the_move_form_never_fails(admin_client, space, collection, position, sibling):
    data = {"collection": collection, "position": position, "sibling": sibling}
    no_server_error(admin_client.post(reverse("spaces:move", args=[space["id"]]), data))


@FUZZ
@given(title=text, emoji=text, collection=text)
def test_the_create_form_never_fails(admin_client, title, emoji, collection):
    data = {"title": title, "emoji": emoji, "collection": collection}
    no_server_error(admin_client.post(reverse("spaces:create"), data))


@FUZZ
@given(space_id=text, confirm=text)
def test_restore_by_id_and_delete_confirmation_never_fail(admin_client, space, space_id, confirm):
    no_server_error(admin_client.post(reverse("spaces:trash"), {"space_id": space_id}))
    no_server_error(
        admin_client.post(
            reverse("spaces:delete", args=[space["id"]]), {"confirm_title": confirm, "x": "1"}
        )
    )


@FUZZ
@given(
    operation=text,
    ids=st.lists(text, max_size=5),
    all_matching=text,
    q=text,
    collection=text,
    confirmed=text,
)
def test_the_bulk_form_never_fails(
    admin_client, operation, ids, all_matching, q, collection, confirmed
):
    data = {
        "operation": operation,
        "space": ids,
        "all_matching": all_matching,
        "q": q,
        "collection": collection,
        "confirmed": confirmed,
    }
    no_server_error(admin_client.post(reverse("spaces:bulk"), data))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "visibility",
                "collection",
                "edit_mode",
                "sort",
                "page",
                "per_page",
                "user",
                "space",
                "action",
                "since",
                "until",
                "status",
            ]
        ),
        text,
    )
)
def test_list_pages_never_fail_whatever_the_query(admin_client, params):
    for name in ("spaces:list", "jobs:list", "audit:log", "audit:csv"):
        no_server_error(admin_client.get(reverse(name), params))
