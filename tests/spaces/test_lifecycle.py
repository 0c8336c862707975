"""Moving, deleting and restoring, duplicating, creating and transferring spaces."""

import pytest
from django.urls import reverse

from dashboard.accounts.models import Connection
from dashboard.jobs.models import Job
from dashboard.spaces import index
from dashboard.spaces.models import DeletedSpace
from tests.conftest import PASSWORD, fake_api
from tests.spaces.helpers import latest_job, load_index, new_space, space_in_fake, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def a_collection(connection) -> dict:
    return next(iter(index.load_index(connection.pk).collections.values()))


def test_moving_a_space_into_a_collection(
    as_operator, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook)
    load_index(connection)
    collection = a_collection(connection)

    response = as_operator.post(
        reverse("spaces:move", args=[space["id"]]),
        {"collection": collection["id"], "position": "end"},
    )

    assert response.status_code == 302
    assert wait_for_job(latest_job().pk).status == Job.Status.SUCCEEDED
    assert space_in_fake(fake_gitbook, space["id"])["parent"] == collection["id"]
    row = index.load_index(connection.pk).by_id[space["id"]]
    assert row["parent"] == collection["id"]


def test_moving_before_a_sibling_that_is_not_in_the_collection_is_refused(
    as_operator, connection, fake_gitbook
):
    space = new_space(fake_gitbook)
    outsider = new_space(fake_gitbook)
    load_index(connection)
    collection = a_collection(connection)

    response = as_operator.post(
        reverse("spaces:move", args=[space["id"]]),
        {"collection": collection["id"], "position": "before", "sibling": outsider["id"]},
    )

    assert response.status_code == 400
    assert "not in the chosen collection" in response.text
    assert not Job.objects.exists()


def test_moving_to_a_collection_that_no_longer_exists_is_refused(
    as_operator, connection, fake_gitbook
):
    space = new_space(fake_gitbook)
    load_index(connection)

    response = as_operator.post(
        reverse("spaces:move", args=[space["id"]]), {"collection": "gone", "position": "end"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.text


def test_deleting_then_restoring_from_the_trash(
    as_admin, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook, title="Short-lived space")
    load_index(connection)

    as_admin.post(reverse("spaces:delete", args=[space["id"]]))
    assert wait_for_job(latest_job().pk).status == Job.Status.SUCCEEDED

    listing = as_admin.get(reverse("spaces:list"), {"q": "Short-lived"}).text
    assert f'id="space-{space["id"]}"' not in listing
    trash = as_admin.get(reverse("spaces:trash")).text
    assert "Short-lived space" in trash
    assert "6 d" in trash

    as_admin.post(reverse("spaces:restore", args=[space["id"]]))
    assert wait_for_job(latest_job().pk).status == Job.Status.SUCCEEDED
    assert "deletedAt" not in space_in_fake(fake_gitbook, space["id"])
    listing = as_admin.get(reverse("spaces:list"), {"q": "Short-lived"}).text
    assert f'id="space-{space["id"]}"' in listing
    assert DeletedSpace.objects.get(space_id=space["id"]).restored_at is not None


def test_a_space_with_open_change_requests_needs_its_title_typed_to_delete(
    as_admin, connection, fake_gitbook
):
    load_index(connection)
    busy = next(r for r in index.load_index(connection.pk).rows if r["changeRequestsOpen"])

    refused = as_admin.post(reverse("spaces:delete", args=[busy["id"]]), {"confirm_title": "no"})

    assert refused.status_code == 400
    assert "Type the space&#x27;s title exactly" in refused.text
    assert not Job.objects.exists()


def test_restoring_after_seven_days_shows_the_api_refusal(
    as_admin, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook)
    load_index(connection)
    as_admin.post(reverse("spaces:delete", args=[space["id"]]))
    wait_for_job(latest_job().pk)
    fake_gitbook.clock.advance(seconds=8 * 24 * 3600)

    as_admin.post(reverse("spaces:trash"), {"space_id": space["id"]})

    job = wait_for_job(latest_job().pk)
    assert job.status == Job.Status.FAILED
    assert job.error
    page = as_admin.get(reverse("jobs:detail", args=[job.pk])).text
    assert job.error.split(" (HTTP")[0].replace("'", "&#x27;") in page


def test_only_an_admin_may_delete(as_operator, connection, fake_gitbook):
    space = new_space(fake_gitbook)
    load_index(connection)

    response = as_operator.post(reverse("spaces:delete", args=[space["id"]]))

    assert response.status_code == 403


def test_restore_by_id_checks_the_id(as_admin, connection):
    response = as_admin.post(reverse("spaces:trash"), {"space_id": "<script>"})

    assert response.status_code == 400
    assert "A space id has only letters" in response.text


def test_duplicating_makes_one_copy(as_operator, connection, fake_gitbook, celery_worker_thread):
    space = new_space(fake_gitbook, title="Original to copy")
    load_index(connection)

    as_operator.post(reverse("spaces:duplicate", args=[space["id"]]))

    job = wait_for_job(latest_job().pk)
    assert job.status == Job.Status.SUCCEEDED
    copy = space_in_fake(fake_gitbook, job.result["created"])
    assert copy["id"] != space["id"]
    assert copy["title"].startswith("Original to copy")


def test_creating_a_space_in_a_collection(
    as_operator, connection, fake_gitbook, celery_worker_thread
):
    load_index(connection)
    collection = a_collection(connection)

    as_operator.post(
        reverse("spaces:create"),
        {"title": "Made in the console", "emoji": "📘", "collection": collection["id"]},
    )

    job = wait_for_job(latest_job().pk)
    assert job.status == Job.Status.SUCCEEDED
    created = space_in_fake(fake_gitbook, job.result["created"])
    assert created["title"] == "Made in the console"
    assert created["parent"] == collection["id"]


def test_transferring_to_another_organization(
    as_admin, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook)
    load_index(connection)
    other = next(
        org for org in fake_api(fake_gitbook, "/orgs")["items"] if org["id"] != fake_gitbook.org_id
    )

    as_admin.post(reverse("spaces:transfer", args=[space["id"]]), {"organization": other["id"]})

    assert wait_for_job(latest_job().pk).status == Job.Status.SUCCEEDED
    assert space_in_fake(fake_gitbook, space["id"])["organization"] == other["id"]
    assert space["id"] not in index.load_index(connection.pk).by_id


@pytest.fixture
def current_api_connection(db):
    from gitbook_api.fake import FakeConfig, FakeGitBook

    fake = FakeGitBook(FakeConfig(seed=3, spaces=20, api_version="current"))
    server = fake.serve(host="127.0.0.1", port=0)
    fake.url = server.url
    connection = Connection(name="Newest API", api_url=server.url, organization_id=fake.org_id)
    connection.set_token(fake.token)
    connection.save()
    try:
        yield connection, fake
    finally:
        server.stop()


def test_an_api_without_transfer_is_said_once_and_not_offered_again(
    client, admin, current_api_connection, celery_worker_thread
):
    connection, fake = current_api_connection
    client.login(username=admin.username, password=PASSWORD)
    session = client.session
    session["connection_id"] = connection.pk
    session.save()
    load_index(connection)
    space = index.load_index(connection.pk).rows[0]
    other = next(org for org in fake_api(fake, "/orgs")["items"] if org["id"] != fake.org_id)

    client.post(reverse("spaces:transfer", args=[space["id"]]), {"organization": other["id"]})

    job = wait_for_job(latest_job().pk)
    assert job.status == Job.Status.FAILED
    connection.refresh_from_db()
    assert connection.transfer_unavailable
    detail = client.get(reverse("spaces:detail", args=[space["id"]])).text
    assert reverse("spaces:transfer", args=[space["id"]]) not in detail


def test_moving_after_a_sibling_places_it_right_after_that_space(
    as_operator, connection, fake_gitbook, celery_worker_thread
):
    load_index(connection)
    collection = a_collection(connection)
    space = new_space(fake_gitbook)
    anchor = new_space(fake_gitbook, parent=collection["id"])
    load_index(connection)
    options = as_operator.get(
        reverse("spaces:move_siblings", args=[space["id"]]), {"collection": collection["id"]}
    ).text
    assert f'value="{anchor["id"]}"' in options

    as_operator.post(
        reverse("spaces:move", args=[space["id"]]),
        {"collection": collection["id"], "position": "after", "sibling": anchor["id"]},
    )

    assert wait_for_job(latest_job().pk).status == Job.Status.SUCCEEDED
    order = [
        s["id"]
        for s in fake_api(fake_gitbook, f"/collections/{collection['id']}/spaces", limit=1000)[
            "items"
        ]
    ]
    assert order.index(space["id"]) == order.index(anchor["id"]) + 1
