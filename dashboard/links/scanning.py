"""The work of a scan: claim a part (a space or a site), walk its pages, write its rows.

Several threads of several workers do this at once, all paced by the shared
rate limiter. A part is claimed with a token and a lease. Each page is
committed in one transaction that moves the part's cursor on only if the part
is still at the page that was fetched and still held by this claim: a page is
written once however often it is fetched, and a worker that dies leaves the
part to be resumed from its last committed page when the lease runs out.
"""

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from dashboard.gitbook.clients import client_for
from dashboard.gitbook.pacer import waits_at_most
from dashboard.jobs.models import Job
from dashboard.links.models import BrokenLink, KnownTarget, LinkScan, ScanPart
from dashboard.links.paging import CONTINUATION_PAGE_SIZE, FINDING_TYPES, PAGE_SIZE
from dashboard.links.targets import finding_row, link_rows
from gitbook_api.errors import GitBookError, NotFound, RateLimited, ServerError, TransportError

log = logging.getLogger(__name__)

THREADS = 4
MAX_PART_ATTEMPTS = 6
# Longer waits for the rate limit end the slice; the lane comes back later.
MAX_INLINE_WAIT = 5.0


def part_lease() -> timedelta:
    return timedelta(seconds=settings.WORKER_LOST_AFTER)


@dataclass
class Outcome:
    """What a slice of work found: more parts to claim, or a rate limit to wait out."""

    retry_after: float | None = None
    stopped: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def rate_limited(self, seconds: float) -> None:
        with self._lock:
            self.retry_after = max(self.retry_after or 0.0, seconds)


def work(scan: LinkScan, deadline: float, threads: int = THREADS) -> Outcome:
    """Scan parts of ``scan`` in ``threads`` threads until none is left to claim or
    ``deadline`` (a ``time.monotonic()`` value) passes."""
    outcome = Outcome()
    space_ids = frozenset(
        ScanPart.objects.filter(scan=scan, kind=ScanPart.Kind.SPACE).values_list(
            "space_id", flat=True
        )
    )

    def thread() -> None:
        try:
            with waits_at_most(MAX_INLINE_WAIT):
                while time.monotonic() < deadline and outcome.retry_after is None:
                    if must_stop(scan):
                        outcome.stopped = True
                        return
                    part = claim_part(scan)
                    if part is None:
                        return
                    walk_part(part, scan, space_ids, deadline, outcome)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads, thread_name_prefix=f"link-scan-{scan.pk}") as pool:
        for future in [pool.submit(thread) for _ in range(threads)]:
            future.result()
    return outcome


def must_stop(scan: LinkScan) -> bool:
    """The scan was cancelled, or its job ended some other way."""
    if scan.job_id is None:
        return False
    return Job.objects.filter(
        Q(cancel_requested=True) | Q(status__in=Job.FINISHED), pk=scan.job_id
    ).exists()


def claimable() -> Q:
    return Q(status=ScanPart.Status.PENDING) | Q(
        status=ScanPart.Status.RUNNING, lease_until__lt=timezone.now()
    )


def claim_part(scan: LinkScan) -> ScanPart | None:
    candidates = ScanPart.objects.filter(claimable(), scan=scan).values_list("pk", flat=True)
    for pk in list(candidates[:20]):
        token = uuid.uuid4().hex
        claimed = ScanPart.objects.filter(claimable(), pk=pk).update(
            status=ScanPart.Status.RUNNING, claim=token, lease_until=timezone.now() + part_lease()
        )
        if claimed:
            return ScanPart.objects.get(pk=pk)
    return None


def has_claimable_parts(scan: LinkScan) -> bool:
    return ScanPart.objects.filter(claimable(), scan=scan).exists()


def walk_part(
    part: ScanPart, scan: LinkScan, space_ids: frozenset[str], deadline: float, outcome: Outcome
) -> None:
    """Fetch and commit the part's pages until it is done, stopped, or the slice ends."""
    while True:
        if time.monotonic() >= deadline or must_stop(scan):
            release(part)
            return
        next_cursor = read_page(part, scan, space_ids, outcome)
        if next_cursor is None:
            return
        part.cursor = next_cursor
        part.pages_fetched += 1


def read_page(
    part: ScanPart, scan: LinkScan, space_ids: frozenset[str], outcome: Outcome
) -> str | None:
    """Read and commit the part's next page; the cursor after it, or None to stop."""
    client = client_for(scan.connection)
    cursor = part.cursor or None
    limit = CONTINUATION_PAGE_SIZE if cursor else PAGE_SIZE
    try:
        if part.kind == ScanPart.Kind.SPACE:
            page = client.list_space_links_page(
                part.space_id, status="broken", page=cursor, limit=limit
            )
            rows = [row for link in page.items for row in link_rows(part.space_id, link)]
        else:
            page = client.list_site_findings_page(
                scan.connection.organization_id,
                part.site_id,
                types=FINDING_TYPES,
                status="open",
                page=cursor,
                limit=limit,
            )
            rows = [
                row
                for finding in page.items
                if (row := finding_row(part.site_id, part.site_url, finding, space_ids))
                and (scan.scope == LinkScan.Scope.ORGANIZATION or row["space_id"])
            ]
    except RateLimited as exc:
        release(part)
        outcome.rate_limited(exc.retry_after)
        return None
    except NotFound as exc:
        gone = part.kind == ScanPart.Kind.SPACE and not part.pages_fetched
        end_part(part, scan, ScanPart.Status.GONE if gone else ScanPart.Status.FAILED, str(exc))
        return None
    except (ServerError, TransportError) as exc:
        if part.attempts + 1 >= MAX_PART_ATTEMPTS:
            end_part(part, scan, ScanPart.Status.FAILED, str(exc))
        else:
            release(part, error=str(exc), attempt=True)
        return None
    except GitBookError as exc:
        end_part(part, scan, ScanPart.Status.FAILED, str(exc))
        return None
    next_cursor, links = page.next_page, len(page.items)
    # The page's JSON is many times the size of its rows: let it go before writing.
    del page
    try:
        committed = commit_page(part, scan, next_cursor, rows, links)
    except Exception:
        log.exception("Could not save a page of %s", part)
        close_old_connections()
        release(part, error="Could not save a page", attempt=True)
        return None
    return next_cursor if committed else None


def commit_page(
    part: ScanPart, scan: LinkScan, next_cursor: str | None, rows: list[dict], links: int
) -> bool:
    """Write one page's rows and move the part on, unless someone else did already."""
    now = timezone.now()
    last = next_cursor is None
    with transaction.atomic():
        moved = ScanPart.objects.filter(
            pk=part.pk,
            claim=part.claim,
            status=ScanPart.Status.RUNNING,
            pages_fetched=part.pages_fetched,
        ).update(
            cursor=next_cursor or "",
            pages_fetched=F("pages_fetched") + 1,
            links_fetched=F("links_fetched") + links,
            lease_until=now + part_lease(),
            status=ScanPart.Status.DONE if last else ScanPart.Status.RUNNING,
            finished_at=now if last else None,
            error="",
        )
        if not moved:
            return False
        BrokenLink.objects.bulk_create(
            [BrokenLink(scan_id=scan.pk, **row) for row in rows], batch_size=500
        )
        keys = {row["target_key"] for row in rows}
        KnownTarget.objects.bulk_create(
            [
                KnownTarget(connection_id=scan.connection_id, target_key=key, first_seen_at=now)
                for key in keys
            ],
            ignore_conflicts=True,
        )
        counters = {"broken_found": F("broken_found") + links, "heartbeat_at": now}
        if last:
            done = "spaces_done" if part.kind == ScanPart.Kind.SPACE else "sites_done"
            counters[done] = F(done) + 1
        LinkScan.objects.filter(pk=scan.pk).update(**counters)
    return True


def release(part: ScanPart, *, error: str = "", attempt: bool = False) -> None:
    """Give the part back, at the page it is on, for any worker to go on with."""
    changes = {"status": ScanPart.Status.PENDING, "claim": "", "lease_until": None}
    if attempt:
        changes["attempts"] = F("attempts") + 1
        changes["error"] = error[:2000]
    ScanPart.objects.filter(pk=part.pk, claim=part.claim, status=ScanPart.Status.RUNNING).update(
        **changes
    )


def end_part(part: ScanPart, scan: LinkScan, status: str, error: str = "") -> None:
    with transaction.atomic():
        ended = ScanPart.objects.filter(
            pk=part.pk, claim=part.claim, status=ScanPart.Status.RUNNING
        ).update(status=status, error=error[:2000], finished_at=timezone.now(), lease_until=None)
        if ended:
            done = "spaces_done" if part.kind == ScanPart.Kind.SPACE else "sites_done"
            counters = {done: F(done) + 1, "heartbeat_at": timezone.now()}
            if status == ScanPart.Status.FAILED:
                counters["parts_failed"] = F("parts_failed") + 1
            LinkScan.objects.filter(pk=scan.pk).update(**counters)
