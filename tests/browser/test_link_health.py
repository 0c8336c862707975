"""The link health journeys in Chromium: scan, read a report, export it, triage it."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.links import scanning
from gitbook_api.fake.content import Link
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.links.helpers import connect, running_fake, scan_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "https://exa mple.com/<b>malformed</b>",
]


@pytest.fixture
def operator_page(page, live_server, operator, celery_worker_thread):
    log_in(page, live_server, operator, PASSWORD)
    return page


def test_scan_the_organization_then_export_and_triage_a_space_report(
    operator_page, live_server, monkeypatch
):
    page = operator_page
    # Small pages and a slow API make a scan long enough to watch.
    monkeypatch.setattr(scanning, "PAGE_SIZE", 4)
    monkeypatch.setattr(scanning, "CONTINUATION_PAGE_SIZE", 4)
    with running_fake(spaces=30, links_per_space=20, broken_share=0.4, latency_ms=250) as fake:
        connect(fake)
        page.goto(f"{live_server.url}/links/")
        expect(page.get_by_text("This organization was never scanned.")).to_be_visible()

        page.get_by_role("button", name="Scan now").click()
        progress = page.get_by_test_id("scan-progress")
        expect(page.locator(".scan-progress")).to_have_attribute(
            "data-scan-status", "running", timeout=20000
        )
        expect(progress).to_be_visible()
        expect(page.locator(".scan-progress")).to_have_attribute(
            "data-scan-status", "succeeded", timeout=90000
        )
        expect(progress).to_have_attribute("value", progress.get_attribute("max"))
        expect(page.get_by_test_id("scan-counts")).to_contain_text("30 of 30 spaces")

        # The ranking arrives with the end of the scan; the first space has the most.
        first = page.locator("#ranking tbody tr").first.get_by_role("link")
        expect(first).to_be_visible()
        first.click()
        expect(page.get_by_role("heading", name=re.compile("^Broken links: "))).to_be_visible()
        count = int(page.get_by_test_id("broken-count").inner_text())
        assert count > 1

        with page.expect_download() as download:
            page.get_by_role("link", name="Export CSV").click()
        lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        assert lines[0][:2] == ["target", "kind"]
        assert len(lines) - 1 >= count  # one line per occurrence

        target = page.get_by_test_id("broken-target").first
        target.get_by_text("Ignore…").click()
        target.get_by_label("Why can it stay?").fill("Points at an archived page on purpose")
        target.get_by_role("button", name="Ignore", exact=True).click()

        expect(page.get_by_test_id("broken-count")).to_have_text(str(count - 1))
        expect(page.get_by_test_id("report-counts")).to_contain_text("1 ignored")


def seed_hostile_targets(fake) -> str:
    """Put targets that must never become links where a scan finds them: a broken
    link of a space, and failing outbound links of the organization's sites."""
    world = fake.world
    with world.lock:
        sites = [site for site in world.sites.values() if site.org_id == fake.org_id]
        outbound = [
            finding
            for site in sites
            for finding in world.findings[site.id]
            if finding.type == "outbound-link-error"
        ]
        for finding, url in zip(outbound, HOSTILE_URLS, strict=False):
            finding.status = "open"
            finding.outbound_link = {"url": url, "status": "failed", "failureKind": "dns"}
        space = world.spaces[world.seeded_spaces[fake.org_id][0]]
        content = world.content.get(space.content_key, space.created_at)
        content.links.append(Link("broken", "reference", ("url", HOSTILE_URLS[0]), (0,)))
        content.broken += 1
    return space.id


def test_targets_that_are_not_web_links_stay_inert_text(operator_page, live_server, operator):
    page = operator_page
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    with running_fake(spaces=8, hostile=True) as fake:
        connection = connect(fake)
        space_id = seed_hostile_targets(fake)
        scan_now(operator, connection)

        for path in ("/links/site-findings/", f"/links/spaces/{space_id}/"):
            page.goto(f"{live_server.url}{path}")
            inert = page.get_by_test_id("inert-target")
            expect(inert.first).to_be_visible()
            shown = inert.all_inner_texts()
            assert page.locator("a[href^='javascript' i], a[href^='data:' i]").count() == 0
            inert.first.click()
            expect(page).to_have_url(f"{live_server.url}{path}")
            if path.endswith("site-findings/"):
                assert set(HOSTILE_URLS) <= set(shown)
            else:
                assert HOSTILE_URLS[0] in shown
        for link in page.locator("#results a[target=_blank]").all():
            assert link.get_attribute("href").startswith(("https://", "http://"))
            assert link.get_attribute("rel") == "noopener noreferrer"
