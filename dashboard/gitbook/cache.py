"""Cached reads of the GitBook API, shared by every web process and worker.

Rules (see docs/decisions.md):
- a fresh entry is served as it is;
- a stale entry is served at once while a worker refreshes it;
- a miss is fetched by one process only (a Redis lock); the others wait for
  its result, and no page waits longer than API_READ_TIMEOUT: past that it
  renders what it has and says it is refreshing;
- an API error is remembered briefly, so a failing API is not hammered by
  every request that misses.
"""

import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError

from dashboard.accounts.models import Connection
from dashboard.gitbook.clients import client_for
from dashboard.gitbook.reads import READS
from dashboard.gitbook.redis import get_redis
from gitbook_api.errors import GitBookError, ServerError, TransportError

log = logging.getLogger(__name__)

LOCK_SECONDS = 30
ERROR_SECONDS = 5
# How long pages say "GitBook cannot be reached" after the last failed read.
UNREACHABLE_SECONDS = 120
WAIT_STEP_SECONDS = 0.02

# Fetches outlive the request that started them: a page that stops waiting
# still gets its entry stored for the next one.
_fetchers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="api-fetch")


@dataclass(frozen=True)
class CachedRead:
    state: str  # "fresh", "stale", "missing" or "error"
    data: Any = None
    fetched_at: float | None = None
    error: str | None = None
    error_status: int | None = None
    # Redis could not be reached: the data came straight from GitBook.
    uncached: bool = False

    @property
    def refreshing(self) -> bool:
        return self.state in ("stale", "missing")

    @property
    def available(self) -> bool:
        return self.data is not None


def cache_key(connection_id: int, name: str, params: dict) -> str:
    generation = get_redis().get(_generation_key(connection_id, name)) or b"0"
    query = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return f"gb:{connection_id}:{name}:{generation.decode()}:{query}"


def _generation_key(connection_id: int, name: str) -> str:
    return f"gb:{connection_id}:{name}:generation"


def read(connection: Connection, name: str, **params) -> CachedRead:
    """The cached result of READS[name](client, **params) for this connection."""
    try:
        return _read(connection, name, params)
    except RedisError as exc:
        log.warning("Redis is unreachable, reading %s from GitBook directly: %s", name, exc)
        return _read_uncached(connection, name, params)


def _read_uncached(connection: Connection, name: str, params: dict) -> CachedRead:
    future = _fetchers.submit(READS[name], client_for(connection), **params)
    try:
        data = future.result(timeout=settings.API_READ_TIMEOUT)
    except FutureTimeout:
        return CachedRead("missing", uncached=True)
    except GitBookError as exc:
        return CachedRead("error", error=str(exc), error_status=exc.status, uncached=True)
    return CachedRead("fresh", data, time.time(), uncached=True)


def _read(connection: Connection, name: str, params: dict) -> CachedRead:
    key = cache_key(connection.pk, name, params)
    entry = _load(key)
    if entry is not None:
        age = time.time() - entry["fetched_at"]
        if age < settings.API_CACHE_FRESH_SECONDS:
            return CachedRead("fresh", entry["data"], entry["fetched_at"])
        schedule_refresh(connection.pk, name, params)
        return CachedRead("stale", entry["data"], entry["fetched_at"])
    return _fetch_once(connection, name, params, key)


def invalidate(connection_id: int, name: str) -> None:
    """Forget every cached result of one read, so the next page shows the change."""
    get_redis().incr(_generation_key(connection_id, name))


def schedule_refresh(connection_id: int, name: str, params: dict) -> None:
    from dashboard.gitbook.tasks import refresh_read

    key = cache_key(connection_id, name, params)
    # One refresh at a time per entry, however many pages see it stale.
    if get_redis().set(f"{key}:refreshing", 1, nx=True, ex=LOCK_SECONDS):
        refresh_read.delay(connection_id, name, params)


def refresh(connection: Connection, name: str, params: dict) -> None:
    """Fetch and store one entry now (the worker's side of a stale read)."""
    key = cache_key(connection.pk, name, params)
    try:
        _fetch_and_store(connection, name, params, key)
    finally:
        get_redis().delete(f"{key}:refreshing")


def _fetch_once(connection: Connection, name: str, params: dict, key: str) -> CachedRead:
    redis = get_redis()
    timeout = settings.API_READ_TIMEOUT
    lock_key = f"{key}:lock"
    if redis.set(lock_key, uuid.uuid4().hex, nx=True, ex=LOCK_SECONDS):
        future = _fetchers.submit(_fetch_and_store_then_unlock, connection, name, params, key)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            return CachedRead("missing")
    return _wait_for(key, timeout)


def _wait_for(key: str, timeout: float) -> CachedRead:
    deadline = time.monotonic() + timeout
    redis = get_redis()
    while time.monotonic() < deadline:
        raw, error = redis.mget(key, f"{key}:error")
        if raw is not None:
            entry = json.loads(raw)
            return CachedRead("fresh", entry["data"], entry["fetched_at"])
        if error is not None:
            failure = json.loads(error)
            return CachedRead("error", error=failure["message"], error_status=failure["status"])
        time.sleep(WAIT_STEP_SECONDS)
    return CachedRead("missing")


def _fetch_and_store_then_unlock(connection, name, params, key) -> CachedRead:
    try:
        return _fetch_and_store(connection, name, params, key)
    finally:
        get_redis().delete(f"{key}:lock")


def _fetch_and_store(connection: Connection, name: str, params: dict, key: str) -> CachedRead:
    redis = get_redis()
    try:
        data = READS[name](client_for(connection), **params)
    except GitBookError as exc:
        message = str(exc)
        log.info("API read %s for connection %s failed: %s", name, connection.pk, message)
        failure = json.dumps({"message": message, "status": exc.status})
        redis.set(f"{key}:error", failure, ex=ERROR_SECONDS)
        if isinstance(exc, (TransportError, ServerError)):
            redis.set(unreachable_key(connection.pk), message, ex=UNREACHABLE_SECONDS)
        return CachedRead("error", error=message, error_status=exc.status)
    fetched_at = time.time()
    payload = json.dumps({"fetched_at": fetched_at, "data": data}, separators=(",", ":"))
    redis.set(key, payload, ex=settings.API_CACHE_KEEP_SECONDS)
    redis.delete(f"{key}:error", unreachable_key(connection.pk))
    return CachedRead("fresh", data, fetched_at)


def unreachable_key(connection_id: int) -> str:
    return f"gb:{connection_id}:api-unreachable"


def gitbook_unreachable(connection_id: int) -> str | None:
    """Why the last read of this connection's API failed, if GitBook (or the
    network to it) failed it and nothing has been read since."""
    try:
        message = get_redis().get(unreachable_key(connection_id))
    except RedisError:
        return None
    return message.decode() if message is not None else None


def gitbook_unreachable_for(request, connection_id: int) -> str | None:
    """gitbook_unreachable, unless this request's view has read it already
    (the spaces list reads it with the index, in one round trip)."""
    if hasattr(request, "_console_gitbook_unreachable"):
        return request._console_gitbook_unreachable
    return gitbook_unreachable(connection_id)


def remember_unreachable(request, message: bytes | None) -> None:
    request._console_gitbook_unreachable = message.decode() if message is not None else None


def _load(key: str) -> dict | None:
    raw = get_redis().get(key)
    return json.loads(raw) if raw is not None else None
