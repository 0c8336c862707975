"""One Redis connection pool per process, for the API cache and the rate limiter."""

from functools import cache

import redis
from django.conf import settings


@cache
def _client_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def get_redis() -> redis.Redis:
    # Looked up per call, not at import, so tests can point REDIS_URL elsewhere.
    return _client_for(settings.REDIS_URL)


def redis_reachable() -> bool:
    try:
        return bool(get_redis().ping())
    except redis.RedisError:
        return False
