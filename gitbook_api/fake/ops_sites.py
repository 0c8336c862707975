"""Operations on a space's links, and on sites, their findings and redirects."""

from __future__ import annotations

from .call import Call, Reply
from .errors import ApiError
from .pagination import paginate
from .state import Redirect

LINK_STATUSES = ("ok", "broken", "in-app")
FINDING_TYPES = (
    "content-outdated",
    "content-incorrect",
    "content-gap",
    "broken-link",
    "outbound-link-error",
    "other",
)
FINDING_STATUSES = ("candidate", "open", "done", "canceled")
SEVERITIES = ("low", "medium", "high")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
SITE_TYPES = ("basic", "premium", "ultimate", "sponsored", "legacy-basic", "legacy-premium")


def list_space_links(call: Call) -> Reply:
    world = call.world
    space = world.space(call.params["spaceId"])
    status = call.choice("status", LINK_STATUSES)
    content = world.content.get(space.content_key, space.created_at)
    indexes = [i for i, link in enumerate(content.links) if status is None or link.status == status]
    page = paginate(
        indexes,
        lambda index: (index,),
        call.query,
        f"links:{space.content_key}:{status}",
        lambda index: call.render.link(space, content, content.links[index]),
    )
    page["stats"] = {"total": len(content.links), "broken": {"total": content.broken}}
    return Reply(200, page)


def list_sites(call: Call) -> Reply:
    org = call.world.organization(call.params["organizationId"])
    space_id, title = call.one("space"), call.one("title")
    published = call.flag("published")
    types = call.choices("type", SITE_TYPES)
    sites = [
        site
        for site in call.world.sites.values()
        if site.org_id == org.id
        and (space_id is None or any(sid == space_id for _, sid in site.site_spaces))
        and (title is None or title.lower() in site.title.lower())
        and (published is None or site.published == published)
        and (not types or site.type in types)
    ]
    return Reply(
        200, paginate(sites, lambda s: (s.seq,), call.query, f"sites:{org.id}", call.render.site)
    )


def list_site_findings(call: Call) -> Reply:
    site = call.world.site(call.params["organizationId"], call.params["siteId"])
    status = call.choice("status", FINDING_STATUSES)
    types = call.choices("type", FINDING_TYPES)
    severity = call.choice("severity", SEVERITIES)
    topic = call.one("topic")
    has_change_requests = call.flag("hasChangeRequests")
    order = call.choice("orderBy", ("updatedAt", "severity", "sources")) or "updatedAt"
    findings = [
        f
        for f in call.world.findings[site.id]
        if (status is None or f.status == status)
        and (not types or f.type in types)
        and (severity is None or f.severity == severity)
        and (topic is None or f.topic == topic)
        and (has_change_requests is None or (f.change_requests > 0) == has_change_requests)
    ]
    if order == "severity":
        key = lambda f: (SEVERITY_RANK[f.severity], -f.updated_at, f.seq)  # noqa: E731
    elif order == "sources":
        key = lambda f: (-(f.questions + f.records), -f.updated_at, f.seq)  # noqa: E731
    else:
        key = lambda f: (-f.updated_at, f.seq)  # noqa: E731
    scope = f"findings:{site.id}:{order}"
    return Reply(
        200, paginate(findings, key, call.query, scope, lambda f: call.render.finding(site, f))
    )


def list_site_redirects(call: Call) -> Reply:
    site = call.world.site(call.params["organizationId"], call.params["siteId"])
    search = call.one("search")
    draft = call.flag("draft", default=False)
    order = call.choice("orderBy", ("createdAt", "updatedAt", "source")) or "createdAt"
    redirects = [
        r
        for r in call.world.redirects[site.id]
        if r.draft == draft and (not search or search.lower() in r.source.lower())
    ]
    if order == "source":
        key = lambda r: (r.source, r.seq)  # noqa: E731
    elif order == "updatedAt":
        key = lambda r: (-r.updated_at, -r.seq)  # noqa: E731
    else:
        key = lambda r: (-r.created_at, -r.seq)  # noqa: E731
    scope = f"redirects:{site.id}:{order}:{draft}"
    return Reply(200, paginate(redirects, key, call.query, scope, call.render.redirect))


def create_site_redirect(call: Call) -> Reply:
    world, body = call.world, call.body
    site = world.site(call.params["organizationId"], call.params["siteId"])
    world.require_writer(world.organizations[site.org_id], "create redirects")
    draft = bool(body.get("draft", False))
    source = body["source"]
    if any(r.source == source and r.draft == draft for r in world.redirects[site.id]):
        raise ApiError(409, f"A redirect from {source} already exists on this site")
    destination = _resolve_destination(world, site, body["destination"])
    now = call.now
    redirect = Redirect(
        id=world.new_id(),
        site_id=site.id,
        source=source,
        destination=destination,
        draft=draft,
        permanent=bool(body.get("permanent", False)),
        capture_wildcard=bool(body.get("captureWildcard", False)),
        created_at=now,
        updated_at=now,
        seq=world.next_seq(),
    )
    world.redirects[site.id].append(redirect)
    if not draft:  # a live redirect fixes the broken-link findings for its source path
        for finding in world.findings[site.id]:
            if (
                finding.type == "broken-link"
                and finding.broken_path == source
                and finding.status in ("open", "candidate")
            ):
                finding.status = "done"
                finding.updated_at = now
    return Reply(201, call.render.redirect(redirect))


def _resolve_destination(world, site, destination: dict) -> dict:
    site_space_ids = dict(site.site_spaces)
    kind = destination["kind"]
    if kind == "path":
        matches = [ssid for ssid, sid in site.site_spaces if sid == destination["spaceId"]]
        if not matches:
            raise ApiError(400, f"Space {destination['spaceId']!r} is not part of site {site.id!r}")
        space = world.spaces[destination["spaceId"]]
        if space.deleted_at is not None:
            raise ApiError(400, f"Space {space.id!r} is deleted: restore it first")
        content = world.content.get(space.content_key, space.created_at)
        page = content.page_by_path(destination["path"])
        if page is None:
            raise ApiError(400, f"No page at path {destination['path']!r} in space {space.id!r}")
        return {"kind": "site-page", "siteSpaceId": matches[0], "pageId": page.id}
    if kind == "site-section":
        raise ApiError(400, f"Site {site.id!r} has no section {destination['siteSectionId']!r}")
    space_id = site_space_ids.get(destination["siteSpaceId"])
    if space_id is None:
        raise ApiError(400, f"Site {site.id!r} has no site space {destination['siteSpaceId']!r}")
    if kind == "site-page":
        space = world.spaces[space_id]
        content = world.content.get(space.content_key, space.created_at)
        page_id, site_space_id = destination["pageId"], destination["siteSpaceId"]
        if content.page_by_id(page_id) is None:
            raise ApiError(400, f"No page {page_id!r} in site space {site_space_id!r}")
        return {"kind": "site-page", "siteSpaceId": site_space_id, "pageId": page_id}
    return {"kind": "site-space", "siteSpaceId": destination["siteSpaceId"]}
