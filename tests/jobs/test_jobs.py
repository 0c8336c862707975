"""Jobs: followed live, retried, cancelled while queued, never lost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from dashboard.jobs import service
from dashboard.jobs.models import AuditEntry, Job
from dashboard.jobs.tasks import run_job
from tests.conftest import PASSWORD
from tests.spaces.helpers import load_index, new_space, space_in_fake, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def rename_job(user, connection, space_id, title="Renamed by a job") -> Job:
    return service.enqueue(
        user=user,
        connection=connection,
        kind="space.update",
        description=f"Rename to {title}",
        arguments={"changes": {"title": title}},
        target_id=space_id,
    )


def test_the_follow_partial_polls_until_the_job_finishes_then_stops(
    client, operator, connection, fake_gitbook, celery_worker_thread
):
    client.login(username=operator.username, password=PASSWORD)
    space = new_space(fake_gitbook)
    job = rename_job(operator, connection, space["id"])

    wait_for_job(job.pk)
    response = client.get(reverse("jobs:follow", args=[job.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 286  # htmx: stop polling
    assert "Done" in response.text
    assert "jobFinished" in response["HX-Trigger"]
    assert 'hx-trigger="every 1s"' not in response.text


def test_a_queued_job_can_be_cancelled_and_then_never_runs(
    client, operator, connection, fake_gitbook, monkeypatch
):
    monkeypatch.setattr(service, "send", lambda job_id: None)  # keep it queued
    client.login(username=operator.username, password=PASSWORD)
    space = new_space(fake_gitbook, title="Stays as it is")
    job = rename_job(operator, connection, space["id"])

    client.post(reverse("jobs:cancel", args=[job.pk]))
    run_job.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert space_in_fake(fake_gitbook, space["id"])["title"] == "Stays as it is"


def test_a_failed_job_is_retried_as_a_new_job(
    client, operator, connection, fake_gitbook, celery_worker_thread
):
    client.login(username=operator.username, password=PASSWORD)
    job = rename_job(operator, connection, "no-such-space")
    assert wait_for_job(job.pk).status == Job.Status.FAILED

    response = client.post(reverse("jobs:retry", args=[job.pk]), headers={"HX-Request": "true"})

    retry = Job.objects.exclude(pk=job.pk).get()
    assert retry.retry_of_id == job.pk
    assert f'id="job-follow-{retry.pk}"' in response.text


def test_a_job_sent_while_the_broker_is_down_stays_queued_and_the_sweep_sends_it(
    operator, connection, fake_gitbook, celery_worker_thread, monkeypatch
):
    space = new_space(fake_gitbook)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker")

    with monkeypatch.context() as patch:
        patch.setattr(run_job, "delay", broker_down)
        job = rename_job(operator, connection, space["id"], "Sent by the sweep")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED

    assert service.resend_stuck_jobs(older_than=timedelta(0)) == 1

    assert wait_for_job(job.pk).status == Job.Status.SUCCEEDED
    assert space_in_fake(fake_gitbook, space["id"])["title"] == "Sent by the sweep"


def test_a_job_is_claimed_once_even_when_its_message_arrives_twice(
    operator, connection, fake_gitbook
):
    space = new_space(fake_gitbook)
    job = Job.objects.create(
        connection=connection,
        kind="space.update",
        description="x",
        arguments={"changes": {"title": "Once"}},
        target_id=space["id"],
        created_by=operator,
    )

    first = service.run(job.pk)
    second = service.run(job.pk)

    assert first.status == Job.Status.SUCCEEDED
    assert second is None
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_the_jobs_page_lists_who_what_and_status_and_refreshes_while_one_runs(
    client, viewer, operator, connection, monkeypatch
):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    rename_job(operator, connection, "some-space")
    client.login(username=viewer.username, password=PASSWORD)

    page = client.get(reverse("jobs:list")).text

    assert "Rename to Renamed by a job" in page
    assert operator.username in page
    assert 'hx-trigger="every 2s"' in page
    assert ">Cancel<" not in page  # a viewer cannot cancel


def test_a_viewer_cannot_retry_or_cancel(client, viewer, operator, connection, monkeypatch):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    job = rename_job(operator, connection, "some-space")
    client.login(username=viewer.username, password=PASSWORD)

    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 403
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 403


def test_audit_entries_cannot_be_changed_or_deleted(operator, connection, monkeypatch):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    rename_job(operator, connection, "some-space")
    entry = AuditEntry.objects.get()

    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_the_audit_log_filters_by_user_and_exports_csv(
    client, viewer, operator, admin, connection, monkeypatch
):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    rename_job(operator, connection, "space-by-operator", "=HYPERLINK(evil)")
    rename_job(admin, connection, "space-by-admin")
    client.login(username=viewer.username, password=PASSWORD)

    page = client.get(reverse("audit:log"), {"user": operator.username}).text
    export = b"".join(client.get(reverse("audit:csv"), {"user": operator.username})).decode()

    assert "space-by-operator" in page and "space-by-admin" not in page
    lines = export.strip().splitlines()
    assert lines[0].startswith("time,user,organization,action")
    assert len(lines) == 2
    assert "space-by-operator" in lines[1]


def test_csv_cells_from_gitbook_cannot_run_as_spreadsheet_formulas():
    from dashboard.jobs.views import csv_safe

    assert csv_safe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert csv_safe("Handbook") == "Handbook"


def test_the_space_page_shows_its_jobs_and_audit_entries(
    client, viewer, operator, connection, fake_gitbook, monkeypatch
):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    space = new_space(fake_gitbook)
    load_index(connection)
    rename_job(operator, connection, space["id"], "Planned title")
    client.login(username=viewer.username, password=PASSWORD)

    page = client.get(reverse("spaces:detail", args=[space["id"]])).text

    assert "Rename to Planned title" in page
    assert "Planned title" in page


def test_a_bug_in_an_action_fails_the_job_instead_of_leaving_it_running(
    operator, connection, monkeypatch
):
    from dashboard.jobs.service import ACTIONS, Action

    def broken(job, client):
        raise KeyError("a bug")

    monkeypatch.setitem(ACTIONS, "space.update", Action(run=broken))
    monkeypatch.setattr(service, "send", lambda job_id: None)
    job = rename_job(operator, connection, "some-space")

    service.run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "failed to run this job" in job.error


def test_a_running_job_whose_worker_died_is_sent_again_once_its_lease_ends(
    operator, connection, fake_gitbook, celery_worker_thread, monkeypatch
):
    from django.utils import timezone

    space = new_space(fake_gitbook)
    with monkeypatch.context() as patch:
        patch.setattr(service, "send", lambda job_id: None)
        job = rename_job(operator, connection, space["id"], "Finished after a crash")
    # As if a worker claimed it and died: running, lease already over.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, lease_until=timezone.now() - timedelta(seconds=1)
    )

    assert service.resend_stuck_jobs() == 1

    assert wait_for_job(job.pk).status == Job.Status.SUCCEEDED
    assert space_in_fake(fake_gitbook, space["id"])["title"] == "Finished after a crash"
