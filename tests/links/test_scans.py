"""Organization scans through a real worker against the fake GitBook."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.gitbook.clients import client_for
from dashboard.jobs.models import Job
from dashboard.links import scanning, scans
from dashboard.links.models import BrokenLink, LinkScan, ScanPart
from dashboard.links.targets import link_rows
from tests.conftest import wait_until
from tests.links.helpers import (
    assert_exact,
    connect,
    expected_counts,
    expected_link_rows,
    fake_pages,
    running_fake,
    scan_now,
    wait_for_scan,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_scan_finds_exactly_the_broken_links_of_every_space_and_site(
    operator, celery_worker_thread
):
    with running_fake(links_per_space=30, broken_share=0.3) as fake:
        connection = connect(fake)

        scan = scan_now(operator, connection)

        expected = expected_counts(fake)
    assert scan.status == LinkScan.Status.SUCCEEDED
    assert scan.job.status == Job.Status.SUCCEEDED
    assert scan.links_endpoint is True and scan.findings_endpoint is True
    assert scan.spaces_done == scan.spaces_total == len(expected[0])
    assert scan.sites_done == scan.sites_total > 0
    assert_exact(scan, expected)


def test_spaces_with_many_broken_links_are_followed_page_after_page(
    operator, celery_worker_thread, monkeypatch
):
    monkeypatch.setattr(scanning, "PAGE_SIZE", 3)
    monkeypatch.setattr(scanning, "CONTINUATION_PAGE_SIZE", 4)
    with running_fake(links_per_space=30, broken_share=0.4) as fake:
        connection = connect(fake)

        scan = scan_now(operator, connection)

        expected = expected_counts(fake)
    longest = ScanPart.objects.filter(scan=scan).order_by("-pages_fetched").first()
    assert longest.pages_fetched > 3
    assert_exact(scan, expected)


def test_an_api_without_the_links_endpoint_still_gets_a_full_report_from_site_findings(
    operator, celery_worker_thread
):
    with running_fake(api_version="current") as fake:
        connection = connect(fake)

        scan = scan_now(operator, connection)

        expected = expected_counts(fake)
    assert scan.status == LinkScan.Status.SUCCEEDED
    assert scan.links_endpoint is False
    assert scan.findings_endpoint is True
    assert scan.source == "site findings"
    assert set(
        ScanPart.objects.filter(scan=scan, kind=ScanPart.Kind.SPACE).values_list(
            "status", flat=True
        )
    ) == {ScanPart.Status.SKIPPED}
    assert scan.broken_count > 0
    assert_exact(scan, expected)


def test_a_scan_under_a_rate_limit_with_one_request_in_five_failing_is_still_exact(
    operator, celery_worker_thread, monkeypatch
):
    monkeypatch.setattr(scanning, "PAGE_SIZE", 5)
    monkeypatch.setattr(scanning, "CONTINUATION_PAGE_SIZE", 5)
    with running_fake(links_per_space=20, broken_share=0.3) as fake:
        connection = connect(fake)
        expected = expected_counts(fake)
        link_rows = expected_link_rows(fake)
        fake.configure(rate_limit="20/1", fault_rate=0.2, fault_timeout_s=0.2)
        fake.reset_stats()

        scan = scan_now(operator, connection, seconds=120)

        stats = fake.stats()
    assert scan.status == LinkScan.Status.SUCCEEDED
    assert stats["faults"] > 0
    assert stats["rate_limited"] == 0
    assert scan.parts_failed == 0
    assert_exact(scan, expected)
    # Every occurrence written once.
    assert BrokenLink.objects.filter(scan=scan, source="links").count() == link_rows


def test_a_scan_whose_worker_died_resumes_where_it_stopped_without_counting_twice(
    operator, celery_worker_thread, monkeypatch
):
    monkeypatch.setattr(scanning, "PAGE_SIZE", 3)
    monkeypatch.setattr(scanning, "CONTINUATION_PAGE_SIZE", 3)
    with running_fake(links_per_space=30, broken_share=0.4) as fake:
        connection = connect(fake)
        expected = expected_counts(fake)
        # A worker took the job, prepared the scan, scanned a few spaces and
        # died half way through the pages of another one.
        scan, job = scan_held_by_a_worker(operator, connection)
        scans.prepare(scan, client_for(connection))
        scan.refresh_from_db()
        space_ids = frozenset(
            ScanPart.objects.filter(scan=scan, kind="space").values_list("space_id", flat=True)
        )
        done_before = []
        for _ in range(3):
            part = scanning.claim_part(scan)
            scanning.walk_part(part, scan, space_ids, time.monotonic() + 60, scanning.Outcome())
            done_before.append(ScanPart.objects.get(pk=part.pk))
        half_done = first_page_of_a_long_space(scan, connection)
        ScanPart.objects.filter(pk=half_done.pk).update(
            lease_until=timezone.now() - timedelta(seconds=1)
        )
        LinkScan.objects.filter(pk=scan.pk).update(
            heartbeat_at=timezone.now() - timedelta(minutes=5)
        )

        assert scans.resume_stalled_scans() == 1
        scan = wait_for_scan(scan)

    assert scan.status == LinkScan.Status.SUCCEEDED
    assert_exact(scan, expected)
    for part in done_before:
        again = ScanPart.objects.get(pk=part.pk)
        assert (again.finished_at, again.pages_fetched) == (part.finished_at, part.pages_fetched)
    assert ScanPart.objects.get(pk=half_done.pk).pages_fetched > 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


def scan_held_by_a_worker(user, connection) -> tuple[LinkScan, Job]:
    now = timezone.now()
    job = Job.objects.create(
        connection=connection,
        kind="links.scan",
        description="Scan the links",
        arguments={"space_id": "", "trigger": "manual"},
        created_by=user,
        status=Job.Status.RUNNING,
        started_at=now,
        lease_until=now + timedelta(minutes=10),
        attempts=1,
    )
    scan = LinkScan.objects.create(
        connection=connection, job=job, status=LinkScan.Status.RUNNING, started_at=now
    )
    return scan, job


def first_page_of_a_long_space(scan: LinkScan, connection) -> ScanPart:
    """Claim a space with more than one page of broken links and commit its first page."""
    client = client_for(connection)
    while True:
        part = scanning.claim_part(scan)
        assert part is not None, "the fake has a space with more than one page"
        if part.kind != ScanPart.Kind.SPACE:
            scanning.release(part)
            ScanPart.objects.filter(pk=part.pk).update(status=ScanPart.Status.DONE)
            continue
        page = client.list_space_links_page(part.space_id, status="broken", limit=3)
        if page.next_page is None:
            scanning.release(part)
            continue
        rows = [row for link in page.items for row in link_rows(part.space_id, link)]
        assert scanning.commit_page(part, scan, page.next_page, rows, len(page.items))
        return ScanPart.objects.get(pk=part.pk)


def test_a_page_delivered_twice_is_written_once(operator, connection):
    scan, _job = scan_held_by_a_worker(operator, connection)
    scans.prepare(scan, client_for(connection))
    part = scanning.claim_part(scan)
    while part.kind != ScanPart.Kind.SPACE:
        part = scanning.claim_part(scan)
    page = client_for(connection).list_space_links_page(part.space_id, status="broken", limit=2)
    rows = [row for link in page.items for row in link_rows(part.space_id, link)]

    first = scanning.commit_page(part, scan, page.next_page, rows, len(page.items))
    second = scanning.commit_page(part, scan, page.next_page, rows, len(page.items))

    assert (first, second) == (True, False)
    assert BrokenLink.objects.filter(scan=scan).count() == len(rows)
    assert LinkScan.objects.get(pk=scan.pk).broken_found == len(page.items)


def test_a_worker_that_lost_its_lease_cannot_write_over_the_one_that_took_over(
    operator, connection
):
    scan, _job = scan_held_by_a_worker(operator, connection)
    scans.prepare(scan, client_for(connection))
    slow = scanning.claim_part(scan)
    ScanPart.objects.exclude(pk=slow.pk).update(status=ScanPart.Status.DONE)
    ScanPart.objects.filter(pk=slow.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    quick = scanning.claim_part(scan)

    assert quick.pk == slow.pk
    assert not scanning.commit_page(slow, scan, None, [], 0)
    assert scanning.commit_page(quick, scan, None, [], 0)


def test_a_cancelled_scan_stops_and_keeps_what_it_found(
    operator, celery_worker_thread, monkeypatch
):
    monkeypatch.setattr(scanning, "PAGE_SIZE", 2)
    monkeypatch.setattr(scanning, "CONTINUATION_PAGE_SIZE", 2)
    with running_fake(spaces=40, links_per_space=20, broken_share=0.4, latency_ms=150) as fake:
        connection = connect(fake)
        scan = scans.start_scan(operator, connection)
        wait_until(lambda: LinkScan.objects.get(pk=scan.pk).spaces_done, lambda done: done >= 2)

        scans.request_cancel(LinkScan.objects.get(pk=scan.pk))
        scan = wait_for_scan(scan)
        job = wait_until(lambda: Job.objects.get(pk=scan.job_id), lambda job: job.finished)

    assert scan.status == LinkScan.Status.CANCELLED
    assert job.status == Job.Status.CANCELLED
    assert scan.spaces_done < scan.spaces_total
    assert ScanPart.objects.filter(scan=scan, status=ScanPart.Status.CANCELLED).exists()
    assert not ScanPart.objects.filter(scan=scan, status__in=ScanPart.OPEN).exists()
    assert BrokenLink.objects.filter(scan=scan).exists()


def test_scanning_one_space_reads_only_that_space_and_its_sites(operator, celery_worker_thread):
    with running_fake() as fake:
        connection = connect(fake)
        site = next(fake_pages(fake, f"/orgs/{fake.org_id}/sites"))
        space_id = fake.world.sites[site["id"]].site_spaces[0][1]

        scan = scan_now(operator, connection, space_id=space_id, space_title="One")

        per_space, _without = expected_counts(fake)
    assert scan.scope == LinkScan.Scope.SPACE
    parts = ScanPart.objects.filter(scan=scan)
    assert [part.space_id for part in parts if part.kind == "space"] == [space_id]
    assert site["id"] in [part.site_id for part in parts if part.kind == "site"]
    assert set(BrokenLink.objects.filter(scan=scan).values_list("space_id", flat=True)) <= {
        space_id
    }
    part = parts.get(kind="space")
    assert part.is_latest
    assert (part.broken_count, part.occurrences) == per_space[space_id]


def test_the_next_scan_starts_with_the_spaces_that_had_the_most_broken_links(
    operator, celery_worker_thread
):
    with running_fake(links_per_space=30, broken_share=0.3) as fake:
        connection = connect(fake)
        first = scan_now(operator, connection)
        second = scan_now(operator, connection)

    before = dict(
        ScanPart.objects.filter(scan=first, kind="space").values_list("space_id", "links_fetched")
    )
    order = ScanPart.objects.filter(scan=second, kind="space").order_by("pk")
    sizes = [before[part.space_id] for part in order]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] > 0
