"""Editing a space: validated in the form, done by a worker, shown at once."""

import pytest
from django.urls import reverse

from dashboard.jobs.models import AuditEntry, Job
from dashboard.jobs.service import enqueue
from tests.conftest import PASSWORD
from tests.spaces.helpers import load_index, new_space, space_in_fake, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def test_renaming_a_space_changes_it_in_gitbook_and_in_the_list_at_once(
    as_operator, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook)
    load_index(connection)

    response = as_operator.post(
        reverse("spaces:edit", args=[space["id"]]),
        {"title": "Renamed by the console", "inline_field": "title"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    job = Job.objects.get(target_id=space["id"], kind="space.update")
    assert f'id="job-follow-{job.pk}"' in response.text
    assert wait_for_job(job.pk).status == Job.Status.SUCCEEDED
    assert space_in_fake(fake_gitbook, space["id"])["title"] == "Renamed by the console"
    listing = as_operator.get(reverse("spaces:list"), {"q": "Renamed by the console"}).text
    assert f'id="space-{space["id"]}"' in listing


def test_a_rename_is_in_the_audit_log_with_who_before_and_after(
    as_operator, operator, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook, title="Before the rename")
    load_index(connection)

    as_operator.post(reverse("spaces:edit", args=[space["id"]]), {"title": "After the rename"})

    entry = AuditEntry.objects.get(target_id=space["id"])
    assert entry.username == operator.username
    assert entry.before == {"title": "Before the rename"}
    assert entry.after == {"title": "After the rename"}
    wait_for_job(entry.job_id)
    entry.refresh_from_db()
    assert entry.result == "succeeded"


def test_a_plain_form_post_redirects_to_the_space(as_operator, connection, fake_gitbook):
    space = new_space(fake_gitbook)
    load_index(connection)

    response = as_operator.post(reverse("spaces:edit", args=[space["id"]]), {"title": "Plain"})

    assert response.status_code == 302
    assert response.url == reverse("spaces:detail", args=[space["id"]])


@pytest.mark.parametrize(
    ("title", "message"),
    [("x" * 51, "at most 50 characters"), ("   ", "A space needs a title.")],
)
def test_a_bad_title_is_refused_next_to_the_field_and_keeps_what_was_typed(
    as_operator, connection, fake_gitbook, title, message
):
    space = new_space(fake_gitbook)
    load_index(connection)

    response = as_operator.post(
        reverse("spaces:edit", args=[space["id"]]),
        {"title": title, "inline_field": "title"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    if title.strip():
        assert f'value="{title}"' in response.text
    assert not Job.objects.exists()


def test_a_bad_emoji_is_refused_without_a_job(as_operator, connection, fake_gitbook):
    space = new_space(fake_gitbook)
    load_index(connection)

    response = as_operator.post(reverse("spaces:edit", args=[space["id"]]), {"emoji": "smile"})

    assert response.status_code == 400
    assert "Use a single emoji" in response.text
    assert not Job.objects.exists()


def test_an_unknown_space_is_a_404_not_a_500(as_operator, connection):
    load_index(connection)

    response = as_operator.post(reverse("spaces:edit", args=["no-such-space"]), {"title": "x"})

    assert response.status_code == 404


def test_a_viewer_cannot_rename_a_space(client, viewer, connection, fake_gitbook):
    space = new_space(fake_gitbook)
    load_index(connection)
    client.login(username=viewer.username, password=PASSWORD)

    response = client.post(reverse("spaces:edit", args=[space["id"]]), {"title": "Nope"})

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_a_viewer_sees_no_edit_controls(client, viewer, connection):
    load_index(connection)
    client.login(username=viewer.username, password=PASSWORD)

    page = client.get(reverse("spaces:list")).text

    assert "Rename" not in page
    assert ">Lock<" not in page
    assert "New space" not in page


def test_locking_a_space_sets_its_edit_mode(
    as_operator, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook, editMode="live")
    load_index(connection)

    as_operator.post(reverse("spaces:lock", args=[space["id"]]), {"mode": "locked"})

    job = Job.objects.get(target_id=space["id"])
    assert wait_for_job(job.pk).status == Job.Status.SUCCEEDED
    assert space_in_fake(fake_gitbook, space["id"])["editMode"] == "locked"


def test_an_api_refusal_fails_the_job_with_the_api_message_and_offers_a_retry(
    as_operator, operator, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook)
    load_index(connection)

    # The form never sends this, so hand the API's refusal straight to a job.
    job = enqueue(
        user=operator,
        connection=connection,
        kind="space.update",
        description="Bad edit mode",
        arguments={"changes": {"editMode": "frozen"}},
        target_id=space["id"],
    )

    failed = wait_for_job(job.pk)
    assert failed.status == Job.Status.FAILED
    assert "400" in failed.error
    follow = as_operator.get(reverse("jobs:follow", args=[job.pk])).text
    assert "Retry" in follow


def test_a_concurrent_edit_is_caught_and_what_was_typed_is_kept(
    as_operator, operator, connection, fake_gitbook, celery_worker_thread
):
    space = new_space(fake_gitbook, title="Edited twice")
    load_index(connection)
    form_page = as_operator.get(reverse("spaces:edit", args=[space["id"]])).text
    seen = form_page.split('name="seen_updated_at" value="')[1].split('"')[0]
    # Someone else renames it first.
    other = as_operator.post(
        reverse("spaces:edit", args=[space["id"]]), {"title": "Renamed by a colleague"}
    )
    assert other.status_code == 302
    wait_for_job(Job.objects.get(target_id=space["id"]).pk)

    response = as_operator.post(
        reverse("spaces:edit", args=[space["id"]]),
        {"title": "My late rename", "seen_updated_at": seen},
    )

    assert response.status_code == 400
    assert "Someone changed this space since you opened it" in response.text
    assert "Renamed by a colleague" in response.text
    assert 'value="My late rename"' in response.text
    assert Job.objects.filter(target_id=space["id"]).count() == 1
