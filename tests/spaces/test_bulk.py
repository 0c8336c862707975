"""Bulk changes: many spaces in one job, with progress and per-space results."""

import pytest
from django.urls import reverse

from dashboard.jobs.models import Job
from dashboard.spaces import bulk
from tests.conftest import PASSWORD
from tests.spaces.helpers import latest_job, load_index, new_space, space_in_fake, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def test_locking_every_space_matching_a_search_in_one_job(
    as_admin, connection, fake_gitbook, celery_worker_thread
):
    spaces = [
        new_space(fake_gitbook, title=f"Bulk lock target {n}", editMode="live") for n in range(3)
    ]
    load_index(connection)

    confirm = as_admin.post(
        reverse("spaces:bulk"), {"operation": "lock", "all_matching": "1", "q": "Bulk lock target"}
    )
    assert "Lock 3 spaces?" in confirm.text
    assert not Job.objects.exists()
    response = as_admin.post(
        reverse("spaces:bulk"),
        {"operation": "lock", "confirmed": "1", "space": [s["id"] for s in spaces]},
    )

    job = wait_for_job(latest_job().pk)
    assert response.status_code == 302
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (3, 3)
    for space in spaces:
        assert space_in_fake(fake_gitbook, space["id"])["editMode"] == "locked"
        assert job.result["results"][space["id"]] == {"ok": True}


def test_a_bulk_delete_asks_for_confirmation_first(as_admin, connection, fake_gitbook):
    space = new_space(fake_gitbook, title="Bulk delete candidate")
    load_index(connection)

    response = as_admin.post(reverse("spaces:bulk"), {"operation": "delete", "space": space["id"]})

    assert response.status_code == 200
    assert "Delete 1 space?" in response.text
    assert not Job.objects.exists()


def test_failed_spaces_are_listed_and_can_be_retried_alone(
    as_admin, admin, connection, fake_gitbook, celery_worker_thread
):
    good = new_space(fake_gitbook)
    load_index(connection)
    job = bulk.request_bulk(admin, connection, "lock", [good["id"], "no-such-space"])

    job = wait_for_job(job.pk)

    assert job.result["results"][good["id"]] == {"ok": True}
    assert job.result["results"]["no-such-space"]["ok"] is False
    assert job.result["failed"] == 1
    page = as_admin.get(reverse("jobs:detail", args=[job.pk])).text
    assert "Retry the 1 that failed" in page
    as_admin.post(reverse("spaces:bulk_retry", args=[job.pk]))
    retry = latest_job()
    assert retry.arguments["space_ids"] == ["no-such-space"]


def test_an_operator_cannot_bulk_delete(client, operator, connection, fake_gitbook):
    space = new_space(fake_gitbook)
    load_index(connection)
    client.login(username=operator.username, password=PASSWORD)

    response = client.post(
        reverse("spaces:bulk"), {"operation": "delete", "space": space["id"], "confirmed": "1"}
    )

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_a_long_bulk_job_continues_in_slices_without_redoing_done_spaces(
    admin, connection, fake_gitbook, celery_worker_thread, monkeypatch
):
    monkeypatch.setattr(bulk, "SLICE_SECONDS", 0.0)
    spaces = [new_space(fake_gitbook, editMode="live") for _ in range(4)]
    load_index(connection)

    job = bulk.request_bulk(admin, connection, "lock", [s["id"] for s in spaces])
    job = wait_for_job(job.pk)

    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 4  # one slice per space, each a new message
    assert len(job.result["results"]) == 4


def test_a_bulk_move_of_a_collection_filter_picks_its_destination_on_the_confirmation(
    as_admin, connection, fake_gitbook, celery_worker_thread
):
    from dashboard.spaces import index

    load_index(connection)
    collections = list(index.load_index(connection.pk).collections.values())
    source, destination = collections[0], collections[1]
    spaces = [new_space(fake_gitbook, title=f"Bulk move {n}", parent=source["id"]) for n in (1, 2)]
    load_index(connection)

    confirm = as_admin.post(
        reverse("spaces:bulk"),
        {"operation": "move", "all_matching": "1", "q": "Bulk move", "collection": source["id"]},
    )

    assert "Move 2 spaces?" in confirm.text
    assert 'name="destination"' in confirm.text
    as_admin.post(
        reverse("spaces:bulk"),
        {
            "operation": "move",
            "confirmed": "1",
            "destination": destination["id"],
            "space": [s["id"] for s in spaces],
        },
    )
    assert wait_for_job(latest_job().pk).status == Job.Status.SUCCEEDED
    for space in spaces:
        assert space_in_fake(fake_gitbook, space["id"])["parent"] == destination["id"]


def test_stopping_a_running_bulk_job_keeps_what_was_done_and_shows_it_stopped(
    admin, connection, fake_gitbook, monkeypatch
):
    from dashboard.jobs import service

    spaces = [new_space(fake_gitbook, editMode="live") for _ in range(3)]
    load_index(connection)
    monkeypatch.setattr(service, "send", lambda job_id: None)
    job = bulk.request_bulk(admin, connection, "lock", [s["id"] for s in spaces])
    # Stop is asked for once the first space is done.
    real_apply = bulk.apply_one

    def apply_then_ask_to_stop(*args):
        real_apply(*args)
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)

    monkeypatch.setattr(bulk, "apply_one", apply_then_ask_to_stop)

    service.run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert len(job.result["results"]) == 1
    assert space_in_fake(fake_gitbook, spaces[0]["id"])["editMode"] == "locked"
    assert space_in_fake(fake_gitbook, spaces[1]["id"])["editMode"] == "live"
