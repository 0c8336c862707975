"""What a broken link points at, named the same way in every scan.

A target's key says *what* it is (the page id and anchor, the URL, the file id...)
within its space or site, so one target seen in two scans has one key: that is
what grouping, diffing, "first seen" and ignore rules use. Its fingerprint also
covers how it looks (title, path, URL, failure), so an ignored target that
changes comes back.

Everything here comes from the API and is untrusted; ``safe_link`` decides
what may become a link.
"""

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gitbook_api.models import ContentLocation, SiteFinding, SpaceLink

KINDS = {
    "url": "URL",
    "page": "Page",
    "anchor": "Anchor",
    "file": "File",
    "space": "Space",
    "site-page": "Site page",
    "collection": "Collection",
    "other": "Other",
}

# Characters a well-formed URL never has unescaped: quotes, angle brackets,
# spaces, backslashes and control characters.
_UNSAFE_URL_CHARACTERS = re.compile(r"[\s\"'<>\\`{}|^\x00-\x1f\x7f]")


def safe_link(value: Any) -> str:
    """The URL if it may be a link (well-formed http or https), else an empty string."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if not url or _UNSAFE_URL_CHARACTERS.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


def digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(part) for part in parts).encode()).hexdigest()


@dataclass(frozen=True)
class Target:
    key: str
    fingerprint: str
    kind: str
    label: str
    url: str
    detail: str


def _make(scope: str, identity: str, kind: str, label: str, url: str, detail: str) -> Target:
    label = (label or identity)[:500]
    return Target(
        key=digest(scope, identity),
        fingerprint=digest(scope, identity, kind, label, url, detail),
        kind=kind,
        label=label,
        url=url or "",
        detail=detail[:300],
    )


def link_target(space_id: str, target: ContentLocation | None) -> Target:
    """The target of a link found in a space."""
    if target is None:
        return _make(space_id, "unknown", "other", "Unknown target", "", "")
    raw = target.raw
    kind = target.kind or "other"
    if kind == "url":
        url = target.url or ""
        return _make(space_id, f"url|{url}", "url", url, url, "")
    if kind == "page":
        page = raw.get("page") if isinstance(raw.get("page"), dict) else {}
        anchor = ""
        internal = raw.get("internalLocation")
        if isinstance(internal, dict) and isinstance(internal.get("anchor"), str):
            anchor = internal["anchor"]
        title = target.page_title or target.page_path or target.page_id or "Untitled page"
        identity = f"page|{target.space_id}|{target.page_id}|{anchor}"
        url = (page.get("urls") or {}).get("app") if isinstance(page.get("urls"), dict) else ""
        if anchor:
            return _make(space_id, identity, "anchor", f"{title} #{anchor}", url or "", "")
        return _make(space_id, identity, "page", title, url or "", target.page_path or "")
    if kind == "file":
        file = raw.get("file") if isinstance(raw.get("file"), dict) else {}
        name = file.get("name") if isinstance(file.get("name"), str) else ""
        url = file.get("downloadURL") if isinstance(file.get("downloadURL"), str) else ""
        return _make(space_id, f"file|{target.space_id}|{target.file_id}", "file", name, url, "")
    if kind == "space":
        space = raw.get("space") if isinstance(raw.get("space"), dict) else {}
        urls = space.get("urls") if isinstance(space.get("urls"), dict) else {}
        return _make(
            space_id,
            f"space|{target.space_id}",
            "space",
            target.space_title or target.space_id or "",
            urls.get("app") or "",
            "",
        )
    if kind == "collection":
        return _make(space_id, f"collection|{target.collection_id}", "collection", "", "", "")
    return _make(space_id, f"{kind}|{sorted(raw.items())!r}"[:2000], "other", kind, "", "")


def link_rows(space_id: str, link: SpaceLink) -> list[dict]:
    """The rows of one broken link: one per page it appears on."""
    target = link_target(space_id, link.target)
    common = {
        "space_id": space_id,
        "source": "links",
        "target_key": target.key,
        "fingerprint": target.fingerprint,
        "kind": target.kind,
        "label": target.label,
        "target_url": target.url,
        "detail": target.detail,
    }
    pages = [location for location in link.locations if location.kind == "page"]
    if not pages:
        return [common]
    return [{**common, **_where(location)} for location in pages]


def _where(location: ContentLocation) -> dict:
    page = location.raw.get("page") if isinstance(location.raw.get("page"), dict) else {}
    urls = page.get("urls") if isinstance(page.get("urls"), dict) else {}
    return {
        "page_id": (location.page_id or "")[:100],
        "page_title": (location.page_title or "")[:300],
        "page_path": (location.page_path or "")[:500],
        "page_url": urls.get("app") if isinstance(urls.get("app"), str) else "",
    }


def finding_row(
    site_id: str, site_url: str, finding: SiteFinding, space_ids: frozenset[str]
) -> dict | None:
    """The row of a site finding, in the space it belongs to when the finding says so."""
    action = finding.broken_link_action
    space_id = ""
    if action is not None and action.destination.get("spaceId") in space_ids:
        space_id = action.destination["spaceId"]
    scope = space_id or f"site:{site_id}"
    fix = None
    if finding.type == "broken-link":
        path = (action.source if action else None) or ""
        identity = f"site-path|{site_id}|{path}" if path else f"finding|{finding.id}"
        label = path or finding.title or finding.id
        url = site_url.rstrip("/") + path if site_url and path.startswith("/") else ""
        target = _make(scope, identity, "site-page", label, url, "returns 404")
        if action is not None and action.source and action.destination:
            fix = {"site_id": site_id, **action.redirect_kwargs()}
    elif finding.type == "outbound-link-error":
        outbound = finding.outbound_link
        url = (outbound.url if outbound else None) or ""
        parts = (outbound.failure_kind, outbound.http_status) if outbound else ()
        failure = " ".join(str(part) for part in parts if part)
        target = _make(scope, f"url|{url or finding.id}", "url", url, url, failure)
    else:
        return None
    return {
        "space_id": space_id,
        "site_id": site_id,
        "source": "finding",
        "target_key": target.key,
        "fingerprint": target.fingerprint,
        "kind": target.kind,
        "label": target.label,
        "target_url": target.url,
        "detail": target.detail,
        "weight": max(1, finding.pages or 1),
        "finding_id": finding.id[:100],
        "fix": fix,
    }
