"""Every operation of the vendored document, at its path under /v1."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from . import imports, ops_sites, ops_spaces
from .call import Call, Reply

# Operations the live API (0.202.0, "current") no longer has: they answer 404 there.
GONE_IN_CURRENT = frozenset({"listSpaceLinks", "transferSpace"})


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    handler: Callable[[Call], Reply]
    pattern: re.Pattern

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


_TABLE = [
    ("GET", "/user", "getAuthenticatedUser", ops_spaces.get_authenticated_user),
    ("GET", "/orgs", "listOrganizationsForAuthenticatedUser", ops_spaces.list_organizations),
    ("GET", "/orgs/{organizationId}", "getOrganizationById", ops_spaces.get_organization),
    (
        "GET",
        "/orgs/{organizationId}/spaces",
        "listSpacesInOrganizationById",
        ops_spaces.list_spaces,
    ),
    ("POST", "/orgs/{organizationId}/spaces", "createSpace", ops_spaces.create_space),
    (
        "GET",
        "/orgs/{organizationId}/collections",
        "listCollectionsInOrganizationById",
        ops_spaces.list_collections,
    ),
    ("GET", "/collections/{collectionId}", "getCollectionById", ops_spaces.get_collection),
    (
        "GET",
        "/collections/{collectionId}/spaces",
        "listSpacesInCollectionById",
        ops_spaces.list_collection_spaces,
    ),
    ("GET", "/spaces/{spaceId}", "getSpaceById", ops_spaces.get_space),
    ("PATCH", "/spaces/{spaceId}", "updateSpaceById", ops_spaces.update_space),
    ("DELETE", "/spaces/{spaceId}", "deleteSpaceById", ops_spaces.delete_space),
    ("POST", "/spaces/{spaceId}/duplicate", "duplicateSpace", ops_spaces.duplicate_space),
    ("POST", "/spaces/{spaceId}/restore", "restoreSpace", ops_spaces.restore_space),
    ("POST", "/spaces/{spaceId}/move", "moveSpace", ops_spaces.move_space),
    ("POST", "/spaces/{spaceId}/transfer", "transferSpace", ops_spaces.transfer_space),
    ("GET", "/spaces/{spaceId}/links", "listSpaceLinks", ops_sites.list_space_links),
    ("POST", "/org/{organizationId}/imports", "startImportRun", imports.start_import_run),
    ("GET", "/org/{organizationId}/imports", "listImportRuns", imports.list_import_runs),
    ("GET", "/org/{organizationId}/imports/{importRunId}", "getImportRun", imports.get_import_run),
    (
        "POST",
        "/org/{organizationId}/imports/{importRunId}/cancel",
        "cancelImportRun",
        imports.cancel_import_run,
    ),
    ("GET", "/orgs/{organizationId}/sites", "listSites", ops_sites.list_sites),
    (
        "GET",
        "/orgs/{organizationId}/sites/{siteId}/findings",
        "listSiteFindings",
        ops_sites.list_site_findings,
    ),
    (
        "GET",
        "/orgs/{organizationId}/sites/{siteId}/redirects",
        "listSiteRedirects",
        ops_sites.list_site_redirects,
    ),
    (
        "POST",
        "/orgs/{organizationId}/sites/{siteId}/redirects",
        "createSiteRedirect",
        ops_sites.create_site_redirect,
    ),
]


def _compile(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?$")


ROUTES = [Route(m, t, op, handler, _compile(t)) for m, t, op, handler in _TABLE]


def match(method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
    """The route for ``path`` (relative to /v1), its parameters, and whether the path exists."""
    path_exists = False
    for route in ROUTES:
        found = route.pattern.match(path)
        if found:
            path_exists = True
            if route.method == method:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}, True
    return None, {}, path_exists
