"""Shared steps for the link health tests: fakes of our own, scans waited for."""

from contextlib import contextmanager

from dashboard.accounts.models import Connection
from dashboard.links import scans
from dashboard.links.models import BrokenLink, LinkScan, ScanPart
from gitbook_api.fake import FakeConfig, FakeGitBook
from tests.conftest import fake_api, wait_until


@contextmanager
def running_fake(**config):
    """A fake GitBook of this test's own, so knobs that cannot change at run time
    (API version, size, hostile payloads) and injected faults touch no other test."""
    fake = FakeGitBook(FakeConfig(**{"seed": 11, "spaces": 24, **config}))
    server = fake.serve(host="127.0.0.1", port=0)
    fake.url = server.url
    try:
        yield fake
    finally:
        server.stop()


def connect(fake, name: str = "Link health organization") -> Connection:
    connection = Connection(name=name, api_url=fake.url, organization_id=fake.org_id)
    connection.set_token(fake.token)
    connection.save()
    return connection


def wait_for_scan(scan: LinkScan, seconds: float = 60) -> LinkScan:
    return wait_until(
        lambda: LinkScan.objects.get(pk=scan.pk), lambda found: found.finished, seconds=seconds
    )


def scan_now(user, connection, seconds: float = 60, **options) -> LinkScan:
    return wait_for_scan(scans.start_scan(user, connection, **options), seconds)


def fake_pages(fake, path: str, **params):
    """Every item of a list in the fake, page after page."""
    params = {"limit": 1000, **params}
    while True:
        page = fake_api(fake, path, **params)
        yield from page["items"]
        cursor = (page.get("next") or {}).get("page")
        if not cursor:
            return
        params["page"] = cursor


def target_identity(link: dict) -> tuple:
    """What a broken link points at, read from the API's JSON by hand."""
    target = link["targetReference"]
    anchor = (target.get("internalLocation") or {}).get("anchor")
    return (
        target.get("kind"),
        target.get("url"),
        (target.get("page") or {}).get("id"),
        anchor,
        (target.get("file") or {}).get("id"),
        (target.get("space") or {}).get("id") if target.get("kind") == "space" else None,
    )


def expected_space_counts(fake) -> dict[str, tuple[int, int]]:
    """Per space of the fake's main organization: (distinct broken targets, occurrences)."""
    counts = {}
    for space in fake_pages(fake, f"/orgs/{fake.org_id}/spaces"):
        links = list(fake_pages(fake, f"/spaces/{space['id']}/links", status="broken"))
        occurrences = sum(max(1, len(link["locationReferences"])) for link in links)
        counts[space["id"]] = (len({target_identity(link) for link in links}), occurrences)
    return counts


def expected_counts(fake) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
    """What a scan must find in the fake's main organization: per space
    (distinct broken targets, occurrences), and for the site findings that
    belong to no space. Links come from the links endpoint, findings from every
    site; a broken-link finding belongs to the space its redirect points into."""
    spaces = {space["id"] for space in fake_pages(fake, f"/orgs/{fake.org_id}/spaces")}
    targets: dict[str, set] = {space_id: set() for space_id in spaces}
    occurrences = dict.fromkeys(spaces, 0)
    if fake.config.api_version != "current":
        for space_id in spaces:
            for link in fake_pages(fake, f"/spaces/{space_id}/links", status="broken"):
                targets[space_id].add(target_identity(link))
                occurrences[space_id] += max(1, len(link["locationReferences"]))
    targets[""], occurrences[""] = set(), 0
    for site in fake_pages(fake, f"/orgs/{fake.org_id}/sites"):
        findings = fake_pages(
            fake,
            f"/orgs/{fake.org_id}/sites/{site['id']}/findings",
            type=["broken-link", "outbound-link-error"],
            status="open",
        )
        for finding in findings:
            action = finding.get("brokenLinkAction") or {}
            space_id = (action.get("destination") or {}).get("spaceId")
            space_id = space_id if space_id in spaces else ""
            if finding["type"] == "broken-link":
                identity = (site["id"], action.get("source") or finding["id"])
            else:
                identity = (site["id"], finding["outboundLink"]["url"])
            targets[space_id].add(identity)
            occurrences[space_id] += max(1, finding["pages"])
    per_space = {space_id: (len(targets[space_id]), occurrences[space_id]) for space_id in spaces}
    return per_space, (len(targets[""]), occurrences[""])


def expected_link_rows(fake) -> int:
    """How many (broken link, page) occurrences the links endpoint lists."""
    return sum(
        max(1, len(link["locationReferences"]))
        for space in fake_pages(fake, f"/orgs/{fake.org_id}/spaces")
        for link in fake_pages(fake, f"/spaces/{space['id']}/links", status="broken")
    )


def scanned_counts(scan: LinkScan) -> dict[str, tuple[int, int]]:
    return {
        part.space_id: (part.broken_count, part.occurrences)
        for part in ScanPart.objects.filter(scan=scan, kind=ScanPart.Kind.SPACE)
    }


def without_space(scan: LinkScan) -> tuple[int, int]:
    rows = BrokenLink.objects.filter(scan=scan, space_id="")
    return rows.values("target_key").distinct().count(), sum(rows.values_list("weight", flat=True))


def assert_exact(scan: LinkScan, fake_expected) -> None:
    per_space, no_space = fake_expected
    assert scanned_counts(scan) == per_space
    assert without_space(scan) == no_space
    assert scan.broken_count == sum(n for n, _ in per_space.values()) + no_space[0]
    assert scan.occurrences == sum(n for _, n in per_space.values()) + no_space[1]
