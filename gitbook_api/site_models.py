"""Typed results for sites, site findings and site redirects (API 0.202.0).

Same conventions as ``models``: ``from_api(data)``, the whole object in ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .fields import flag, number, obj, object_id, parse_datetime, text


@dataclass(frozen=True)
class Site:
    id: str
    title: str | None
    type: str | None
    visibility: str | None
    published: bool | None
    hostname: str | None
    basename: str | None
    site_spaces: int | None
    created_at: datetime | None
    app_url: str | None
    published_url: str | None
    location_url: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Site:
        urls = obj(data.get("urls"))
        return cls(
            id=object_id(data),
            title=text(data.get("title")),
            type=text(data.get("type")),
            visibility=text(data.get("visibility")),
            published=flag(data.get("published")),
            hostname=text(data.get("hostname")),
            basename=text(data.get("basename")),
            site_spaces=number(data.get("siteSpaces")),
            created_at=parse_datetime(data.get("createdAt")),
            app_url=text(urls.get("app")),
            published_url=text(urls.get("published")),
            location_url=text(urls.get("location")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class BrokenLinkAction:
    """The redirect that fixes a broken-link finding, shaped as ``create_site_redirect`` input."""

    source: str | None
    destination: dict[str, Any]
    capture_wildcard: bool | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    def redirect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``client.create_site_redirect(org_id, site_id, **kwargs)``."""
        kwargs: dict[str, Any] = {"source": self.source, "destination": self.destination}
        if self.capture_wildcard is not None:
            kwargs["capture_wildcard"] = self.capture_wildcard
        return kwargs

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> BrokenLinkAction:
        return cls(
            source=text(data.get("source")),
            destination=obj(data.get("destination")),
            capture_wildcard=flag(data.get("captureWildcard")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class OutboundLink:
    """The failing external URL of an ``outbound-link-error`` finding."""

    url: str | None
    status: str | None
    failure_kind: str | None
    http_status: int | None
    checked_at: datetime | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> OutboundLink:
        return cls(
            url=text(data.get("url")),
            status=text(data.get("status")),
            failure_kind=text(data.get("failureKind")),
            http_status=number(data.get("httpStatus")),
            checked_at=parse_datetime(data.get("checkedAt")),
        )


@dataclass(frozen=True)
class SiteFinding:
    id: str
    type: str | None
    status: str | None
    severity: str | None
    title: str | None
    scan: str | None
    topic: str | None
    pages: int | None
    questions: int | None
    records: int | None
    change_requests: int | None
    auto_fixable: bool | None
    broken_link_action: BrokenLinkAction | None
    outbound_link: OutboundLink | None
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> SiteFinding:
        action = data.get("brokenLinkAction")
        outbound = data.get("outboundLink")
        return cls(
            id=object_id(data),
            type=text(data.get("type")),
            status=text(data.get("status")),
            severity=text(data.get("severity")),
            title=text(data.get("title")),
            scan=text(data.get("scan")),
            topic=text(data.get("topic")),
            pages=number(data.get("pages")),
            questions=number(data.get("questions")),
            records=number(data.get("records")),
            change_requests=number(data.get("changeRequests")),
            auto_fixable=flag(data.get("autoFixable")),
            broken_link_action=(
                BrokenLinkAction.from_api(action) if isinstance(action, dict) else None
            ),
            outbound_link=OutboundLink.from_api(outbound) if isinstance(outbound, dict) else None,
            created_at=parse_datetime(data.get("createdAt")),
            updated_at=parse_datetime(data.get("updatedAt")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class SiteRedirect:
    id: str
    source: str | None
    destination: dict[str, Any]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> SiteRedirect:
        return cls(
            id=object_id(data),
            source=text(data.get("source")),
            destination=obj(data.get("destination")),
            raw=dict(data),
        )
