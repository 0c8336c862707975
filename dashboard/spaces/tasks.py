import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from celery import shared_task

from dashboard.accounts.models import Connection
from dashboard.gitbook.clients import client_for
from dashboard.gitbook.redis import get_redis
from dashboard.spaces import index
from gitbook_api.errors import GitBookError

log = logging.getLogger(__name__)

WALK_LOCK_SECONDS = 600
PAGE_SIZE = 1000
RETRY_AFTER_ERROR_SECONDS = 30


@shared_task(
    ignore_result=True, soft_time_limit=WALK_LOCK_SECONDS - 60, time_limit=WALK_LOCK_SECONDS
)
def walk_spaces(connection_id: int) -> None:
    """Load every space of the organization into the index, page by page."""
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    lock = f"gb:{connection_id}:spaces:walk-lock"
    if not get_redis().set(lock, 1, nx=True, ex=WALK_LOCK_SECONDS):
        return  # another worker is walking
    try:
        walk(connection)
    except GitBookError as exc:
        # The list keeps what it had and says why it could not refresh. The
        # schedule key stays a while, so a failing API is not asked again by
        # every list view.
        log.warning("Walking the spaces of connection %s failed: %s", connection_id, exc)
        index.record_walk_error(connection_id, str(exc))
        get_redis().delete(lock)
        get_redis().expire(schedule_key(connection_id), RETRY_AFTER_ERROR_SECONDS)
    else:
        get_redis().delete(lock, schedule_key(connection_id))


def walk(connection: Connection) -> None:
    started = index.start_walk(connection.pk)
    org_id = connection.organization_id
    # Collections arrive while the spaces are paged through, and each page is
    # stored while the next one is fetched: the walk takes as long as the API.
    with ThreadPoolExecutor(max_workers=1) as collector, ThreadPoolExecutor(max_workers=1) as store:
        collections = collector.submit(
            lambda: [c.raw for c in client_for(connection).list_collections(org_id)]
        )
        client = client_for(connection)
        path = f"/orgs/{quote(org_id, safe='')}/spaces"
        cursor, number, stored = None, 0, []
        while True:
            # The raw page: the index keeps a few fields of each space, so
            # building 1000 typed models a page would be wasted work.
            page = client.request("GET", path, params={"limit": PAGE_SIZE, "page": cursor}).data
            stored.append(
                store.submit(
                    index.store_page,
                    connection.pk,
                    number,
                    page.get("items", []),
                    page.get("count"),
                    started,
                )
            )
            number += 1
            cursor = (page.get("next") or {}).get("page")
            if not cursor:
                break
        for result in stored:
            result.result()  # raises what storing raised
        index.finish_walk(connection.pk, started, collections.result())


def schedule_key(connection_id: int) -> str:
    return f"gb:{connection_id}:spaces:walk-scheduled"


def schedule_walk(connection_id: int) -> bool:
    """Ask a worker to walk the spaces, unless one was asked already."""
    if not get_redis().set(schedule_key(connection_id), 1, nx=True, ex=WALK_LOCK_SECONDS):
        return False
    try:
        walk_spaces.delay(connection_id)
    except Exception as exc:  # the broker's errors vary with the transport
        log.warning("Cannot schedule a walk of the spaces: %s", exc)
        get_redis().delete(schedule_key(connection_id))
        return False
    return True
