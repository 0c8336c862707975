"""Typed results of the GitBook API.

Every model is a dataclass built by ``Model.from_api(data)``. It keeps the
whole decoded object in ``raw`` (so callers can cache or serialise the JSON
as the API sent it), ignores fields it does not know, and uses None for
optional fields that are missing. Only ``id`` is required where objects have
one; a response without it is not a GitBook object.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from .errors import GitBookError
from .fields import array, number, obj, object_id, parse_datetime, text
from .site_models import BrokenLinkAction, OutboundLink, Site, SiteFinding, SiteRedirect

__all__ = [
    "BrokenLinkAction",
    "Collection",
    "ContentLocation",
    "DeleteOutcome",
    "GitSync",
    "ImportRun",
    "ImportedPage",
    "LinkStats",
    "Organization",
    "OutboundLink",
    "Page",
    "Site",
    "SiteFinding",
    "SiteRedirect",
    "Space",
    "SpaceLink",
    "User",
    "parse_datetime",
    "parse_model",
    "parse_page",
]

T = TypeVar("T")


class DeleteOutcome(enum.StrEnum):
    """What ``delete_space`` found: 205 deleted now, 204 it was already gone."""

    DELETED = "deleted"
    ALREADY_GONE = "already-gone"


@dataclass(frozen=True)
class User:
    id: str
    display_name: str | None
    email: str | None
    photo_url: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> User:
        return cls(
            id=object_id(data),
            display_name=text(data.get("displayName")),
            email=text(data.get("email")),
            photo_url=text(data.get("photoURL")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class Organization:
    id: str
    title: str | None
    type: str | None
    plan: str | None
    hostname: str | None
    created_at: datetime | None
    app_url: str | None
    location_url: str | None
    permissions: dict[str, bool]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Organization:
        urls = obj(data.get("urls"))
        return cls(
            id=object_id(data),
            title=text(data.get("title")),
            type=text(data.get("type")),
            plan=text(data.get("plan")),
            hostname=text(data.get("hostname")),
            created_at=parse_datetime(data.get("createdAt")),
            app_url=text(urls.get("app")),
            location_url=text(urls.get("location")),
            permissions=obj(data.get("permissions")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class GitSync:
    repo_name: str | None
    provider: str | None
    url: str | None
    updated_at: datetime | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GitSync:
        return cls(
            repo_name=text(data.get("repoName")),
            provider=text(data.get("installationProvider")),
            url=text(data.get("url")),
            updated_at=parse_datetime(data.get("updatedAt")),
        )


@dataclass(frozen=True)
class Space:
    id: str
    title: str | None
    emoji: str | None
    visibility: str | None
    edit_mode: str | None
    default_level: str | None
    language: str | None
    parent: str | None
    organization: str | None
    revision: str | None
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None
    app_url: str | None
    published_url: str | None
    public_url: str | None
    location_url: str | None
    icon_url: str | None
    comments: int | None
    change_requests: int | None
    change_requests_open: int | None
    change_requests_draft: int | None
    git_sync: GitSync | None
    permissions: dict[str, bool]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Space:
        urls = obj(data.get("urls"))
        git_sync = data.get("gitSync")
        return cls(
            id=object_id(data),
            title=text(data.get("title")),
            emoji=text(data.get("emoji")),
            visibility=text(data.get("visibility")),
            edit_mode=text(data.get("editMode")),
            default_level=text(data.get("defaultLevel")),
            language=text(data.get("language")),
            parent=text(data.get("parent")),
            organization=text(data.get("organization")),
            revision=text(data.get("revision")),
            created_at=parse_datetime(data.get("createdAt")),
            updated_at=parse_datetime(data.get("updatedAt")),
            deleted_at=parse_datetime(data.get("deletedAt")),
            app_url=text(urls.get("app")),
            published_url=text(urls.get("published")),
            public_url=text(urls.get("public")),
            location_url=text(urls.get("location")),
            icon_url=text(urls.get("icon")),
            comments=number(data.get("comments")),
            change_requests=number(data.get("changeRequests")),
            change_requests_open=number(data.get("changeRequestsOpen")),
            change_requests_draft=number(data.get("changeRequestsDraft")),
            git_sync=GitSync.from_api(git_sync) if isinstance(git_sync, dict) else None,
            permissions=obj(data.get("permissions")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class Collection:
    id: str
    title: str | None
    description: str | None
    organization: str | None
    parent: str | None
    default_level: str | None
    app_url: str | None
    location_url: str | None
    permissions: dict[str, bool]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Collection:
        urls = obj(data.get("urls"))
        return cls(
            id=object_id(data),
            title=text(data.get("title")),
            description=text(data.get("description")),
            organization=text(data.get("organization")),
            parent=text(data.get("parent")),
            default_level=text(data.get("defaultLevel")),
            app_url=text(urls.get("app")),
            location_url=text(urls.get("location")),
            permissions=obj(data.get("permissions")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class ContentLocation:
    """Where a link points or appears: a page, a space, a collection, a URL, a file..."""

    kind: str | None
    url: str | None
    organization_id: str | None
    space_id: str | None
    space_title: str | None
    page_id: str | None
    page_title: str | None
    page_path: str | None
    collection_id: str | None
    file_id: str | None
    user_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ContentLocation:
        space = obj(data.get("space"))
        page = obj(data.get("page"))
        return cls(
            kind=text(data.get("kind")),
            url=text(data.get("url")),
            organization_id=text(obj(data.get("organization")).get("id")),
            space_id=text(space.get("id")),
            space_title=text(space.get("title")),
            page_id=text(page.get("id")),
            page_title=text(page.get("title")),
            page_path=text(page.get("path")),
            collection_id=text(obj(data.get("collection")).get("id")),
            file_id=text(obj(data.get("file")).get("id")),
            user_id=text(obj(data.get("user")).get("id")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class SpaceLink:
    """One link target in a space and the pages it appears on."""

    status: str | None
    relation: str | None
    target: ContentLocation | None
    locations: list[ContentLocation]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_broken(self) -> bool:
        return self.status == "broken"

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> SpaceLink:
        target = data.get("targetReference")
        return cls(
            status=text(data.get("status")),
            relation=text(data.get("relation")),
            target=ContentLocation.from_api(target) if isinstance(target, dict) else None,
            locations=[
                ContentLocation.from_api(item)
                for item in array(data.get("locationReferences"))
                if isinstance(item, dict)
            ],
            raw=dict(data),
        )


@dataclass(frozen=True)
class LinkStats:
    total: int | None
    broken: int | None
    broken_in_change_request: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> LinkStats:
        broken = obj(data.get("broken"))
        return cls(
            total=number(data.get("total")),
            broken=number(broken.get("total")),
            broken_in_change_request=number(broken.get("changeRequest")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class ImportedPage:
    """A page of an import run; ``status`` is ``pending`` until it is ``complete``."""

    id: str | None
    title: str | None
    status: str | None
    source_url: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ImportedPage:
        return cls(
            id=text(data.get("id")),
            title=text(data.get("title")),
            status=text(data.get("status")),
            source_url=text(data.get("sourceURL")),
        )


@dataclass(frozen=True)
class ImportRun:
    """A website import: ``pending`` → ``in-progress`` → ``completed``/``failed``/``cancelled``."""

    FINISHED_STATUSES = frozenset({"completed", "failed", "cancelled"})

    id: str
    status: str | None
    reason: str | None
    started_at: datetime | None
    completed_at: datetime | None
    pages: list[ImportedPage]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ImportRun:
        return cls(
            id=object_id(data),
            status=text(data.get("status")),
            # Not in the document's schema, but the API sends it on failed runs.
            reason=text(data.get("reason")),
            started_at=parse_datetime(data.get("startedAt")),
            completed_at=parse_datetime(data.get("completedAt")),
            pages=[
                ImportedPage.from_api(item)
                for item in array(data.get("pages"))
                if isinstance(item, dict)
            ],
            raw=dict(data),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the cursor of the next page, the total count."""

    items: list[T]
    next_page: str | None
    count: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)
    stats: LinkStats | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any], parse_item: Callable[[Any], T]) -> Page[T]:
        items = data["items"]
        if not isinstance(items, list):
            raise ValueError("list response without an items array")
        stats = data.get("stats")
        return cls(
            items=[parse_item(item) for item in items],
            next_page=text(obj(data.get("next")).get("page")) or None,
            count=number(data.get("count")),
            raw=dict(data),
            stats=LinkStats.from_api(stats) if isinstance(stats, dict) else None,
        )


def parse_model(parse: Callable[[Mapping[str, Any]], T], data: Any) -> T:
    """Build a model from decoded JSON; a response of the wrong shape is a GitBookError."""
    try:
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        return parse(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise GitBookError(f"GitBook sent a response of an unexpected shape: {exc}") from None


def parse_page(data: Any, parse_item: Callable[[Mapping[str, Any]], T]) -> Page[T]:
    """Build a ``Page`` whose items are built by ``parse_item``."""
    return parse_model(
        lambda page: Page.from_api(page, lambda item: parse_model(parse_item, item)), data
    )
