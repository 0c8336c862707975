"""What a worker does for each kind of import job. Views enqueue; these run.

``imports.start`` starts one run, ``imports.batch`` starts the runs of a bulk
import a few seconds at a time, ``imports.cancel`` cancels one run. Following
the runs once started is not a job: see ``following.py``.
"""

import time
from contextlib import suppress

from dashboard.imports import following
from dashboard.imports.models import ImportBatch, ImportRun
from dashboard.imports.starting import StartRefused, start_run
from dashboard.jobs.models import Job
from dashboard.jobs.service import Continue, action, cancel_requested, save_progress
from dashboard.spaces.actions import SPACE_READS
from gitbook_api import GitBookClient

SLICE_SECONDS = 2.0


@action("imports.start", invalidates=SPACE_READS)
def start_one(job: Job, client: GitBookClient) -> dict:
    run = run_for_job(job)
    try:
        start_run(run, client, job)
    except StartRefused as refused:
        # The job fails with GitBook's own words, as every refused job does.
        raise refused.__cause__ from None
    run.refresh_from_db()
    if run.status == ImportRun.Status.CANCELLED and not run.api_run_id:
        return {"run": run.pk, "note": run.reason}
    return {"run": run.pk, "import": run.api_run_id, "space": run.space_id}


def run_for_job(job: Job) -> ImportRun:
    """The run this job starts; a job retried from the jobs page gets a new run
    with the same source and target (the space an earlier run created, if any)."""
    run = ImportRun.objects.filter(job=job).select_related("connection").first()
    if run is not None:
        return run
    arguments = job.arguments
    previous = ImportRun.objects.filter(job_id=job.retry_of_id).first() if job.retry_of_id else None
    space_id = arguments.get("space") or (previous.space_id if previous else "")
    run = ImportRun.objects.create(
        connection=job.connection,
        job=job,
        retry_of=previous,
        created_by=job.created_by,
        source_url=arguments["url"],
        space_id=space_id,
        space_title=arguments.get("space_title", ""),
        new_space=arguments.get("new_space", False),
        new_space_collection=arguments.get("collection", ""),
        change_request=arguments.get("change_request", ""),
        page_id=arguments.get("page", ""),
        enhance=arguments.get("enhance", True),
    )
    return ImportRun.objects.select_related("connection").get(pk=run.pk)


@action("imports.batch", invalidates=SPACE_READS)
def start_batch(job: Job, client: GitBookClient) -> dict:
    """Start the runs of a batch in slices of a few seconds, so other jobs go between."""
    batch_id = job.arguments["batch"]
    runs = ImportRun.objects.filter(batch_id=batch_id).select_related("connection").order_by("pk")
    # A retry of the batch job takes over the runs the first one left.
    runs.filter(status=ImportRun.Status.STARTING).exclude(job=job).update(job=job)
    ImportBatch.objects.filter(pk=batch_id).exclude(job=job).update(job=job)
    total = runs.count()
    began = time.monotonic()
    for run in runs.filter(status=ImportRun.Status.STARTING):
        if cancel_requested(job):
            for left in runs.filter(status=ImportRun.Status.STARTING, api_run_id=""):
                following.finish_unstarted(
                    left, ImportRun.Status.CANCELLED, "The batch was cancelled before it started."
                )
            save_progress(job, *batch_progress(runs, total))
            stopped = "Stopped on request; the imports already started go on."
            return {**batch_result(runs), "stopped": stopped}
        # A refused run says why; the others go on.
        with suppress(StartRefused):
            start_run(run, client)
        save_progress(job, *batch_progress(runs, total))
        slice_over = time.monotonic() - began > SLICE_SECONDS
        if slice_over and runs.filter(status=ImportRun.Status.STARTING).exists():
            raise Continue
    save_progress(job, *batch_progress(runs, total))
    return batch_result(runs)


def batch_progress(runs, total: int) -> tuple[int, int, dict]:
    left = runs.filter(status=ImportRun.Status.STARTING).count()
    return total - left, total, {}


def batch_result(runs) -> dict:
    started = runs.exclude(api_run_id="").count()
    not_started = runs.filter(api_run_id="").exclude(status=ImportRun.Status.STARTING).count()
    return {"started": started, "not_started": not_started}


@action("imports.cancel")
def cancel_one(job: Job, client: GitBookClient) -> dict:
    run = ImportRun.objects.filter(pk=job.arguments["run"]).select_related("connection").first()
    if run is None:
        return {"note": "The import is no longer recorded."}
    ImportRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    run.refresh_from_db()
    if run.finished:
        return {"run": run.pk, "status": run.status, "note": f"It had already {run.status}."}
    if not run.api_run_id:
        # The start job sees the request and stops before sending anything.
        return {"run": run.pk, "note": "It will not be started."}
    status = following.cancel_at_gitbook(run, client)
    return {"run": run.pk, "status": status}
