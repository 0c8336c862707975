"""Broken links as the API sends them, and scans made from them, without a worker."""

from dashboard.links import counting
from dashboard.links.models import BrokenLink, KnownTarget, LinkScan, ScanPart
from dashboard.links.targets import finding_row, link_rows
from gitbook_api.models import SiteFinding, SpaceLink

APP = "https://app.gitbook.com/o/org"


def page_target(space_id: str, page_id: str, title: str, anchor: str = "") -> dict:
    target = {
        "kind": "page",
        "space": {"id": space_id},
        "page": {
            "id": page_id,
            "title": title,
            "path": title.lower().replace(" ", "-"),
            "urls": {"app": f"{APP}/s/{space_id}/{page_id}"},
        },
    }
    if anchor:
        target["internalLocation"] = {"type": "anchor", "anchor": anchor}
    return target


def url_target(url: str) -> dict:
    return {"kind": "url", "url": url}


def file_target(space_id: str, file_id: str, name: str) -> dict:
    return {"kind": "file", "space": {"id": space_id}, "file": {"id": file_id, "name": name}}


def broken_link(space_id: str, target: dict, pages=(("intro", "Introduction"),)) -> SpaceLink:
    return SpaceLink.from_api(
        {
            "status": "broken",
            "relation": "reference",
            "targetReference": target,
            "locationReferences": [
                {
                    "kind": "page",
                    "space": {"id": space_id},
                    "page": {
                        "id": page_id,
                        "title": title,
                        "path": page_id,
                        "urls": {"app": f"{APP}/s/{space_id}/{page_id}"},
                    },
                }
                for page_id, title in pages
            ],
        }
    )


def broken_link_finding(finding_id: str, path: str, space_id: str = "", pages: int = 2):
    data = {
        "id": finding_id,
        "type": "broken-link",
        "status": "open",
        "title": f"Broken link: {path} returns 404",
        "pages": pages,
    }
    if space_id:
        data["brokenLinkAction"] = {
            "source": path,
            "captureWildcard": False,
            "destination": {"kind": "path", "spaceId": space_id, "path": "welcome"},
        }
    return SiteFinding.from_api(data)


def outbound_finding(finding_id: str, url: str, pages: int = 1):
    return SiteFinding.from_api(
        {
            "id": finding_id,
            "type": "outbound-link-error",
            "status": "open",
            "title": f"Outbound link fails: {url}",
            "pages": pages,
            "outboundLink": {"url": url, "status": "failed", "failureKind": "dns"},
        }
    )


def rows_of(space_id: str, *links: SpaceLink) -> list[dict]:
    return [row for link in links for row in link_rows(space_id, link)]


def finding_rows(site_id: str, *findings, spaces=frozenset()) -> list[dict]:
    return [
        row
        for finding in findings
        if (row := finding_row(site_id, "https://docs.example.com/", finding, frozenset(spaces)))
    ]


def finished_scan(
    connection,
    spaces: dict[str, list[dict]],
    site_rows: list[dict] = (),
    *,
    scope: str = LinkScan.Scope.ORGANIZATION,
    failed: tuple[str, ...] = (),
) -> LinkScan:
    """A scan that read these rows, counted as a worker counts a finished scan."""
    scan = LinkScan.objects.create(
        connection=connection,
        scope=scope,
        space_id=next(iter(spaces)) if scope == LinkScan.Scope.SPACE else "",
        status=LinkScan.Status.RUNNING,
        prepared=True,
        links_endpoint=True,
        findings_endpoint=True,
    )
    for space_id, rows in spaces.items():
        ScanPart.objects.create(
            scan=scan,
            connection=connection,
            kind=ScanPart.Kind.SPACE,
            space_id=space_id,
            title=f"Space {space_id}",
            status=ScanPart.Status.FAILED if space_id in failed else ScanPart.Status.DONE,
        )
        BrokenLink.objects.bulk_create([BrokenLink(scan=scan, **row) for row in rows])
    BrokenLink.objects.bulk_create([BrokenLink(scan=scan, **row) for row in site_rows])
    KnownTarget.objects.bulk_create(
        [
            KnownTarget(connection=connection, target_key=key, first_seen_at=scan.created_at)
            for key in BrokenLink.objects.filter(scan=scan).values_list("target_key", flat=True)
        ],
        ignore_conflicts=True,
    )
    counting.finish_scan(scan)
    scan.refresh_from_db()
    return scan


def space_result(scan: LinkScan, space_id: str) -> ScanPart:
    return ScanPart.objects.get(scan=scan, space_id=space_id, kind=ScanPart.Kind.SPACE)
