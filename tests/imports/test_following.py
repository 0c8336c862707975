"""The follower's pace: back off while nothing changes, one list call for many runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.imports import following
from dashboard.imports.models import ImportRun
from gitbook_api.models import ImportRun as ApiImportRun
from tests.conftest import fake_calls, fake_post

pytestmark = pytest.mark.django_db


def api_run(status: str, pages: list[str]) -> ApiImportRun:
    return ApiImportRun.from_api(
        {
            "id": "run-1",
            "status": status,
            "pages": [
                {"id": f"p{n}", "status": state, "sourceURL": f"https://docs.example.com/{n}"}
                for n, state in enumerate(pages)
            ],
        }
    )


def test_the_interval_doubles_while_nothing_changes_and_drops_when_pages_arrive(
    fast_connection, settings
):
    settings.IMPORT_POLL_MIN_SECONDS = 1.0
    settings.IMPORT_POLL_CEILING_SECONDS = 10.0
    run = ImportRun.objects.create(
        connection=fast_connection, source_url="https://docs.example.com/", api_run_id="run-1"
    )
    intervals = []
    for _ in range(5):
        run.refresh_from_db()
        following.record(run, api_run("pending", []), was_due=True)
        intervals.append(ImportRun.objects.get(pk=run.pk).poll_interval)
    run.refresh_from_db()
    changed = following.record(run, api_run("in-progress", ["pending"]), was_due=True)
    run.refresh_from_db()

    # The first read of a new run sees it pending: a change from "starting".
    assert intervals == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert changed
    assert run.poll_interval == 1.0
    assert run.next_poll_at - timezone.now() < timedelta(seconds=1.1)
    assert (run.status, run.pages_known, run.pages_complete) == ("in-progress", 1, 0)


def test_a_finished_run_is_read_no_more_and_keeps_its_finished_state(fast_connection):
    run = ImportRun.objects.create(
        connection=fast_connection, source_url="https://docs.example.com/", api_run_id="run-1"
    )

    following.record(run, api_run("completed", ["complete", "complete"]), was_due=True)
    run.refresh_from_db()
    following.record(run, api_run("in-progress", ["complete"]), was_due=True)
    run.refresh_from_db()

    assert (run.status, run.pages_complete, run.next_poll_at) == ("completed", 2, None)
    assert run.finished_at is not None


def test_several_due_runs_are_read_with_one_list_call(fast_connection, fake, websites):
    fake.clock.freeze()
    space = next(s for s in fake.world.spaces.values() if s.org_id == fake.org_id)
    body = {
        "source": {"type": "website", "url": f"{websites}/site-2/"},
        "target": {"space": space.id},
    }
    runs = []
    for _ in range(3):
        started = fake_post(fake, f"/org/{fake.org_id}/imports", body)
        runs.append(
            ImportRun.objects.create(
                connection=fast_connection,
                source_url=body["source"]["url"],
                space_id=space.id,
                api_run_id=started["id"],
                status=ImportRun.Status.PENDING,
                next_poll_at=timezone.now(),
            )
        )
    assert fake.wait_for_imports()
    lists, gets = fake_calls(fake, "listImportRuns"), fake_calls(fake, "getImportRun")

    fake.clock.advance(seconds=0.06)
    following.read_due_runs(fast_connection)

    assert fake_calls(fake, "listImportRuns") == lists + 1
    assert fake_calls(fake, "getImportRun") == gets
    assert {run.status for run in ImportRun.objects.all()} == {"in-progress"}

    fake.clock.advance(seconds=5)
    ImportRun.objects.update(next_poll_at=timezone.now())
    following.read_due_runs(fast_connection)

    # They left the list of active runs: each is read once, to see how it ended.
    assert fake_calls(fake, "listImportRuns") == lists + 2
    assert fake_calls(fake, "getImportRun") == gets + 3
    assert {run.status for run in ImportRun.objects.all()} == {"completed"}
    assert following.follow_calls(fast_connection.pk) == 5
