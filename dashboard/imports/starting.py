"""Starting one import: create the target space if asked, then start the run.

Both calls create something, so each is recorded on the run before it is sent.
A later attempt (the answer was lost, the worker died) first looks for what
the earlier one made: a space created since with that title, a run in that
space started since for that site. Nothing is made twice.
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from dashboard.imports import following
from dashboard.imports.models import ImportRun
from dashboard.jobs.models import Job
from dashboard.spaces import index
from gitbook_api import GitBookClient
from gitbook_api.errors import GitBookError
from gitbook_api.models import ImportRun as ApiImportRun
from gitbook_api.models import Space

log = logging.getLogger(__name__)

# GitBook's clock and ours differ a little.
CLOCK_SLACK = timedelta(seconds=5)


class StartRefused(Exception):
    """GitBook refused to start this import; the run is marked failed with the reason."""


def start_run(run: ImportRun, client: GitBookClient, job: Job | None = None) -> None:
    """Bring a run from "starting" to started; safe to call again after any failure.

    Raises a transient GitBookError for the job to retry later, or StartRefused.
    """
    connection = run.connection
    org_id = connection.organization_id
    run.refresh_from_db()
    if run.status != ImportRun.Status.STARTING:
        return
    if run.cancel_requested and not run.api_run_id:
        following.finish_unstarted(run, ImportRun.Status.CANCELLED, "Cancelled before it started.")
        return
    try:
        if not run.space_id:
            space = create_target_space(run, client, org_id)
            index.patch_space(connection.pk, space.raw)
            run.space_id = space.id
            run.save(update_fields=["space_id"])
        api_run = start_import(run, client, org_id, job)
    except GitBookError as exc:
        if is_refusal(exc):
            following.finish_unstarted(run, ImportRun.Status.FAILED, exc.message)
            raise StartRefused(exc.message) from exc
        raise
    following.record_start(run, api_run)
    run.refresh_from_db()
    if run.cancel_requested and not run.finished:
        # Asked to cancel while the start was on its way: do it now.
        following.cancel_at_gitbook(run, client)


def is_refusal(exc: GitBookError) -> bool:
    """GitBook said no (bad input, no right, no such space): repeating will not help."""
    from dashboard.jobs.service import is_transient

    return not is_transient(exc)


def create_target_space(run: ImportRun, client: GitBookClient, org_id: str) -> Space:
    if run.space_sent_at and (found := find_created_space(client, org_id, run)):
        return found
    run.space_sent_at = timezone.now()
    run.save(update_fields=["space_sent_at"])
    return client.create_space(
        org_id, title=run.space_title, parent=run.new_space_collection or None, empty=True
    )


def find_created_space(client: GitBookClient, org_id: str, run: ImportRun) -> Space | None:
    """The space an earlier attempt created for this run, if its answer was lost."""
    since = run.space_sent_at - CLOCK_SLACK
    taken = set(
        ImportRun.objects.filter(connection_id=run.connection_id, new_space=True)
        .exclude(pk=run.pk)
        .exclude(space_id="")
        .values_list("space_id", flat=True)
    )
    for space in client.list_spaces(org_id):
        if space.id in taken or space.created_at is None or space.created_at < since:
            continue
        if space.title == run.space_title:
            return space
    return None


def start_import(
    run: ImportRun, client: GitBookClient, org_id: str, job: Job | None
) -> ApiImportRun:
    if run.start_sent_at and (found := find_started_run(client, org_id, run)):
        return found
    run.start_sent_at = timezone.now()
    run.save(update_fields=["start_sent_at"])
    if job is not None and job.kind == "imports.start":
        job.sent_at = run.start_sent_at
        job.save(update_fields=["sent_at"])
    return client.start_import(
        org_id,
        url=run.source_url,
        space=run.space_id,
        change_request=run.change_request or None,
        page=run.page_id or None,
        enhance=run.enhance,
    )


def find_started_run(client: GitBookClient, org_id: str, run: ImportRun) -> ApiImportRun | None:
    """The run an earlier attempt started, found in the space's list of runs."""
    since = run.start_sent_at - CLOCK_SLACK
    known = set(
        ImportRun.objects.filter(connection_id=run.connection_id, space_id=run.space_id)
        .exclude(pk=run.pk)
        .exclude(api_run_id="")
        .values_list("api_run_id", flat=True)
    )
    for candidate in client.list_import_runs(
        org_id, space=run.space_id, change_request=run.change_request or None
    ):
        if candidate.id in known:
            continue
        if candidate.started_at is not None and candidate.started_at < since:
            continue
        if from_same_site(candidate, run.source_url):
            return candidate
    return None


def from_same_site(candidate: ApiImportRun, url: str) -> bool:
    """Runs do not say their source; their pages do, once there are some."""
    if not candidate.pages:
        return True
    origin = urlsplit(url).netloc.lower()
    return any(
        page.source_url and urlsplit(page.source_url).netloc.lower() == origin
        for page in candidate.pages
    )
