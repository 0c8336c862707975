"""The spaces list: the query from the URL, and keeping the index fresh."""

import time

from django.conf import settings
from redis.exceptions import RedisError

from dashboard.accounts.connections import current_connection, current_connection_reading
from dashboard.accounts.models import Connection
from dashboard.gitbook import cache
from dashboard.spaces import index
from dashboard.spaces.tasks import schedule_walk

VISIBILITIES = ["public", "unlisted", "share-link", "visitor-auth", "in-collection", "private"]
EDIT_MODES = ["live", "locked"]
PAGE_SIZES = [25, 50, 100, 200]
VISIBILITY_CHOICES = (("", "Any visibility"), *((v, v) for v in VISIBILITIES))
EDIT_MODE_CHOICES = (("", "Any edit mode"), *((m, m) for m in EDIT_MODES))
SORT_CHOICES = (
    ("title", "Title A–Z"),
    ("-title", "Title Z–A"),
    ("-updated", "Recently updated"),
    ("updated", "Least recently updated"),
)
PER_PAGE_CHOICES = tuple((n, f"{n} per page") for n in PAGE_SIZES)


# What query_from_params accepts for each choice; anything else means the default.
_VISIBILITY_VALUES = frozenset(VISIBILITIES)
_EDIT_MODE_VALUES = frozenset(EDIT_MODES)
_SORT_VALUES = frozenset(value for value, _ in SORT_CHOICES)
_PAGE_SIZE_VALUES = {str(size): size for size in PAGE_SIZES}
MAX_SEARCH_LENGTH = 100


def query_from_params(params) -> index.SpaceQuery:
    """The list's query from the address (or a form's POST).

    A shared link may be old or edited by hand, so a value that does not
    parse is ignored and its default used, never an error. Parsed by hand
    rather than with a Form: the list is the busiest page, and a Form's
    per-request copies of its fields cost more than the search itself.
    """
    defaults = index.DEFAULT_QUERY

    def text(name: str) -> str:
        value = params.get(name, "").strip()
        if len(value) > MAX_SEARCH_LENGTH or "\x00" in value:
            return ""
        return value

    def choice(name: str, allowed: frozenset, default: str) -> str:
        value = params.get(name, "")
        return value if value in allowed else default

    page = params.get("page", "").strip()
    page_parses = page.isascii() and page.isdigit() and len(page) <= 9 and int(page) >= 1
    return index.SpaceQuery(
        q=text("q"),
        visibility=choice("visibility", _VISIBILITY_VALUES, ""),
        collection=text("collection"),
        edit_mode=choice("edit_mode", _EDIT_MODE_VALUES, ""),
        sort=choice("sort", _SORT_VALUES, defaults.sort),
        page=int(page) if page_parses else defaults.page,
        per_page=_PAGE_SIZE_VALUES.get(params.get("per_page", "").strip(), defaults.per_page),
    )


def index_without_redis(connection) -> index.SpaceIndex:
    """With Redis down: the first page of spaces straight from GitBook, so the
    list still shows something (and says what it is missing)."""
    read = cache.read(
        connection, "spaces_page", org_id=connection.organization_id, page=None, limit=1000
    )
    spaces = (read.data or {}).get("items", [])
    total = (read.data or {}).get("count")
    return index.build_from_rows(
        [index.row_from_space(space) for space in spaces], total=total, error=read.error
    )


def fresh_index(connection_id: int) -> index.SpaceIndex:
    """The index as it is, with a walk scheduled if it is missing or old."""
    current = index.load_index(connection_id)
    walk_if_stale(connection_id, current)
    return current


def connection_and_index(request) -> tuple[Connection | None, index.SpaceIndex | None, bool]:
    """The request's connection and its fresh index, and whether Redis is down.

    The list is the busiest page: the connections' stamp, the index version
    and whether GitBook is unreachable (which the header says) come in one
    round trip to Redis. Without Redis the index is the first page of spaces
    straight from GitBook.
    """
    try:
        connection, values = current_connection_reading(request, _list_page_keys)
        if connection is None:
            return None, None, False
        raw_version, unreachable = values
        cache.remember_unreachable(request, unreachable)
        current = index.index_at_version(connection.pk, raw_version)
        walk_if_stale(connection.pk, current)
        return connection, current, False
    except RedisError:
        connection = current_connection(request)
        if connection is None:
            return None, None, True
        return connection, index_without_redis(connection), True


def _list_page_keys(connection_id: int) -> list[str]:
    return [index.version_key(connection_id), cache.unreachable_key(connection_id)]


def walk_if_stale(connection_id: int, current: index.SpaceIndex) -> None:
    if is_stale(current.refreshed_at):
        # This process's copy may predate a walk that just ended: ask Redis
        # before starting another one.
        meta = index.read_meta(connection_id) or {}
        if is_stale(meta.get("refreshed_at")):
            schedule_walk(connection_id)


def is_stale(refreshed_at: float | None) -> bool:
    return refreshed_at is None or time.time() - refreshed_at > settings.API_CACHE_FRESH_SECONDS
