"""A worker killed with SIGKILL halfway through a bulk job, a link scan and an
import: a new worker finishes each of them, and nothing is done twice."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.imports import following
from dashboard.imports.changes import Target, request_import
from dashboard.imports.models import ImportRun
from dashboard.jobs import service
from dashboard.jobs.models import Job
from dashboard.links import scans
from dashboard.links.models import LinkScan
from dashboard.spaces.bulk import request_bulk
from tests.conftest import fake_calls, wait_until
from tests.faults.conftest import WORKER_LOST_AFTER
from tests.links.helpers import (
    assert_exact,
    connect,
    expected_counts,
    fake_pages,
    running_fake,
)

pytestmark = pytest.mark.django_db(transaction=True)

LOCKED_SPACES = 40
IMPORTED_PAGES = 20


def beat_sweeps() -> None:
    """What Celery beat runs every few seconds to take over a dead worker's work."""
    service.resend_stuck_jobs()
    scans.resume_stalled_scans()
    following.resume_overdue()


def test_a_new_worker_finishes_what_a_killed_one_left_without_doing_anything_twice(
    operator, own_broker, worker_processes, websites
):
    # 300 ms a call, two pages of links a space and a slow import: each piece
    # takes long enough to be cut in half.
    with running_fake(
        seed=23,
        spaces=80,
        links_per_space=120,
        broken_share=0.9,
        latency_ms=300,
        import_speed=2,
    ) as fake:
        connection = connect(fake)
        spaces = fake_pages(fake, f"/orgs/{fake.org_id}/spaces")
        unlocked = [space["id"] for space in spaces if space["editMode"] != "locked"]
        locking = unlocked[:LOCKED_SPACES]
        import_target = unlocked[LOCKED_SPACES]

        first_worker = worker_processes.start()
        # The import's start job is short: it goes first, so that all three are
        # under way a few seconds after the worker started.
        run = request_import(
            operator,
            connection,
            f"{websites}/site-{IMPORTED_PAGES}/",
            Target(space_id=import_target, title="Import target"),
        )
        bulk = request_bulk(operator, connection, "lock", locking)
        scan = scans.start_scan(operator, connection)

        def halfway():
            bulk_done = Job.objects.get(pk=bulk.pk).progress_done
            current_scan = LinkScan.objects.get(pk=scan.pk)
            current_run = ImportRun.objects.get(pk=run.pk)
            return bulk_done, current_scan, current_run

        bulk_done, scan_at_kill, run_at_kill = wait_until(
            halfway,
            lambda state: (
                (state[0] >= 3 and state[1].parts_done >= 1 and state[2].api_run_id)
                or state[2].finished
            ),
            seconds=90,
        )
        worker_processes.kill(first_worker)
        updates_before_kill = fake_calls(fake, "updateSpace")
        # Each of the three was cut off halfway, not found already finished.
        assert run_at_kill.status in ImportRun.ACTIVE, run_at_kill.reason
        assert bulk_done < LOCKED_SPACES, worker_processes.log_of(first_worker)
        assert not scan_at_kill.finished

        worker_processes.start()

        def everything_finished():
            beat_sweeps()
            return (
                Job.objects.get(pk=bulk.pk),
                LinkScan.objects.get(pk=scan.pk),
                ImportRun.objects.get(pk=run.pk),
            )

        bulk, scan, run = wait_until(
            everything_finished,
            lambda state: state[0].finished and state[1].finished and state[2].finished,
            seconds=120,
            step=WORKER_LOST_AFTER / 3,
        )
        fake.configure(latency_ms=0)
        expected_links = expected_counts(fake)
        updates = fake_calls(fake, "updateSpace")
        import_starts = fake_calls(fake, "startImportRun")
        locked_now = {i for i in locking if fake.world.spaces[i].edit_mode == "locked"}

    assert bulk.status == Job.Status.SUCCEEDED, bulk.error
    assert set(bulk.result["results"]) == set(locking)
    assert all(outcome["ok"] for outcome in bulk.result["results"].values())
    assert locked_now == set(locking)
    # Spaces done before the kill were not sent again; at most the one in flight was.
    assert updates_before_kill <= updates <= LOCKED_SPACES + 1

    assert scan.status == LinkScan.Status.SUCCEEDED, scan.error
    assert_exact(scan, expected_links)

    assert run.status == ImportRun.Status.COMPLETED, run.reason
    assert run.pages_complete == IMPORTED_PAGES
    assert import_starts == 1


def test_a_job_held_by_a_live_worker_is_not_taken_over(operator, connection, settings):
    """The lease is renewed while the job runs, so only a dead worker loses it."""
    settings.WORKER_LOST_AFTER = 1
    claimed_at = timezone.now()
    job = Job.objects.create(
        connection=connection,
        kind="space.update",
        description="A slow change",
        status=Job.Status.RUNNING,
        created_by=operator,
        lease_until=claimed_at + timedelta(seconds=1),
    )

    with service.lease_renewed(job.pk):
        time.sleep(2.5)
        held = Job.objects.get(pk=job.pk)
        taken_over = service.resend_stuck_jobs()

    assert held.lease_until > claimed_at + timedelta(seconds=2)
    assert taken_over == 0
