"""Following import runs: read them from GitBook, write what changed, come back later.

One follower per connection reads every run that is due: one run is read on
its own, several are read with one list of the organization's active runs
(plus one read of each run that has just left that list). Each run has its
own interval: back to the minimum when it changed, doubled up to the ceiling
while it did not. The follower then sends itself again for the earliest next
read; it never sleeps in a worker.

The database is the truth: a follower message lost with a worker or with
Redis is replaced by the periodic ``resume_overdue`` sweep, which restarts
the follower of any connection whose runs are overdue.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from dashboard.accounts.models import Connection
from dashboard.env import env_float
from dashboard.gitbook.clients import client_for
from dashboard.gitbook.redis import get_redis
from dashboard.imports.models import ImportRun
from dashboard.jobs.models import Job
from gitbook_api import GitBookClient
from gitbook_api.errors import BadRequest, GitBookError, NotFound
from gitbook_api.models import ImportRun as ApiImportRun

log = logging.getLogger(__name__)

BACKOFF_FACTOR = 2.0
# A read of several due runs this close together is one read.
DUE_SLACK = timedelta(seconds=0.3)
# A follower this late is taken for lost and started again.
LATE_SECONDS = 10.0
# Runs read one by one in a pass (those that just finished); the rest wait for the next.
MAX_READS_PER_PASS = 25
LOCK_SECONDS = 120
STATUSES = {choice.value for choice in ImportRun.Status}
MAX_PAGES_KEPT = 1000


def min_interval() -> float:
    return float(getattr(settings, "IMPORT_POLL_MIN_SECONDS", 1.0))


def ceiling() -> float:
    """The longest a running import goes unread (IMPORT_POLL_CEILING_SECONDS)."""
    return float(
        getattr(
            settings,
            "IMPORT_POLL_CEILING_SECONDS",
            env_float("IMPORT_POLL_CEILING_SECONDS", 10.0),
        )
    )


# --- Writing what GitBook says -------------------------------------------------


def pages_of(api_run: ApiImportRun) -> list[dict]:
    return [
        {
            "id": page.id or "",
            "title": (page.title or "")[:300],
            "url": (page.source_url or "")[:2000],
            "status": page.status or "",
        }
        for page in api_run.pages[:MAX_PAGES_KEPT]
    ]


def state_of(run: ImportRun, api_run: ApiImportRun) -> dict:
    pages = pages_of(api_run)
    status = api_run.status if api_run.status in STATUSES else run.status
    return {
        "status": status,
        "pages": pages,
        "pages_known": len(pages),
        "pages_complete": sum(1 for page in pages if page["status"] == "complete"),
        "reason": (api_run.reason or "")[:2000] if status == ImportRun.Status.FAILED else "",
    }


def record(run: ImportRun, api_run: ApiImportRun, *, was_due: bool) -> bool:
    """Write the run as GitBook has it; returns whether it changed."""
    now = timezone.now()
    state = state_of(run, api_run)
    changed = any(getattr(run, name) != value for name, value in state.items())
    if changed:
        interval = min_interval()
        state["last_change_at"] = now
    elif was_due:
        interval = min(ceiling(), max(min_interval(), run.poll_interval * BACKOFF_FACTOR))
    else:
        interval = run.poll_interval
    state["poll_interval"] = interval
    if state["status"] in ImportRun.FINISHED:
        state["next_poll_at"] = None
        state["finished_at"] = run.finished_at or now
    else:
        state["next_poll_at"] = now + timedelta(seconds=interval)
    # Never over a finished state written meanwhile (a cancel answered first).
    ImportRun.objects.filter(pk=run.pk, status__in=ImportRun.UNFINISHED).update(
        reads=run.reads + 1, **state
    )
    return changed


def record_start(run: ImportRun, api_run: ApiImportRun) -> None:
    now = timezone.now()
    state = state_of(run, api_run)
    if state["status"] == ImportRun.Status.STARTING:
        state["status"] = ImportRun.Status.PENDING
    finished = state["status"] in ImportRun.FINISHED
    ImportRun.objects.filter(pk=run.pk).update(
        api_run_id=api_run.id,
        started_at=now,
        last_change_at=now,
        poll_interval=min_interval(),
        next_poll_at=None if finished else now + timedelta(seconds=min_interval()),
        finished_at=now if finished else None,
        **state,
    )
    if not finished:
        schedule_follow(run.connection_id, now + timedelta(seconds=min_interval()))


def finish_unstarted(run: ImportRun, status: str, reason: str) -> None:
    ImportRun.objects.filter(pk=run.pk, api_run_id="", status=ImportRun.Status.STARTING).update(
        status=status, reason=reason[:2000], finished_at=timezone.now(), next_poll_at=None
    )


def mark_lost(run: ImportRun, exc: GitBookError) -> None:
    ImportRun.objects.filter(pk=run.pk, status__in=ImportRun.UNFINISHED).update(
        status=ImportRun.Status.FAILED,
        reason=f"GitBook no longer knows this import run: {exc.message}"[:2000],
        finished_at=timezone.now(),
        next_poll_at=None,
    )


def cancel_at_gitbook(run: ImportRun, client: GitBookClient) -> str:
    """Cancel a started run and write the outcome; returns the run's status."""
    org_id = run.connection.organization_id
    try:
        api_run = client.cancel_import_run(org_id, run.api_run_id)
    except BadRequest:
        # Already finished (perhaps by the time the cancel arrived): say how.
        api_run = client.get_import_run(org_id, run.api_run_id)
    except NotFound as exc:
        mark_lost(run, exc)
        return ImportRun.Status.FAILED
    record(run, api_run, was_due=False)
    return api_run.status or ""


# --- The follower ----------------------------------------------------------------


def follow(connection_id: int) -> None:
    """One pass of a connection's follower, then the next one scheduled."""
    redis = get_redis()
    lock = f"gb:{connection_id}:imports:follow-lock"
    if not redis.set(lock, 1, nx=True, ex=LOCK_SECONDS):
        return  # another pass runs; it schedules the next one
    try:
        # This wake-up has come: the next one is for this pass to schedule.
        wake = redis.get(wake_key(connection_id))
        if wake is not None and float(wake) <= time.time():
            redis.delete(wake_key(connection_id))
        connection = Connection.objects.filter(pk=connection_id).first()
        if connection is None:
            return
        read_due_runs(connection)
    finally:
        redis.delete(lock)
    schedule_next(connection_id)


def read_due_runs(connection: Connection) -> None:
    now = timezone.now()
    active = list(
        ImportRun.objects.filter(connection=connection, status__in=ImportRun.ACTIVE).exclude(
            api_run_id=""
        )
    )
    due = {
        run.pk for run in active if run.next_poll_at is None or run.next_poll_at <= now + DUE_SLACK
    }
    if not due:
        return
    client = client_for(connection)
    org_id = connection.organization_id
    listed: dict[str, ApiImportRun] | None = None
    if len(due) > 1:
        try:
            listed = list_active_runs(client, connection)
        except GitBookError as exc:
            log.warning("Listing the import runs of connection %s failed: %s", connection.pk, exc)
            back_off([run for run in active if run.pk in due])
            return
    reads_left = MAX_READS_PER_PASS
    for run in active:
        api_run = listed.get(run.api_run_id) if listed is not None else None
        # Not in the list of active runs: it has just finished, read it now.
        must_read = run.pk in due or listed is not None
        if api_run is None and must_read and reads_left > 0:
            reads_left -= 1
            count_calls(connection.pk)
            try:
                api_run = client.get_import_run(org_id, run.api_run_id)
            except NotFound as exc:
                mark_lost(run, exc)
                continue
            except GitBookError as exc:
                log.warning("Reading import run %s failed: %s", run.api_run_id, exc)
                back_off([run])
                continue
        if api_run is not None:
            record(run, api_run, was_due=run.pk in due)


def list_active_runs(client: GitBookClient, connection: Connection) -> dict[str, ApiImportRun]:
    runs: dict[str, ApiImportRun] = {}
    cursor = None
    while True:
        count_calls(connection.pk)
        page = client.list_import_runs_page(
            connection.organization_id, status="active", page=cursor, limit=1000
        )
        runs.update((run.id, run) for run in page.items)
        cursor = page.next_page
        if not cursor:
            return runs


def back_off(runs: list[ImportRun]) -> None:
    now = timezone.now()
    for run in runs:
        interval = min(ceiling(), max(min_interval(), run.poll_interval * BACKOFF_FACTOR))
        ImportRun.objects.filter(pk=run.pk).update(
            poll_interval=interval, next_poll_at=now + timedelta(seconds=interval)
        )


def count_calls(connection_id: int, calls: int = 1) -> None:
    get_redis().incrby(calls_key(connection_id), calls)


def follow_calls(connection_id: int) -> int:
    """API calls the follower spent on this connection's runs (for the benchmark)."""
    return int(get_redis().get(calls_key(connection_id)) or 0)


def calls_key(connection_id: int) -> str:
    return f"gb:{connection_id}:imports:follow-calls"


# --- Scheduling ----------------------------------------------------------------------


def wake_key(connection_id: int) -> str:
    return f"gb:{connection_id}:imports:follow-at"


def schedule_next(connection_id: int) -> None:
    next_at = (
        ImportRun.objects.filter(connection_id=connection_id, status__in=ImportRun.ACTIVE)
        .exclude(api_run_id="")
        .aggregate(next_at=Min("next_poll_at"))["next_at"]
    )
    if next_at is not None:
        schedule_follow(connection_id, next_at)


def schedule_follow(connection_id: int, at: datetime, *, force: bool = False) -> bool:
    """Make sure the connection's follower runs by ``at``; True if a message was sent."""
    from dashboard.imports.tasks import follow_imports

    redis = get_redis()
    key = wake_key(connection_id)
    now, wanted = time.time(), at.timestamp()
    stored = redis.get(key)
    if not force and stored is not None and now - LATE_SECONDS <= float(stored) <= wanted + 0.05:
        return False  # a wake-up at or before that time is on its way
    redis.set(key, wanted, ex=int(ceiling() + LATE_SECONDS + 60))
    try:
        follow_imports.apply_async((connection_id,), countdown=max(0.0, wanted - now))
    except Exception as exc:  # the broker's errors vary with the transport
        log.warning("Cannot schedule the import follower of %s: %s", connection_id, exc)
        redis.delete(key)
        return False
    return True


def resume_overdue() -> int:
    """Restart the followers whose runs are overdue (their message was lost), and
    settle the runs whose start job ended without starting them."""
    settle_orphans()
    cutoff = timezone.now() - timedelta(seconds=LATE_SECONDS)
    connection_ids = set(
        ImportRun.objects.filter(
            status__in=ImportRun.ACTIVE, next_poll_at__lt=cutoff, connection__isnull=False
        )
        .exclude(api_run_id="")
        .values_list("connection_id", flat=True)
    )
    for connection_id in connection_ids:
        schedule_follow(connection_id, timezone.now(), force=True)
    return len(connection_ids)


def settle_orphans() -> None:
    now = timezone.now()
    starting = ImportRun.objects.filter(status=ImportRun.Status.STARTING, api_run_id="")
    starting.filter(connection__isnull=True).update(
        status=ImportRun.Status.FAILED,
        reason="The organization connection was removed.",
        finished_at=now,
    )
    for run in starting.filter(job__status__in=Job.FINISHED).select_related("job"):
        if run.job.status == Job.Status.CANCELLED:
            status, reason = ImportRun.Status.CANCELLED, "The start was cancelled."
        else:
            status = ImportRun.Status.FAILED
            reason = run.job.error or "The job that was to start this import ended without it."
        finish_unstarted(run, status, reason)
    ImportRun.objects.filter(status__in=ImportRun.ACTIVE, connection__isnull=True).update(
        status=ImportRun.Status.FAILED,
        reason="The organization connection was removed.",
        finished_at=now,
        next_poll_at=None,
    )
