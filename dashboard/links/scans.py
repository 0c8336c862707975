"""Scans: started as a job, prepared, worked on by lanes of workers, finished once.

The job's action is the coordinator. Its first run lists what to scan (the
spaces, from the spaces index, and the sites), asks which sources this
organization's API offers, and writes one part per space and site. Then every
run works on parts for a few seconds, makes sure the helper lanes (plain
Celery tasks that do the same work) are out, and sends itself again; the run
that finds every part finished counts the results, compares them with the
previous scan and ends the job. Nothing holds a worker for more than a slice.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dashboard.accounts.models import Connection, Role, User
from dashboard.gitbook.redis import get_redis
from dashboard.jobs.models import Job
from dashboard.jobs.service import (
    Continue,
    action,
    cancel,
    cancel_requested,
    enqueue,
    finish,
    is_transient,
    save_progress,
    send,
)
from dashboard.links import counting, scanning
from dashboard.links.models import LinkScan, ScanPart
from dashboard.spaces import index
from dashboard.spaces import tasks as space_tasks
from gitbook_api import GitBookClient
from gitbook_api.errors import GitBookError, NotFound

log = logging.getLogger(__name__)

SLICE_SECONDS = 5.0
LANES = 3  # the coordinator and two helpers
POLL_SECONDS = 0.2
# The spaces index is walked again before a scan when it is older than this.
INDEX_FRESH_SECONDS = 300


def start_scan(
    user: User,
    connection: Connection,
    *,
    space_id: str = "",
    space_title: str = "",
    trigger: str = LinkScan.Trigger.MANUAL,
) -> LinkScan:
    """Start a scan of the organization (or of one space), or return the one running."""
    scope = LinkScan.Scope.SPACE if space_id else LinkScan.Scope.ORGANIZATION
    with transaction.atomic():
        running = LinkScan.objects.filter(
            connection=connection, scope=scope, space_id=space_id, status__in=LinkScan.OPEN
        ).first()
        if running is not None:
            return running
        if space_id:
            what = f"Scan the links of {space_title or space_id}"
        else:
            what = f"Scan the links of {connection.name}"
        job = enqueue(
            user=user,
            connection=connection,
            kind="links.scan",
            description=what,
            arguments={"space_id": space_id, "trigger": trigger},
            target_id=space_id,
            target_title=space_title or connection.name,
            after={"scope": scope, "trigger": trigger},
        )
        return LinkScan.objects.create(
            connection=connection, job=job, scope=scope, space_id=space_id, trigger=trigger
        )


def scan_for_job(job: Job) -> LinkScan:
    """The job's scan; a retried job starts a new scan with the same scope."""
    scan = LinkScan.objects.filter(job=job).select_related("connection").first()
    if scan is None:
        space_id = job.arguments.get("space_id", "")
        scan = LinkScan.objects.create(
            connection=job.connection,
            job=job,
            scope=LinkScan.Scope.SPACE if space_id else LinkScan.Scope.ORGANIZATION,
            space_id=space_id,
            trigger=job.arguments.get("trigger", LinkScan.Trigger.MANUAL),
        )
    return scan


@action("links.scan")
def run_scan(job: Job, client: GitBookClient) -> dict:
    scan = scan_for_job(job)
    try:
        return coordinate(scan, job, client)
    except ScanCancelled:
        scan.refresh_from_db()
        result = {**summary(scan), "cancelled": True}
        # Settled here: the job runner keeps a job its action already finished.
        finish(job, Job.Status.CANCELLED, result=result, error=CANCELLED_NOTE)
        return result


def coordinate(scan: LinkScan, job: Job, client: GitBookClient) -> dict:
    if scan.finished:
        return summary(scan)
    now = timezone.now()
    LinkScan.objects.filter(pk=scan.pk).update(
        status=LinkScan.Status.RUNNING, started_at=scan.started_at or now, heartbeat_at=now
    )
    if cancel_requested(job):
        stop_cancelled(scan)
    if not scan.prepared:
        try:
            prepare(scan, client)
        except GitBookError as exc:
            if not is_transient(exc):
                LinkScan.objects.filter(pk=scan.pk).update(
                    status=LinkScan.Status.FAILED, finished_at=timezone.now(), error=str(exc)
                )
            raise
        scan.refresh_from_db()
    deadline = time.monotonic() + SLICE_SECONDS
    send_lanes(scan)
    outcome = scanning.work(scan, deadline)
    # What is left is in other lanes' hands, or waits for the rate limit: wait
    # for it here, a slice at most, then let other jobs have the worker.
    while ScanPart.objects.filter(scan=scan, status__in=ScanPart.OPEN).exists():
        report_progress(scan, job)
        if cancel_requested(job):
            stop_cancelled(scan)
        left = deadline - time.monotonic()
        if left <= 0 or outcome.stopped:
            raise Continue
        if outcome.retry_after:
            time.sleep(min(outcome.retry_after, left))
            outcome = scanning.Outcome()
        elif scanning.has_claimable_parts(scan):
            outcome = scanning.work(scan, deadline)
        else:
            time.sleep(POLL_SECONDS)
    counting.finish_scan(scan)
    scan.refresh_from_db()
    report_progress(scan, job)
    return summary(scan)


class ScanCancelled(Exception):
    pass


def stop_cancelled(scan: LinkScan) -> None:
    mark_cancelled(scan)
    raise ScanCancelled


CANCELLED_NOTE = "Cancelled; what the scan found so far is kept."


def mark_cancelled(scan: LinkScan) -> None:
    with transaction.atomic():
        ScanPart.objects.filter(scan=scan, status__in=ScanPart.OPEN).update(
            status=ScanPart.Status.CANCELLED, claim="", lease_until=None
        )
        LinkScan.objects.filter(pk=scan.pk, status__in=LinkScan.OPEN).update(
            status=LinkScan.Status.CANCELLED, finished_at=timezone.now()
        )


def request_cancel(scan: LinkScan) -> bool:
    """Cancel a scan: at once if no worker has it, else at the next page."""
    if scan.finished or scan.job is None:
        return False
    asked = cancel(scan.job)
    scan.job.refresh_from_db()
    if scan.job.status == Job.Status.CANCELLED:
        mark_cancelled(scan)
    return asked


def prepare(scan: LinkScan, client: GitBookClient) -> None:
    """List the spaces and sites to scan and find out which sources the API offers."""
    connection = scan.connection
    org_id = connection.organization_id
    spaces = spaces_to_scan(scan, client)
    links_endpoint = offers_links(client, [space_id for space_id, _title in spaces])
    sites: list = []
    findings_endpoint = True
    try:
        sites = list(client.list_sites(org_id, space=scan.space_id or None))
    except NotFound:
        findings_endpoint = False
    skipped = ScanPart.Status.SKIPPED if links_endpoint is False else ScanPart.Status.PENDING
    # Parts are claimed in the order they are written: the spaces that had the
    # most broken links last time go first, so their long chains of pages do
    # not start at the end of the scan.
    sizes = dict(
        ScanPart.objects.filter(
            connection=connection, kind=ScanPart.Kind.SPACE, is_latest=True
        ).values_list("space_id", "links_fetched")
    )
    spaces = sorted(spaces, key=lambda space: -sizes.get(space[0], 0))
    parts = [
        ScanPart(
            scan=scan,
            connection=connection,
            kind=ScanPart.Kind.SPACE,
            space_id=space_id,
            title=(title or "")[:300],
            status=skipped,
        )
        for space_id, title in spaces
    ] + [
        ScanPart(
            scan=scan,
            connection=connection,
            kind=ScanPart.Kind.SITE,
            site_id=site.id,
            title=(site.title or site.id)[:300],
            site_url=(site.published_url or "")[:500],
        )
        for site in sites
    ]
    with transaction.atomic():
        ScanPart.objects.bulk_create(parts, batch_size=500, ignore_conflicts=True)
        LinkScan.objects.filter(pk=scan.pk).update(
            prepared=True,
            links_endpoint=links_endpoint,
            findings_endpoint=findings_endpoint,
            spaces_total=len(spaces),
            spaces_done=len(spaces) if links_endpoint is False else 0,
            sites_total=len(sites),
            heartbeat_at=timezone.now(),
        )


def spaces_to_scan(scan: LinkScan, client: GitBookClient) -> list[tuple[str, str]]:
    """(id, title) of every space to scan, from the spaces index (walked if old)."""
    connection = scan.connection
    if scan.scope == LinkScan.Scope.SPACE:
        row = index.load_index(connection.pk).by_id.get(scan.space_id)
        if row is None:
            space = client.get_space(scan.space_id)
            return [(space.id, space.title or "")]
        return [(scan.space_id, row.get("title") or "")]
    space_index = index.load_index(connection.pk)
    fresh = space_index.refreshed_at and time.time() - space_index.refreshed_at < (
        INDEX_FRESH_SECONDS
    )
    if not (space_index.complete and fresh):
        space_tasks.walk(connection)
        space_index = index.load_index(connection.pk)
    return [(row["id"], row.get("title") or "") for row in space_index.by_title]


def offers_links(client: GitBookClient, space_ids: list[str]) -> bool | None:
    """Whether this organization's API still has ``GET /spaces/{id}/links``
    (None: no space to ask about).

    A 404 there means the operation is gone, unless the space itself is gone.
    """
    for space_id in space_ids[:3]:
        try:
            client.list_space_links_page(space_id, status="broken", limit=0)
            return True
        except NotFound:
            try:
                client.get_space(space_id)
            except NotFound:
                continue  # deleted meanwhile: ask about another space
            return False
    return None


def send_lanes(scan: LinkScan) -> None:
    """Make sure the helper lanes are out; each keeps itself going while there is work."""
    from dashboard.links.tasks import scan_lane

    for lane in range(1, LANES):
        if get_redis().set(lane_key(scan.pk, lane), 1, nx=True, ex=int(SLICE_SECONDS * 6)):
            try:
                scan_lane.delay(scan.pk, lane)
            except Exception as exc:  # the broker's errors vary with the transport
                log.warning("Cannot send lane %s of scan %s: %s", lane, scan.pk, exc)
                get_redis().delete(lane_key(scan.pk, lane))


def lane_key(scan_id: int, lane: int) -> str:
    return f"links:scan:{scan_id}:lane:{lane}"


def run_lane(scan_id: int, lane: int) -> float | None:
    """One slice of a helper lane. Returns None when the lane should stop, else the
    seconds after which it should run again."""
    scan = LinkScan.objects.select_related("connection").filter(pk=scan_id).first()
    if scan is None or scan.finished or not scan.prepared or scanning.must_stop(scan):
        get_redis().delete(lane_key(scan_id, lane))
        return None
    get_redis().set(lane_key(scan_id, lane), 1, ex=int(SLICE_SECONDS * 6))
    outcome = scanning.work(scan, time.monotonic() + SLICE_SECONDS)
    if outcome.retry_after:
        return outcome.retry_after
    if outcome.stopped or not scanning.has_claimable_parts(scan):
        get_redis().delete(lane_key(scan_id, lane))
        return None
    return 0.0


def report_progress(scan: LinkScan, job: Job) -> None:
    scan.refresh_from_db()
    LinkScan.objects.filter(pk=scan.pk).update(heartbeat_at=timezone.now())
    save_progress(job, scan.parts_done, scan.parts_total, summary(scan))


def summary(scan: LinkScan) -> dict:
    return {
        "scan": scan.pk,
        "spaces": scan.spaces_total,
        "sites": scan.sites_total,
        "broken_found": scan.broken_found,
        "broken": scan.broken_count,
        "new": scan.new_count,
        "fixed": scan.fixed_count,
        "failed_parts": scan.parts_failed,
        "source": scan.source,
    }


def resume_stalled_scans() -> int:
    """Scans whose coordinator died with its worker are sent again; scans whose job
    ended another way are brought in line with it."""
    resumed = 0
    now = timezone.now()
    stalled_after = timedelta(seconds=settings.WORKER_LOST_AFTER)
    for scan in LinkScan.objects.filter(status__in=LinkScan.OPEN).select_related("job"):
        job = scan.job
        if job is None or job.status == Job.Status.FAILED:
            LinkScan.objects.filter(pk=scan.pk).update(
                status=LinkScan.Status.FAILED,
                finished_at=now,
                error=(job.error if job else "") or "The scan's job was lost.",
            )
        elif job.status == Job.Status.CANCELLED:
            mark_cancelled(scan)
        elif job.status == Job.Status.RUNNING and (
            scan.heartbeat_at is None or scan.heartbeat_at < now - stalled_after
        ):
            # The job's own lease outlasts any task; the heartbeat says sooner
            # that nobody works on it, so the lease is ended here.
            taken = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.QUEUED, lease_until=None
            )
            if taken:
                LinkScan.objects.filter(pk=scan.pk).update(heartbeat_at=now)
                send(job.pk)
                resumed += 1
    return resumed


def start_due_scans() -> int:
    """Start the scans the schedules ask for."""
    from dashboard.links.models import LinkHealthSettings

    started = 0
    for schedule in LinkHealthSettings.objects.exclude(
        schedule=LinkHealthSettings.Schedule.OFF
    ).select_related("connection", "updated_by"):
        interval = SCHEDULE_INTERVALS[schedule.schedule]
        latest = (
            LinkScan.objects.filter(
                connection=schedule.connection, scope=LinkScan.Scope.ORGANIZATION
            )
            .order_by("-created_at")
            .first()
        )
        # A little early is on time: beat ticks do not line up with the interval.
        if latest is not None and latest.created_at > timezone.now() - interval + timedelta(
            minutes=1
        ):
            continue
        user = schedule.updated_by
        if user is None or not user.has_role(Role.OPERATOR):
            user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if user is None:
            log.warning("No admin to run the scheduled scan of %s as", schedule.connection)
            continue
        start_scan(user, schedule.connection, trigger=LinkScan.Trigger.SCHEDULE)
        started += 1
    return started


SCHEDULE_INTERVALS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
}
