"""Counting scans: distinct targets, new and fixed since before, and ignore rules."""

import pytest

from dashboard.jobs.models import AuditEntry
from dashboard.links import reports, triage
from dashboard.links.models import BrokenLink, LinkScan, ScanPart
from dashboard.links.reports import ReportQuery
from tests.links.factories import (
    broken_link,
    broken_link_finding,
    finding_rows,
    finished_scan,
    page_target,
    rows_of,
    space_result,
    url_target,
)

pytestmark = pytest.mark.django_db

GONE = broken_link("s1", page_target("s1", "gone", "Old page"), pages=[("a", "A"), ("b", "B")])
DEAD_URL = broken_link("s1", url_target("https://dead.example/"))
ANCHOR = broken_link("s1", page_target("s1", "p1", "Setup", anchor="install"))
OTHER = broken_link("s2", url_target("https://dead.example/"))


def row_of(scan, link_target_label: str) -> BrokenLink:
    return BrokenLink.objects.filter(scan=scan, label=link_target_label).first()


def test_a_space_counts_distinct_broken_targets_and_their_occurrences(connection):
    scan = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL, ANCHOR, ANCHOR)})

    result = space_result(scan, "s1")

    assert (result.broken_count, result.occurrences) == (3, 5)
    assert (scan.broken_count, scan.occurrences) == (3, 5)
    assert (result.new_count, result.fixed_count) == (None, None)  # nothing before


def test_the_report_groups_occurrences_by_target_with_their_pages(connection):
    scan = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL)})

    found = reports.report(scan, "s1", ReportQuery())

    first = found.groups[0]
    assert (found.broken, found.occurrences) == (2, 3)
    assert (first["label"], first["occurrences"]) == ("Old page", 2)
    assert [row["page_title"] for row in first["rows"]] == ["A", "B"]
    assert first["first_seen"] is not None


def test_the_report_filters_by_kind_page_and_search_and_sorts(connection):
    scan = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL, ANCHOR)})

    def labels(**query):
        return [group["label"] for group in reports.report(scan, "s1", ReportQuery(**query)).groups]

    assert labels(kind="url") == ["https://dead.example/"]
    assert labels(page_id="b") == ["Old page"]
    assert labels(q="setup") == ["Setup #install"]
    assert labels(sort="target") == ["https://dead.example/", "Old page", "Setup #install"]
    assert labels()[0] == "Old page"  # most occurrences first


def test_the_next_scan_lists_what_is_new_and_what_was_fixed(connection):
    first = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL), "s2": []})
    second = finished_scan(
        connection, {"s1": rows_of("s1", DEAD_URL, ANCHOR), "s2": rows_of("s2", OTHER)}
    )

    result = space_result(second, "s1")
    diff = reports.diff(second)

    assert (result.new_count, result.fixed_count) == (1, 1)
    assert (space_result(second, "s2").new_count, space_result(second, "s2").fixed_count) == (1, 0)
    assert (second.previous, second.new_count, second.fixed_count) == (first, 2, 1)
    assert sorted(entry["label"] for entry in diff["new"]) == [
        "Setup #install",
        "https://dead.example/",
    ]
    assert [entry["label"] for entry in diff["fixed"]] == ["Old page"]
    assert diff["new"][0]["space_title"].startswith("Space ")


def test_an_ignored_target_drops_out_of_the_counts_and_is_audited(connection, operator):
    scan = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL)})

    triage.ignore(operator, connection, row_of(scan, "Old page"), "Archived on purpose")

    scan.refresh_from_db()
    assert space_result(scan, "s1").broken_count == 1
    assert scan.broken_count == 1
    assert reports.report(scan, "s1", ReportQuery()).ignored == 1
    assert [g["label"] for g in reports.report(scan, "s1", ReportQuery(ignored=True)).groups] == [
        "Old page"
    ]
    entry = AuditEntry.objects.get(action="links.ignore")
    assert (entry.username, entry.target_id, entry.after["reason"]) == (
        operator.username,
        "s1",
        "Archived on purpose",
    )


def test_an_ignored_target_stays_out_of_later_scans_while_it_is_unchanged(connection, operator):
    first = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL)})
    triage.ignore(operator, connection, row_of(first, "Old page"), "Known")

    second = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL)})

    assert space_result(second, "s1").broken_count == 1
    assert (second.new_count, second.fixed_count) == (0, 0)


def test_an_ignored_target_comes_back_when_it_changes(connection, operator):
    first = finished_scan(connection, {"s1": rows_of("s1", GONE)})
    triage.ignore(operator, connection, row_of(first, "Old page"), "Known")
    renamed = broken_link("s1", page_target("s1", "gone", "Older page"))

    second = finished_scan(connection, {"s1": rows_of("s1", renamed)})

    assert space_result(second, "s1").broken_count == 1


def test_taking_an_ignore_back_counts_the_target_again(connection, operator):
    scan = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL)})
    triage.ignore(operator, connection, row_of(scan, "Old page"), "Known")

    triage.unignore(operator, connection, row_of(scan, "Old page"))

    assert space_result(scan, "s1").broken_count == 2
    assert AuditEntry.objects.filter(action="links.unignore").count() == 1


def test_the_newest_result_of_each_space_is_what_the_ranking_shows(connection):
    first = finished_scan(connection, {"s1": rows_of("s1", GONE), "s2": [], "s3": []})
    second = finished_scan(connection, {"s1": rows_of("s1", GONE, DEAD_URL), "s2": []}, failed=())

    ranked = list(reports.ranking(connection))

    # s3 is no longer in the organization; s1 and s2 come from the newest scan.
    assert [(r.space_id, r.scan_id, r.broken_count) for r in ranked] == [
        ("s1", second.pk, 2),
        ("s2", second.pk, 0),
    ]
    assert first.pk != second.pk


def test_a_space_whose_part_failed_keeps_its_older_result(connection):
    first = finished_scan(connection, {"s1": rows_of("s1", GONE), "s2": rows_of("s2", OTHER)})
    finished_scan(connection, {"s1": [], "s2": []}, failed=("s2",))

    latest = {r.space_id: r.scan_id for r in reports.ranking(connection)}

    assert latest["s2"] == first.pk


def test_scanning_one_space_updates_only_that_space(connection):
    org = finished_scan(connection, {"s1": rows_of("s1", GONE), "s2": rows_of("s2", OTHER)})
    one = finished_scan(connection, {"s1": []}, scope=LinkScan.Scope.SPACE)

    latest = {
        r.space_id: (r.scan_id, r.broken_count, r.fixed_count) for r in reports.ranking(connection)
    }

    assert latest == {"s1": (one.pk, 0, 1), "s2": (org.pk, 1, None)}


def test_site_findings_without_a_space_have_their_own_count(connection):
    rows = finding_rows(
        "site1",
        broken_link_finding("f1", "/a", space_id="s1", pages=3),
        broken_link_finding("f2", "/b", pages=2),
        spaces={"s1"},
    )
    in_space = [row for row in rows if row["space_id"]]
    scan = finished_scan(connection, {"s1": in_space}, [row for row in rows if not row["space_id"]])

    assert (space_result(scan, "s1").broken_count, space_result(scan, "s1").occurrences) == (1, 3)
    assert reports.report(scan, "", ReportQuery()).broken == 1
    assert scan.broken_count == 2
    assert ScanPart.objects.filter(scan=scan).count() == 1
