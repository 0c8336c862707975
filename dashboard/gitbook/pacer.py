"""The rate-limit state that every process calling GitBook shares through Redis.

Each response's ``X-RateLimit-*`` headers are recorded per connection; before a
request, a process that sees the window exhausted waits for its reset instead
of provoking a 429.
"""

import time

from dashboard.gitbook.redis import get_redis
from gitbook_api.transport import RateLimitInfo

MAX_WAIT_SECONDS = 60.0


def rate_limit_key(connection_id: int) -> str:
    return f"gb:{connection_id}:ratelimit"


class RedisPacer:
    def __init__(self, connection_id: int, sleep=time.sleep, clock=time.time):
        self.key = rate_limit_key(connection_id)
        self.sleep = sleep
        self.clock = clock

    def before_request(self, method: str, path: str) -> None:
        state = read_rate_limit(self.key)
        if state is None or state["remaining"] > 0:
            return
        wait = state["reset"] - self.clock()
        if wait > 0:
            self.sleep(min(wait, MAX_WAIT_SECONDS))

    def after_response(self, info: RateLimitInfo | None, status: int) -> None:
        if info is None:
            return
        get_redis().hset(
            self.key,
            mapping={
                "limit": info.limit,
                "remaining": info.remaining,
                "reset": info.reset,
                "seen_at": self.clock(),
            },
        )


def read_rate_limit(key: str) -> dict | None:
    raw = get_redis().hgetall(key)
    if not raw:
        return None
    return {name.decode(): float(value) for name, value in raw.items()}


def rate_limit_headroom(connection_id: int) -> dict | None:
    """The last seen limit, remaining calls and reset time, for display."""
    state = read_rate_limit(rate_limit_key(connection_id))
    if state is None:
        return None
    return {
        "limit": int(state["limit"]),
        "remaining": int(state["remaining"]),
        "reset": state["reset"],
        "seen_at": state["seen_at"],
    }
