"""The fake's in-memory world: its records, indexes and the one lock around them."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from fractions import Fraction

from .clock import FakeClock
from .config import FakeConfig
from .content import ContentStore
from .errors import ApiError
from .ids import make_id

RETENTION_SECONDS = 7 * 86400


@dataclass(slots=True)
class User:
    id: str
    display_name: str
    email: str


@dataclass(slots=True)
class Organization:
    id: str
    title: str
    hostname: str
    created_at: float
    role: str  # the token user's role: "admin" can write, "read" cannot
    plan: str
    seq: int


@dataclass(slots=True)
class Collection:
    id: str
    org_id: str
    title: str
    description: str
    parent_id: str | None
    rank: Fraction
    default_level: str
    created_at: float
    seq: int


@dataclass(slots=True)
class Space:
    id: str
    org_id: str
    title: str
    emoji: str
    visibility: str
    edit_mode: str
    default_level: str
    parent_id: str | None
    rank: Fraction
    revision: str
    created_at: float
    updated_at: float
    seq: int
    content_key: str
    deleted_at: float | None = None
    comments: int = 0
    change_requests: int = 0
    change_requests_open: int = 0
    change_requests_draft: int = 0
    git_sync: dict | None = None
    language: str | None = None
    icon: str | None = None
    merge_rules: dict = field(default_factory=lambda: {"type": "inherit"})


@dataclass(slots=True)
class Site:
    id: str
    org_id: str
    title: str
    type: str
    visibility: str
    published: bool
    basename: str
    created_at: float
    site_spaces: list[tuple[str, str]]  # (site space id, space id)
    seq: int


@dataclass(slots=True)
class Finding:
    id: str
    site_id: str
    scan: str
    topic: str | None
    title: str
    type: str
    status: str
    severity: str
    created_at: float
    updated_at: float
    seq: int
    text: str
    broken_path: str | None = None
    broken_link_action: dict | None = None
    outbound_link: dict | None = None
    pages: int = 0
    records: int = 0
    questions: int = 0
    change_requests: int = 0


@dataclass(slots=True)
class Redirect:
    id: str
    site_id: str
    source: str
    destination: dict
    draft: bool
    permanent: bool
    capture_wildcard: bool
    created_at: float
    updated_at: float
    seq: int


class World:
    """Everything the fake knows. Callers hold ``lock`` while they read or change it."""

    def __init__(self, config: FakeConfig, clock: FakeClock) -> None:
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        self.runtime_rng = random.Random(f"{config.seed}:runtime")
        self.user: User | None = None
        self.organizations: dict[str, Organization] = {}
        self.collections: dict[str, Collection] = {}
        self.spaces: dict[str, Space] = {}
        self.sites: dict[str, Site] = {}
        self.findings: dict[str, list[Finding]] = {}  # by site id
        self.redirects: dict[str, list[Redirect]] = {}  # by site id
        self.imports: dict[str, object] = {}
        self.seeded_spaces: dict[str, list[str]] = {}  # by org id, for link targets
        self.content: ContentStore | None = None  # set once the world is seeded
        self.import_state_changes = 0
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_id(self, length: int = 20) -> str:
        return make_id(self.runtime_rng, length)

    # Lookups that answer the API's way: 404 with GitBook's message shape.

    def organization(self, org_id: str) -> Organization:
        org = self.organizations.get(org_id)
        if org is None:
            raise ApiError(404, f"No organization found with id {org_id!r}")
        return org

    def collection(self, collection_id: str, org_id: str | None = None) -> Collection:
        found = self.collections.get(collection_id)
        if found is None or (org_id is not None and found.org_id != org_id):
            raise ApiError(404, f"No collection found with id {collection_id!r}")
        return found

    def is_purged(self, space: Space) -> bool:
        return (
            space.deleted_at is not None and self.clock.now() - space.deleted_at > RETENTION_SECONDS
        )

    def space(self, space_id: str, *, allow_deleted: bool = False) -> Space:
        """A space that exists; a soft-deleted one only when ``allow_deleted``."""
        found = self.spaces.get(space_id)
        if found is None or self.is_purged(found) or (found.deleted_at and not allow_deleted):
            raise ApiError(404, f"No space found with id {space_id!r}")
        return found

    def site(self, org_id: str, site_id: str) -> Site:
        self.organization(org_id)
        found = self.sites.get(site_id)
        if found is None or found.org_id != org_id:
            raise ApiError(404, f"No site found with id {site_id!r}")
        return found

    def require_writer(self, org: Organization, action: str) -> None:
        if org.role != "admin":
            raise ApiError(
                403, f"You do not have permission to {action} in organization {org.title!r}"
            )

    # Ordering: spaces and collections share one ordering under each parent.

    def live_spaces(self, org_id: str) -> list[Space]:
        return [s for s in self.spaces.values() if s.org_id == org_id and s.deleted_at is None]

    def siblings(self, org_id: str, parent_id: str | None) -> list[Space | Collection]:
        children: list[Space | Collection] = [
            c for c in self.collections.values() if c.org_id == org_id and c.parent_id == parent_id
        ]
        children += [s for s in self.live_spaces(org_id) if s.parent_id == parent_id]
        children.sort(key=lambda item: (item.rank, item.seq))
        return children

    def rank_at_end(self, org_id: str, parent_id: str | None) -> Fraction:
        children = self.siblings(org_id, parent_id)
        return children[-1].rank + 1 if children else Fraction(1)

    def rank_after(self, item: Space | Collection) -> Fraction:
        """A rank right after ``item`` among its siblings."""
        children = self.siblings(item.org_id, item.parent_id)
        later = [c for c in children if (c.rank, c.seq) > (item.rank, item.seq)]
        return (item.rank + later[0].rank) / 2 if later else item.rank + 1
