"""Imports through a real worker against the fake: start, follow, cancel, fail, resume."""

import time

import pytest
from django.urls import reverse

from dashboard.imports import following, tasks
from dashboard.imports.models import ImportBatch, ImportRun
from dashboard.jobs.models import Job
from gitbook_api import GitBookClient
from gitbook_api.errors import TransportError
from tests.conftest import configure_fake, fake_calls, wait_until
from tests.imports.conftest import latest_run, wait_for_run
from tests.spaces.helpers import load_index

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker_thread", "quick_polls"),
]


def import_into_new_space(client, url: str, title: str = "Imported docs"):
    return client.post(
        reverse("imports:new"), {"url": url, "target": "new", "new_title": title, "enhance": "on"}
    )


def test_an_import_into_a_new_space_runs_to_completion_with_its_pages(as_operator, fake, websites):
    response = import_into_new_space(as_operator, f"{websites}/site-5/", "Handbook import")

    run = latest_run()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[run.pk])
    run = wait_for_run(run.pk)
    assert run.status == ImportRun.Status.COMPLETED
    assert (run.pages_complete, run.pages_known) == (5, 5)
    assert {page["url"] for page in run.pages} == {f"{websites}/site-5/"} | {
        f"{websites}/site-5/p{n}" for n in range(2, 6)
    }
    space = fake.world.spaces[run.space_id]
    assert space.title == "Handbook import"
    detail = as_operator.get(reverse("imports:detail", args=[run.pk])).text
    assert f'href="{websites}/site-5/p3" target="_blank" rel="noopener noreferrer"' in detail
    assert "5 of 5" in detail
    listing = as_operator.get(reverse("imports:list")).text
    assert 'data-status="completed" data-complete="5" data-known="5"' in listing
    assert "otto-operator" in listing


def test_a_site_that_cannot_be_fetched_fails_with_gitbooks_reason(as_operator, fake, websites):
    import_into_new_space(as_operator, f"{websites}/no-such-site/")

    run = wait_for_run(latest_run().pk)

    assert run.status == ImportRun.Status.FAILED
    assert "HTTP 404" in run.reason
    assert "HTTP 404" in as_operator.get(reverse("imports:list"), {"status": "failed"}).text


def test_cancelling_an_import_midway_stops_it_at_gitbook(as_operator, fake, websites):
    fake.clock.freeze()
    import_into_new_space(as_operator, f"{websites}/site-8/")
    run = wait_for_run(latest_run().pk, lambda run: run.api_run_id)
    assert fake.wait_for_imports()
    fake.clock.advance(seconds=0.15)  # three ticks: in progress, two pages seen
    run = wait_for_run(run.pk, lambda run: run.pages_known >= 2)

    response = as_operator.post(reverse("imports:cancel", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert "Cancelling" in response.text
    run = wait_for_run(run.pk)
    assert run.status == ImportRun.Status.CANCELLED
    assert fake.world.imports[run.api_run_id].status == "cancelled"
    cancel_job = Job.objects.get(kind="imports.cancel")
    assert cancel_job.status == Job.Status.SUCCEEDED
    assert cancel_job.created_by.username == "otto-operator"


def test_a_follower_lost_with_its_worker_is_resumed_from_the_database(
    as_operator, fake, websites, monkeypatch
):
    fake.clock.freeze()
    starts_before = fake_calls(fake, "startImportRun")
    import_into_new_space(as_operator, f"{websites}/site-4/")
    run = wait_for_run(latest_run().pk, lambda run: run.api_run_id)
    # The worker goes away: its follow messages are lost, and Redis with them.
    monkeypatch.setattr(following, "follow", lambda connection_id: None)
    wait_until(
        lambda: ImportRun.objects.get(pk=run.pk),
        lambda run: run.next_poll_at and run.next_poll_at.timestamp() < time.time() - 0.5,
    )
    from dashboard.gitbook.redis import get_redis

    get_redis().flushdb()
    fake.clock.advance(seconds=5)  # meanwhile GitBook finished the import
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.PENDING

    monkeypatch.undo()
    monkeypatch.setattr(following, "LATE_SECONDS", 0.0)
    tasks.resume_import_followers.delay()

    run = wait_for_run(run.pk)
    assert run.status == ImportRun.Status.COMPLETED
    assert run.pages_complete == 4
    assert fake_calls(fake, "startImportRun") == starts_before + 1


def test_a_lost_start_response_is_found_again_instead_of_starting_twice(
    as_operator, fake, websites, monkeypatch
):
    real_start = GitBookClient.start_import
    calls = []

    def start_and_lose_the_answer(self, *args, **kwargs):
        run = real_start(self, *args, **kwargs)
        calls.append(run.id)
        if len(calls) == 1:
            raise TransportError("The connection dropped before the answer", sent=True)
        return run

    monkeypatch.setattr(GitBookClient, "start_import", start_and_lose_the_answer)
    runs_before = len(fake.world.imports)

    import_into_new_space(as_operator, f"{websites}/site-3/")

    run = wait_for_run(latest_run().pk, seconds=30)
    assert run.status == ImportRun.Status.COMPLETED
    assert calls == [run.api_run_id]
    assert len(fake.world.imports) == runs_before + 1
    job = run.job
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


def test_a_run_gitbook_no_longer_knows_is_marked_failed_with_that_reason(
    as_operator, fake, websites
):
    fake.clock.freeze()
    import_into_new_space(as_operator, f"{websites}/site-3/")
    run = wait_for_run(latest_run().pk, lambda run: run.api_run_id)

    with fake.world.lock:
        del fake.world.imports[run.api_run_id]

    run = wait_for_run(run.pk)
    assert run.status == ImportRun.Status.FAILED
    assert run.reason.startswith("GitBook no longer knows this import run")


def test_a_run_that_never_reports_back_shows_gitbooks_reason(as_operator, fake, websites):
    fake.clock.freeze()
    import_into_new_space(as_operator, f"{websites}/slow-20/")
    run = wait_for_run(latest_run().pk, lambda run: run.api_run_id)

    fake.clock.advance(seconds=16 * 60)

    run = wait_for_run(run.pk)
    assert run.status == ImportRun.Status.FAILED
    assert "never reported back" in run.reason


def test_importing_into_an_existing_space_after_confirming(as_operator, fake, websites):
    space = next(s for s in fake.world.spaces.values() if s.org_id == fake.org_id)
    form = {"url": f"{websites}/site-2/", "target": "existing", "space": space.id}

    asked = as_operator.post(reverse("imports:new"), form)
    assert asked.status_code == 200
    assert f"Import into “{space.title}”?" in asked.text
    assert not ImportRun.objects.exists()

    as_operator.post(reverse("imports:new"), {**form, "confirmed": "1", "enhance": "on"})

    run = wait_for_run(latest_run().pk)
    assert run.status == ImportRun.Status.COMPLETED
    assert run.space_id == space.id
    assert fake.world.imports[run.api_run_id].space_id == space.id
    space_page = as_operator.get(reverse("spaces:detail", args=[space.id])).text
    assert f'id="import-{run.pk}"' in space_page


def test_retrying_a_failed_import_starts_a_new_run_into_the_same_space(as_operator, fake, websites):
    import_into_new_space(as_operator, f"{websites}/no-such-site/", "Retry target")
    failed = wait_for_run(latest_run().pk)
    assert failed.status == ImportRun.Status.FAILED

    asked = as_operator.post(reverse("imports:retry", args=[failed.pk]))
    assert "Retry the import into “Retry target”" in asked.text
    as_operator.post(reverse("imports:retry", args=[failed.pk]), {"confirmed": "1"})

    retry = wait_for_run(latest_run().pk)
    assert retry.pk != failed.pk
    assert retry.retry_of_id == failed.pk
    assert (retry.source_url, retry.space_id) == (failed.source_url, failed.space_id)
    assert retry.status == ImportRun.Status.FAILED
    assert fake.world.imports[retry.api_run_id].space_id == failed.space_id


def test_a_bulk_batch_starts_the_good_sites_and_says_why_the_others_failed(
    as_operator, fast_connection, fake, websites
):
    load_index(fast_connection)
    starts_before = fake_calls(fake, "startImportRun")
    lines = [
        f"{websites}/site-2/",
        f"{websites}/site-3/,Three pages",
        "ftp://files.example.com/docs",
        "not a web address",
        "http://10.1.2.3/intranet",
        f"{websites}/no-such-site/",
        f"{websites}/site-2/,Somewhere,No such collection",
    ]

    response = as_operator.post(
        reverse("imports:bulk"), {"urls": "\n".join(lines), "enhance": "on"}
    )

    assert response.status_code == 302
    batch_page = response.url
    runs = wait_until(
        lambda: list(ImportRun.objects.order_by("pk")),
        lambda runs: len(runs) == 7 and all(run.finished for run in runs),
        seconds=30,
    )
    two, three, ftp, garbage, private, missing, unknown_collection = runs
    assert (two.status, two.space_title) == ("completed", "127.0.0.1/site-2")
    assert (three.status, three.space_title, three.pages_complete) == (
        "completed",
        "Three pages",
        3,
    )
    assert fake.world.spaces[three.space_id].title == "Three pages"
    assert "http:// and https://" in ftp.reason
    assert "cannot contain spaces" in garbage.reason
    assert "internal or private hosts" in private.reason
    assert "HTTP 404" in missing.reason
    assert "There is no collection “No such collection”" in unknown_collection.reason
    assert len({run.space_id for run in runs if run.space_id}) == 3
    assert fake_calls(fake, "startImportRun") - starts_before == 3
    page = as_operator.get(batch_page).text
    assert "7 of 7" in page
    assert "4 not started" in page


def test_stopping_a_batch_starts_no_more_imports_and_lets_the_started_ones_finish(
    as_operator, fake, websites
):
    configure_fake(fake, latency_ms=150)  # each start takes a while, so the stop comes midway
    try:
        urls = "\n".join(f"{websites}/site-2/" for _ in range(8))
        as_operator.post(reverse("imports:bulk"), {"urls": urls, "enhance": "on"})
        batch = ImportBatch.objects.get()
        wait_until(lambda: batch.runs.exclude(api_run_id="").count(), lambda started: started)

        as_operator.post(reverse("imports:batch_stop", args=[batch.pk]))

        runs = wait_until(
            lambda: list(batch.runs.all()), lambda runs: all(run.finished for run in runs), 30
        )
    finally:
        configure_fake(fake, latency_ms=0)
    started = [run for run in runs if run.api_run_id]
    not_started = [run for run in runs if not run.api_run_id]
    assert started and not_started
    assert {run.status for run in started} == {"completed"}
    assert {run.status for run in not_started} == {"cancelled"}
    page = as_operator.get(reverse("imports:batch", args=[batch.pk])).text
    assert f"({len(not_started)} not started)" in page
