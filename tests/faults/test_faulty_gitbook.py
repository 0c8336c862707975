"""200 mixed jobs against a GitBook that fails one call in five (500s, 502s,
503s, timeouts, dropped connections, half of the lost answers after the change
was made) behind a tight rate limit: every job ends, succeeded or failed with
the API's reason, and GitBook holds each change exactly once."""

import pytest
from django.db.models import Count

from dashboard.imports.changes import Target, request_import
from dashboard.imports.models import ImportRun
from dashboard.jobs.models import Job
from dashboard.links import scans
from dashboard.spaces import changes
from dashboard.spaces.bulk import request_bulk
from tests.conftest import fake_api, fake_request, wait_until
from tests.links.helpers import connect, fake_pages, running_fake

pytestmark = pytest.mark.django_db(transaction=True)

EDITS = 128
MOVES = 25
DELETES = 20
RESTORES = 10
DUPLICATES = 10
BULK_LOCKS = 20
IMPORTS = 5
COPY_SUFFIX = " (copy)"


def test_two_hundred_mixed_jobs_against_a_failing_rate_limited_gitbook(
    admin, settings, celery_worker_thread, websites
):
    # A timeout fault holds the answer longer than the console waits.
    settings.GITBOOK_TIMEOUT = 1.0
    with running_fake(seed=51, spaces=300, links_per_space=10) as fake:
        connection = connect(fake)
        org = fake.org_id
        spaces = [s for s in fake_pages(fake, f"/orgs/{org}/spaces") if s["editMode"] == "live"]
        collection = fake_api(fake, f"/orgs/{org}/collections")["items"][0]["id"]
        moved = [space for space in spaces if space.get("parent") != collection][:MOVES]
        picks = iter(space for space in spaces if space not in moved)

        def take(count: int) -> list[dict]:
            return [next(picks) for _ in range(count)]

        edited, deleted = take(EDITS), take(DELETES)
        restored, copied, locked = take(RESTORES), take(DUPLICATES), take(BULK_LOCKS)
        import_targets = take(IMPORTS)
        # Titles no other space starts with: a duplicate is known by its title.
        for number, space in enumerate(copied):
            space["title"] = f"Source {number} to copy"
            fake_request(fake, "PATCH", f"/spaces/{space['id']}", {"title": space["title"]})
        for space in restored:
            fake_request(fake, "DELETE", f"/spaces/{space['id']}")

        fake.configure(fault_rate=0.2, fault_timeout_s=1.5, rate_limit="25/1")
        fake.reset_stats()
        jobs = {"edit": [], "move": [], "delete": [], "restore": [], "duplicate": []}
        for number, space in enumerate(edited):
            title = f"Edited {number:03}"
            job = changes.request_update(admin, connection, space, {"title": title})
            jobs["edit"].append((job, space, title))
        for space in moved:
            arguments = {"parent": collection}
            job = changes.request_move(admin, connection, space, arguments, "the collection")
            jobs["move"].append((job, space, collection))
        for space in deleted:
            jobs["delete"].append((changes.request_delete(admin, connection, space), space, None))
        for space in restored:
            job = changes.request_restore(admin, connection, space["id"], space["title"])
            jobs["restore"].append((job, space, None))
        for space in copied:
            job = changes.request_duplicate(admin, connection, space)
            jobs["duplicate"].append((job, space, None))
        bulk = request_bulk(admin, connection, "lock", [space["id"] for space in locked])
        scan = scans.start_scan(admin, connection)
        runs = [
            request_import(
                admin,
                connection,
                f"{websites}/site-{3 + number}/",
                Target(space_id=space["id"], title=space["title"]),
            )
            for number, space in enumerate(import_targets)
        ]
        assert Job.objects.count() == 200

        def unfinished():
            return (
                Job.objects.exclude(status__in=Job.FINISHED).count()
                + ImportRun.objects.filter(status__in=ImportRun.ACTIVE).count()
            )

        wait_until(unfinished, lambda left: left == 0, seconds=600, step=1)
        stats = fake.stats()
        world = fake.world

    statuses = dict(Job.objects.values_list("status").annotate(Count("pk")))
    assert stats["faults"] > 50, stats
    assert stats["rate_limited"] < stats["total"] / 10, stats
    for job in Job.objects.filter(status=Job.Status.FAILED):
        assert job.error, f"job {job.pk} ({job.kind}) failed without a reason"
    assert set(statuses) <= {Job.Status.SUCCEEDED, Job.Status.FAILED}, statuses

    def succeeded(job: Job) -> bool:
        return Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED

    # The state checks below look at succeeded jobs: each kind must have some.
    for kind, kind_jobs in jobs.items():
        assert any(succeeded(job) for job, _, _ in kind_jobs), f"no {kind} job succeeded"

    for job, space, title in jobs["edit"]:
        if succeeded(job):
            assert world.spaces[space["id"]].title == title
    for job, space, parent in jobs["move"]:
        if succeeded(job):
            assert world.spaces[space["id"]].parent_id == parent
    for job, space, _ in jobs["delete"]:
        if succeeded(job):
            assert world.spaces[space["id"]].deleted_at is not None
    for job, space, _ in jobs["restore"]:
        if succeeded(job):
            assert world.spaces[space["id"]].deleted_at is None
    for job, space, _ in jobs["duplicate"]:
        copies = [s for s in world.spaces.values() if s.title == space["title"] + COPY_SUFFIX]
        if succeeded(job):
            assert len(copies) == 1, space["title"]
        else:
            assert len(copies) <= 1, space["title"]

    bulk.refresh_from_db()
    assert bulk.status == Job.Status.SUCCEEDED, bulk.error
    assert set(bulk.result["results"]) == {space["id"] for space in locked}
    for space_id, outcome in bulk.result["results"].items():
        assert outcome["ok"] == (world.spaces[space_id].edit_mode == "locked"), outcome

    scan.refresh_from_db()
    assert scan.finished and (scan.status == "succeeded" or scan.error), scan.status

    for run, space in zip(runs, import_targets, strict=True):
        run.refresh_from_db()
        started_there = [r for r in world.imports.values() if r.space_id == space["id"]]
        if run.api_run_id:
            assert [r.id for r in started_there] == [run.api_run_id]
            assert run.status == ImportRun.Status.COMPLETED, run.reason
        else:
            assert started_there == [] and run.reason
