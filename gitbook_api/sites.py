"""Operations on published sites, their findings and redirects; mixed into ``GitBookClient``.

These come from API 0.202.0, where site findings replace the links of a space:
``broken-link`` findings (a URL of the site answers 404, fixed by the redirect
in ``broken_link_action``) and ``outbound-link-error`` findings (an external
URL that fails).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from . import models
from .models import parse_model, parse_page
from .pagination import iter_items
from .transport import ApiResponse, TimeoutSeconds, segment


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def _as_timestamp(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


class SiteOperations:
    """Sites, site findings and site redirects."""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: TimeoutSeconds | None = None,
    ) -> ApiResponse:
        raise NotImplementedError

    def list_sites_page(
        self,
        org_id: str,
        *,
        space: str | None = None,
        title: str | None = None,
        published: bool | None = None,
        types: str | Sequence[str] | None = None,
        page: str | None = None,
        limit: int | None = None,
    ) -> models.Page[models.Site]:
        """One page of an organization's sites, filtered by space, title, published or type.
        GET /orgs/{organizationId}/sites (listSites)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/docs-sites

        >>> client.list_sites_page("org-id", published=True).items
        """
        params = {
            "space": space,
            "title": title,
            "published": published,
            "type": _as_list(types),
            "page": page,
            "limit": limit,
        }
        response = self.request("GET", f"/orgs/{segment(org_id)}/sites", params=params)
        return parse_page(response.data, models.Site.from_api)

    def list_sites(
        self,
        org_id: str,
        *,
        space: str | None = None,
        title: str | None = None,
        published: bool | None = None,
        types: str | Sequence[str] | None = None,
        limit: int | None = 1000,
    ) -> Iterator[models.Site]:
        """Every site of an organization, fetching pages as needed.

        >>> [site.title for site in client.list_sites("org-id")]
        """
        return iter_items(
            lambda cursor: self.list_sites_page(
                org_id,
                space=space,
                title=title,
                published=published,
                types=types,
                page=cursor,
                limit=limit,
            )
        )

    def list_site_findings_page(
        self,
        org_id: str,
        site_id: str,
        *,
        types: str | Sequence[str] | None = None,
        status: str | None = None,
        severity: str | None = None,
        order_by: str | None = None,
        updated_after: datetime | str | None = None,
        updated_before: datetime | str | None = None,
        page: str | None = None,
        limit: int | None = None,
    ) -> models.Page[models.SiteFinding]:
        """One page of a site's findings; ``types`` may name several (any of them matches).
        GET /orgs/{organizationId}/sites/{siteId}/findings (listSiteFindings)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/docs-sites

        >>> client.list_site_findings_page("org-id", "site-id", types=["broken-link"]).items
        """
        params = {
            "type": _as_list(types),
            "status": status,
            "severity": severity,
            "orderBy": order_by,
            "updatedAfter": _as_timestamp(updated_after),
            "updatedBefore": _as_timestamp(updated_before),
            "page": page,
            "limit": limit,
        }
        response = self.request(
            "GET", f"/orgs/{segment(org_id)}/sites/{segment(site_id)}/findings", params=params
        )
        return parse_page(response.data, models.SiteFinding.from_api)

    def list_site_findings(
        self,
        org_id: str,
        site_id: str,
        *,
        types: str | Sequence[str] | None = None,
        status: str | None = None,
        severity: str | None = None,
        order_by: str | None = None,
        limit: int | None = 1000,
    ) -> Iterator[models.SiteFinding]:
        """Every finding of a site, fetching pages as needed.

        >>> client.list_site_findings("org-id", "site-id", types=["broken-link"], status="open")
        """
        return iter_items(
            lambda cursor: self.list_site_findings_page(
                org_id,
                site_id,
                types=types,
                status=status,
                severity=severity,
                order_by=order_by,
                page=cursor,
                limit=limit,
            )
        )

    def list_site_redirects_page(
        self,
        org_id: str,
        site_id: str,
        *,
        search: str | None = None,
        draft: bool | None = None,
        order_by: str | None = None,
        page: str | None = None,
        limit: int | None = None,
    ) -> models.Page[models.SiteRedirect]:
        """One page of a site's redirects, optionally searched by path or draft only.
        GET /orgs/{organizationId}/sites/{siteId}/redirects (listSiteRedirects)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/docs-sites/site-redirects

        >>> client.list_site_redirects_page("org-id", "site-id", search="/old").items
        """
        params = {
            "search": search,
            "draft": draft,
            "orderBy": order_by,
            "page": page,
            "limit": limit,
        }
        response = self.request(
            "GET", f"/orgs/{segment(org_id)}/sites/{segment(site_id)}/redirects", params=params
        )
        return parse_page(response.data, models.SiteRedirect.from_api)

    def list_site_redirects(
        self,
        org_id: str,
        site_id: str,
        *,
        search: str | None = None,
        draft: bool | None = None,
        limit: int | None = 1000,
    ) -> Iterator[models.SiteRedirect]:
        """Every redirect of a site, fetching pages as needed.

        >>> [redirect.source for redirect in client.list_site_redirects("org-id", "site-id")]
        """
        return iter_items(
            lambda cursor: self.list_site_redirects_page(
                org_id, site_id, search=search, draft=draft, page=cursor, limit=limit
            )
        )

    def create_site_redirect(
        self,
        org_id: str,
        site_id: str,
        *,
        source: str,
        destination: Mapping[str, Any],
        capture_wildcard: bool | None = None,
        draft: bool | None = None,
        permanent: bool | None = None,
    ) -> models.SiteRedirect:
        """Redirect ``source`` (a path like ``/old/page``) to ``destination``, which is
        ``{"kind": "path", "spaceId": ..., "path": ...}`` or a site-page/section/space pointer.
        A finding's fix: ``create_site_redirect(org, site, **action.redirect_kwargs())``.
        POST /orgs/{organizationId}/sites/{siteId}/redirects (createSiteRedirect)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/docs-sites/site-redirects

        >>> client.create_site_redirect("org-id", "site-id", source="/old", destination=dest)
        """
        body: dict[str, Any] = {"source": source, "destination": dict(destination)}
        for key, value in (
            ("captureWildcard", capture_wildcard),
            ("draft", draft),
            ("permanent", permanent),
        ):
            if value is not None:
                body[key] = value
        response = self.request(
            "POST", f"/orgs/{segment(org_id)}/sites/{segment(site_id)}/redirects", json=body
        )
        return parse_model(models.SiteRedirect.from_api, response.data)
