"""What the home page shows about the connected organization."""

import time
from dataclasses import dataclass

from redis.exceptions import RedisError

from dashboard.accounts.models import Connection
from dashboard.gitbook import cache
from dashboard.gitbook.pacer import rate_limit_headroom
from dashboard.gitbook.tasks import last_worker_heartbeat

SPACES_PAGE_SIZE = 1000
WORKER_SILENT_AFTER_SECONDS = 60


@dataclass(frozen=True)
class OrganizationOverview:
    organization: cache.CachedRead
    first_spaces_page: cache.CachedRead
    rate_limit: dict | None
    worker_seen_seconds_ago: float | None

    @property
    def title(self) -> str | None:
        data = self.organization.data
        return data.get("title") if data else None

    @property
    def space_count(self) -> int | None:
        data = self.first_spaces_page.data
        if not data:
            return None
        count = data.get("count")
        return count if count is not None else len(data.get("items", []))

    @property
    def refreshing(self) -> bool:
        return self.organization.refreshing or self.first_spaces_page.refreshing

    @property
    def error(self) -> str | None:
        return self.organization.error or self.first_spaces_page.error

    @property
    def redis_down(self) -> bool:
        return self.organization.uncached or self.first_spaces_page.uncached

    @property
    def worker_alive(self) -> bool:
        seen = self.worker_seen_seconds_ago
        return seen is not None and seen < WORKER_SILENT_AFTER_SECONDS


def organization_overview(connection: Connection) -> OrganizationOverview:
    org_id = connection.organization_id
    organization = cache.read(connection, "organization", org_id=org_id)
    first_spaces_page = cache.read(
        connection, "spaces_page", org_id=org_id, page=None, limit=SPACES_PAGE_SIZE
    )
    # Read after the calls above, which may be the first to learn the headroom.
    try:
        heartbeat = last_worker_heartbeat()
        rate_limit = rate_limit_headroom(connection.pk)
    except RedisError:
        heartbeat, rate_limit = None, None
    return OrganizationOverview(
        organization=organization,
        first_spaces_page=first_spaces_page,
        rate_limit=rate_limit,
        worker_seen_seconds_ago=time.time() - heartbeat if heartbeat else None,
    )
