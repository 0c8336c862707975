"""The link health pages over HTTP: who may do what, and what each page shows."""

import csv
import io

import pytest
from django.urls import reverse

from dashboard.jobs.models import AuditEntry, Job
from dashboard.links.models import BrokenLink, LinkHealthSettings, LinkScan
from tests.conftest import PASSWORD
from tests.links.factories import (
    broken_link,
    broken_link_finding,
    finding_rows,
    finished_scan,
    page_target,
    rows_of,
    url_target,
)

pytestmark = pytest.mark.django_db

GONE = broken_link(
    "s1", page_target("s1", "gone", "Old page"), pages=[("a", "Alpha"), ("b", "Beta")]
)
DEAD_URL = broken_link("s1", url_target("https://dead.example/"))
OTHER = broken_link("s2", url_target("https://other.example/"))


@pytest.fixture
def scanned(connection):
    return finished_scan(
        connection, {"s1": rows_of("s1", GONE, DEAD_URL), "s2": rows_of("s2", OTHER)}
    )


def report_url(space_id="s1", **params):
    url = reverse("links:space_report", args=[space_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_overview_ranks_spaces_by_broken_links_for_a_viewer(as_viewer, scanned):
    page = as_viewer.get(reverse("links:overview")).text

    assert page.index('id="ranking-s1"') < page.index('id="ranking-s2"')
    assert 'data-testid="organization-broken">3<' in page
    assert "<svg" in page and "trend-line" in page
    assert "Scan now" not in page  # a viewer cannot scan
    assert 'aria-current="page">Link health<' in page


def test_the_ranking_is_searchable_and_sortable_in_the_url(as_viewer, scanned):
    found = as_viewer.get(reverse("links:overview"), {"q": "s2"}).text
    by_title = as_viewer.get(
        reverse("links:overview"),
        {"sort": "title"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ranking",
    ).text

    assert 'id="ranking-s2"' in found and 'id="ranking-s1"' not in found
    assert "<html" not in by_title
    assert by_title.index('id="ranking-s1"') < by_title.index('id="ranking-s2"')


def test_a_viewer_cannot_start_a_scan(as_viewer, connection):
    response = as_viewer.post(reverse("links:start_scan"))

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_space_report_groups_targets_with_their_pages_linking_to_the_editor(as_viewer, scanned):
    page = as_viewer.get(report_url()).text

    assert 'data-testid="broken-count">2<' in page
    assert "3 occurrences" in page
    assert (
        'href="https://app.gitbook.com/o/org/s/s1/a" target="_blank" rel="noopener noreferrer"'
        in page
    )
    assert ">Beta</a>" in page
    assert 'href="https://dead.example/" target="_blank" rel="noopener noreferrer"' in page


def test_htmx_filters_get_only_the_results(as_viewer, scanned):
    response = as_viewer.get(report_url(kind="url"), HTTP_HX_REQUEST="true")

    assert "<html" not in response.text
    assert "https://dead.example/" in response.text
    assert "Old page" not in response.text
    assert response["Vary"].count("HX-Request") == 1


def test_a_space_never_scanned_offers_a_scan_to_an_operator(as_operator, connection, fake_gitbook):
    from tests.conftest import fake_api

    space = fake_api(fake_gitbook, f"/orgs/{connection.organization_id}/spaces", limit=1)["items"][
        0
    ]

    page = as_operator.get(report_url(space["id"])).text

    assert "This space was not scanned yet." in page
    assert reverse("links:scan_space", args=[space["id"]]) in page


def test_an_unknown_space_has_no_report(as_viewer, connection):
    assert as_viewer.get(report_url("no-such-space")).status_code == 404


def test_the_csv_export_has_one_line_per_occurrence(as_viewer, scanned):
    response = as_viewer.get(reverse("links:space_csv", args=["s1"]))

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert lines[0][:3] == ["target", "kind", "target url"]
    assert sorted((line[0], line[4]) for line in lines[1:]) == [
        ("Old page", "Alpha"),
        ("Old page", "Beta"),
        ("https://dead.example/", "Introduction"),
    ]


def test_text_from_gitbook_cannot_become_a_spreadsheet_formula(as_viewer, connection):
    formula = broken_link("s1", url_target('=HYPERLINK("https://evil.example")'))
    finished_scan(connection, {"s1": rows_of("s1", formula)})

    body = b"".join(as_viewer.get(reverse("links:space_csv", args=["s1"])).streaming_content)

    assert b"'=HYPERLINK" in body


def test_ignoring_a_target_needs_a_reason_and_drops_the_count(as_operator, operator, scanned):
    row = BrokenLink.objects.filter(scan=scanned, label="Old page").first()
    ignore = {"scan": scanned.pk, "target": row.target_key, "next": report_url()}

    refused = as_operator.post(reverse("links:ignore"), {**ignore, "reason": "  "})
    response = as_operator.post(
        reverse("links:ignore"), {**ignore, "reason": "Archived"}, follow=True
    )

    assert refused.status_code == 302
    assert 'data-testid="broken-count">1<' in response.text
    assert "1 ignored" in response.text
    entry = AuditEntry.objects.get(action="links.ignore")
    assert (entry.user, entry.after["reason"], entry.target_title) == (
        operator,
        "Archived",
        "Old page",
    )


def test_a_viewer_cannot_ignore_a_target(as_viewer, scanned):
    row = BrokenLink.objects.filter(scan=scanned).first()

    response = as_viewer.post(
        reverse("links:ignore"), {"scan": scanned.pk, "target": row.target_key, "reason": "x"}
    )

    assert response.status_code == 403


def test_an_ignored_target_is_listed_with_why_and_can_count_again(as_operator, operator, scanned):
    row = BrokenLink.objects.filter(scan=scanned, label="Old page").first()
    as_operator.post(
        reverse("links:ignore"),
        {"scan": scanned.pk, "target": row.target_key, "reason": "Archived"},
    )

    ignored = as_operator.get(report_url(show="ignored")).text
    response = as_operator.post(
        reverse("links:unignore"),
        {"scan": scanned.pk, "target": row.target_key, "next": report_url()},
        follow=True,
    )

    assert "“Archived” — otto-operator" in ignored
    assert 'data-testid="broken-count">2<' in response.text


def test_targets_that_are_not_http_links_are_shown_as_inert_text(as_viewer, connection):
    hostile = [
        broken_link("s1", url_target("javascript:alert(1)")),
        broken_link("s1", url_target("data:text/html,<script>alert(1)</script>")),
        broken_link("s1", url_target('https://example.com/"><img src=x onerror=alert(1)>')),
    ]
    finished_scan(connection, {"s1": rows_of("s1", *hostile)})

    page = as_viewer.get(report_url()).text

    assert 'href="javascript' not in page.lower()
    assert 'href="data:' not in page
    assert "<img src=x" not in page and "<script>alert" not in page
    assert page.count('data-testid="inert-target"') == 3
    assert "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_site_findings_without_a_space_have_their_own_page_with_a_fix(as_operator, connection):
    rows = finding_rows("site1", broken_link_finding("f1", "/old", space_id="s1"), spaces={"s1"})
    orphan = finding_rows("site1", broken_link_finding("f2", "/lost"))
    finished_scan(connection, {"s1": rows}, orphan)

    page = as_operator.get(reverse("links:site_findings")).text
    in_space = as_operator.get(report_url()).text

    assert "/lost" in page and "/old" not in page
    assert "Create redirect" in in_space


def test_a_suggested_redirect_is_requested_as_an_audited_job(as_operator, operator, connection):
    rows = finding_rows("site1", broken_link_finding("f1", "/old", space_id="s1"), spaces={"s1"})
    scan = finished_scan(connection, {"s1": rows})
    row = BrokenLink.objects.get(scan=scan)

    response = as_operator.post(reverse("links:fix", args=[row.pk]), HTTP_HX_REQUEST="true")

    job = Job.objects.get(kind="links.redirect")
    assert 'class="job-follow"' in response.text
    assert job.arguments["fix"]["source"] == "/old"
    assert AuditEntry.objects.get(job=job).user == operator


def test_a_viewer_cannot_create_a_redirect(as_viewer, connection):
    rows = finding_rows("site1", broken_link_finding("f1", "/old", space_id="s1"), spaces={"s1"})
    scan = finished_scan(connection, {"s1": rows})

    response = as_viewer.post(reverse("links:fix", args=[BrokenLink.objects.get(scan=scan).pk]))

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_scan_page_lists_what_is_new_and_what_was_fixed(as_viewer, connection):
    finished_scan(connection, {"s1": rows_of("s1", GONE)})
    second = finished_scan(connection, {"s1": rows_of("s1", DEAD_URL)})

    page = as_viewer.get(reverse("links:scan", args=[second.pk])).text

    new = page.index("New since the scan before")
    fixed = page.index("Fixed since the scan before")
    assert new < page.index("https://dead.example/") < fixed < page.index("Old page")


def test_only_an_admin_sets_the_schedule_and_alerts_and_it_is_audited(
    client, operator, admin, connection
):
    form = {
        "schedule": "daily",
        "alert_emails": "docs@example.com, lead@example.com",
        "webhook_url": "https://hooks.example.com/x",
    }
    client.login(username=operator.username, password=PASSWORD)
    assert client.get(reverse("links:settings")).status_code == 403
    assert client.post(reverse("links:settings"), form).status_code == 403

    client.login(username=admin.username, password=PASSWORD)
    response = client.post(reverse("links:settings"), form)

    settings = LinkHealthSettings.objects.get(connection=connection)
    assert response.status_code == 302
    assert (settings.schedule, settings.emails, settings.updated_by) == (
        "daily",
        ["docs@example.com", "lead@example.com"],
        admin,
    )
    entry = AuditEntry.objects.get(action="links.settings")
    assert (entry.before["schedule"], entry.after["schedule"]) == ("off", "daily")


def test_alert_settings_refuse_bad_addresses_and_webhooks_that_are_not_http(as_admin, connection):
    response = as_admin.post(
        reverse("links:settings"),
        {"schedule": "hourly", "alert_emails": "not an address", "webhook_url": "ftp://x.example/"},
    )

    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert not LinkHealthSettings.objects.exclude(schedule="off").exists()


def test_the_progress_of_a_finished_scan_stops_the_polling(as_viewer, scanned):
    response = as_viewer.get(reverse("links:progress", args=[scanned.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 286
    assert "linkScanFinished" in response["HX-Trigger"]
    assert "Finished" in response.text
    assert "hx-trigger" not in response.text


def test_a_running_scan_polls_and_offers_cancel_to_an_operator(as_operator, connection):
    scan = LinkScan.objects.create(
        connection=connection,
        status=LinkScan.Status.RUNNING,
        prepared=True,
        spaces_total=10,
        spaces_done=4,
        broken_found=17,
    )

    response = as_operator.get(reverse("links:progress", args=[scan.pk]))

    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.text
    assert "4 of 10 spaces · 17 broken links found so far" in response.text
    assert reverse("links:cancel", args=[scan.pk]) in response.text
