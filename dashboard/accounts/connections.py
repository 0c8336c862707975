"""Which GitBook organization a request works on, and the first connection from the environment."""

import copy
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError
from redis.exceptions import RedisError

from dashboard.accounts.models import Connection
from dashboard.gitbook.redis import get_redis
from gitbook_api import GitBookClient
from gitbook_api.errors import GitBookError

log = logging.getLogger(__name__)

SESSION_KEY = "connection_id"

# Every page needs the connections (the header lists them) and they change
# only when an admin adds, renames or removes one. So each process keeps the
# ones it read, with the stamp Redis held then; saving or deleting a
# connection writes a new stamp, and a process whose stamp differs reads them
# again. Kept at most this long, should a new stamp not reach Redis.
STAMP_KEY = "console:connections:stamp"
KEEP_SECONDS = 60
_kept: tuple[bytes, float, list[Connection]] | None = None


def connections_changed() -> None:
    """Make every process read the connections again (on save and delete)."""
    global _kept
    _kept = None
    try:
        get_redis().set(STAMP_KEY, uuid.uuid4().hex)
    except RedisError as exc:
        log.warning("Could not tell other processes the connections changed: %s", exc)


def _connections_under(stamp: bytes | None, redis_answered: bool) -> list[Connection]:
    global _kept
    kept = _kept
    if (
        stamp is not None
        and kept is not None
        and kept[0] == stamp
        and time.monotonic() - kept[1] < KEEP_SECONDS
    ):
        # Copies: a view may change its connection's attributes.
        return [copy.copy(connection) for connection in kept[2]]
    read_at = time.monotonic()
    connections = list(Connection.objects.all())
    if stamp is None and redis_answered:
        # No stamp yet (or Redis lost it): set one, unless a change did meanwhile.
        fresh = uuid.uuid4().hex.encode()
        try:
            stamp = fresh if get_redis().set(STAMP_KEY, fresh, nx=True) else None
        except RedisError:
            stamp = None
    if stamp is not None:
        _kept = (stamp, read_at, [copy.copy(connection) for connection in connections])
    return connections


def all_connections(request) -> list[Connection]:
    """Every connection, once per request (the header and the view both need them)."""
    if not hasattr(request, "_console_connections"):
        try:
            stamp, answered = get_redis().get(STAMP_KEY), True
        except RedisError:
            stamp, answered = None, False
        request._console_connections = _connections_under(stamp, answered)
    return request._console_connections


def current_connection_reading(
    request, keys_of: Callable[[int], list[str]]
) -> tuple[Connection | None, list[bytes | None]]:
    """current_connection, and the values of keys_of(its id) in Redis, read in
    the same round trip as the connections' stamp where the current one can
    be told before (the busiest pages need both). Raises RedisError."""
    likely = request.session.get(SESSION_KEY)
    if likely is None and _kept is not None and _kept[2]:
        likely = _kept[2][0].pk
    if likely is None or hasattr(request, "_console_connections"):
        connection = current_connection(request)
        values = get_redis().mget(keys_of(connection.pk)) if connection else []
        return connection, values
    stamp, *values = get_redis().mget([STAMP_KEY, *keys_of(likely)])
    request._console_connections = _connections_under(stamp, redis_answered=True)
    connection = current_connection(request)
    if connection is not None and connection.pk != likely:
        values = get_redis().mget(keys_of(connection.pk))
    return connection, values


def current_connection(request) -> Connection | None:
    """The connection chosen in this session, else the first one there is."""
    connections = all_connections(request)
    chosen = request.session.get(SESSION_KEY)
    for connection in connections:
        if connection.pk == chosen:
            return connection
    if connections:
        return connections[0]
    connection = ensure_environment_connection()
    if connection is not None:
        request._console_connections = [connection]
    return connection


def ensure_environment_connection() -> Connection | None:
    """Create the connection that the GITBOOK_* settings describe, once.

    Returns None when the API cannot be reached or the token sees no
    organization; the caller shows that and nothing is saved.
    """
    api_url = settings.GITBOOK_API_URL.rstrip("/")
    existing = Connection.objects.filter(api_url=api_url)
    if settings.GITBOOK_ORG_ID:
        existing = existing.filter(organization_id=settings.GITBOOK_ORG_ID)
    if found := existing.first():
        return found

    client = GitBookClient(
        token=settings.GITBOOK_API_TOKEN, base_url=api_url, timeout=settings.GITBOOK_TIMEOUT
    )
    try:
        if settings.GITBOOK_ORG_ID:
            organization = client.get_organization(settings.GITBOOK_ORG_ID)
        else:
            organization = next(iter(client.list_organizations()), None)
    except GitBookError as exc:
        log.warning("Cannot create the first connection: %s", exc)
        return None
    if organization is None:
        log.warning("The configured GitBook token sees no organization")
        return None

    connection = Connection(
        name=organization.title or organization.id,
        api_url=api_url,
        organization_id=organization.id,
    )
    connection.set_token(settings.GITBOOK_API_TOKEN)
    try:
        connection.save()
    except IntegrityError:
        # Another process created it meanwhile.
        return Connection.objects.get(api_url=api_url, organization_id=organization.id)
    return connection
