"""One job that changes many spaces: progress n of m, a result per space,
and a retry of the ones that failed.

The worker handles the spaces in slices of a few seconds and sends the rest
as a new message, so a bulk change of thousands never holds a worker long and
picks up where it stopped after a worker restart (done spaces are skipped).
"""

import time

from django.utils import timezone

from dashboard.accounts.models import Connection, User
from dashboard.jobs.models import Job
from dashboard.jobs.service import (
    Continue,
    action,
    cancel_requested,
    enqueue,
    finish,
    is_transient,
    save_progress,
)
from dashboard.spaces import index
from dashboard.spaces.actions import SPACE_READS, restore
from dashboard.spaces.models import DeletedSpace
from gitbook_api import GitBookClient
from gitbook_api.errors import Conflict, GitBookError

SLICE_SECONDS = 5.0
SPACE_ATTEMPTS = 4
OPERATIONS = {
    "lock": "Lock",
    "unlock": "Unlock",
    "move": "Move",
    "delete": "Delete",
    "restore": "Restore",
}
ADMIN_OPERATIONS = {"delete", "restore"}


def request_bulk(
    user: User,
    connection: Connection,
    operation: str,
    space_ids: list[str],
    parent: str | None = None,
    destination: str = "",
) -> Job:
    count = len(space_ids)
    what = f"{OPERATIONS[operation]} {count} space{'s' if count != 1 else ''}"
    if operation == "move":
        what += f" to {destination or 'the top level'}"
    return enqueue(
        user=user,
        connection=connection,
        kind=f"spaces.bulk.{operation}",
        description=what,
        arguments={"space_ids": space_ids, "parent": parent},
        target_title=what,
        after={"operation": operation, "spaces": space_ids, "parent": parent},
    )


def retry_failed(job: Job, user: User) -> Job:
    failed = [
        space_id for space_id, outcome in job.result.get("results", {}).items() if not outcome["ok"]
    ]
    operation = job.kind.rsplit(".", 1)[1]
    return request_bulk(user, job.connection, operation, failed, job.arguments.get("parent"))


def apply_one(operation: str, job: Job, client: GitBookClient, space_id: str) -> None:
    connection_id = job.connection_id
    if operation in ("lock", "unlock"):
        mode = "locked" if operation == "lock" else "live"
        space = client.update_space(space_id, edit_mode=mode)
        index.patch_space(connection_id, space.raw)
    elif operation == "move":
        try:
            space = client.move_space(space_id, parent=job.arguments.get("parent"))
        except Conflict:
            space = client.get_space(space_id)  # already there
        index.patch_space(connection_id, space.raw)
    elif operation == "delete":
        client.delete_space(space_id)
        index.remove_space(connection_id, space_id)
        DeletedSpace.objects.update_or_create(
            connection_id=connection_id,
            space_id=space_id,
            restored_at=None,
            defaults={
                "deleted_by": job.created_by,
                "deleted_at": timezone.now(),
                "title": index.load_index(connection_id).by_id.get(space_id, {}).get("title", ""),
            },
        )
    elif operation == "restore":
        space = restore(client, space_id)
        index.patch_space(connection_id, space.raw)
        DeletedSpace.objects.filter(
            connection_id=connection_id, space_id=space_id, restored_at=None
        ).update(restored_at=timezone.now())


def apply_with_retries(operation: str, job: Job, client: GitBookClient, space_id: str) -> None:
    """Each operation sets a state, so one that met a passing fault (GitBook's
    5xx, a lost answer, a 429) is sent again after a short pause."""
    for attempt in range(SPACE_ATTEMPTS):
        try:
            return apply_one(operation, job, client, space_id)
        except GitBookError as exc:
            if not is_transient(exc) or attempt == SPACE_ATTEMPTS - 1:
                raise
            time.sleep(getattr(exc, "retry_after", None) or 0.5 * 2**attempt)


def run_bulk(operation: str, job: Job, client: GitBookClient) -> dict:
    space_ids = job.arguments["space_ids"]
    result = dict(job.result or {})
    results = result.setdefault("results", {})
    started = time.monotonic()
    for space_id in space_ids:
        if space_id in results:
            continue
        if cancel_requested(job):
            save_progress(job, len(results), len(space_ids), result)
            finish(job, Job.Status.CANCELLED, error="Cancelled; the spaces done so far stay done.")
            return result
        try:
            apply_with_retries(operation, job, client, space_id)
            results[space_id] = {"ok": True}
        except GitBookError as exc:
            results[space_id] = {"ok": False, "error": str(exc)}
        save_progress(job, len(results), len(space_ids), result)
        if time.monotonic() - started > SLICE_SECONDS and len(results) < len(space_ids):
            raise Continue
    failures = sum(1 for outcome in results.values() if not outcome["ok"])
    result["failed"] = failures
    if failures:
        # The job is done, but not all of it worked: say so as its error.
        result["summary"] = f"{failures} of {len(space_ids)} failed"
    return result


def _register(operation: str) -> None:
    @action(f"spaces.bulk.{operation}", invalidates=SPACE_READS)
    def run(job: Job, client: GitBookClient) -> dict:
        return run_bulk(operation, job, client)


for _operation in OPERATIONS:
    _register(_operation)
