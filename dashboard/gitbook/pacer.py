"""The API rate limit, shared by every process that calls GitBook for one connection.

GitBook says in every answer how many calls a window allows, how many are left
and when the window resets (``X-RateLimit-Limit/Remaining/Reset``). Each call
first takes a slot of the current window in Redis, in one Lua script so that
workers on several machines agree; when the window's slots are taken, the
caller waits for its reset. Until the first headers are seen, one call at a
time goes through to learn them.

GitBook counts a call when it arrives, which may be a little after it was sent:
a call sent just before the reset may be counted in either window, so it takes
a slot of both. "Just before" is the longest recent time from sending a call to
its answer, which bounds the time to its arrival.

A wait longer than the caller allows (``waits_at_most``) raises ``RateLimited``
with the seconds to wait, so a task can re-schedule itself instead of holding
its worker.
"""

import contextlib
import logging
import threading
import time

import redis

from dashboard.gitbook.redis import get_redis
from gitbook_api.errors import RateLimited
from gitbook_api.transport import RateLimitInfo

log = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 60.0
# Only one call goes out to learn the headers; the others look again this often.
PROBE_POLL_MS = 20
# A learning call that never answered frees its turn after this long.
PROBE_MS = 2000
STATE_SECONDS = 24 * 3600
NO_HEADERS_SECONDS = 300

TAKE_SLOT = """
local now = tonumber(ARGV[1])
local limit = tonumber(redis.call('HGET', KEYS[1], 'limit') or '')
if not limit then
  if redis.call('EXISTS', KEYS[3]) == 1 then return {1, 0} end
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return {1, 0} end
  return {0, tonumber(ARGV[3])}
end
local reset = tonumber(redis.call('HGET', KEYS[1], 'reset'))
local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
local used_next = tonumber(redis.call('HGET', KEYS[1], 'used_next') or '0')
local window = tonumber(redis.call('HGET', KEYS[1], 'window') or '')
local delay = tonumber(redis.call('HGET', KEYS[1], 'delay') or '0')
if now >= reset then
  if not window then
    -- How long a window lasts is not known yet: one call learns the next reset.
    if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return {1, 0} end
    return {0, tonumber(ARGV[3])}
  end
  local passed = math.floor((now - reset) / window) + 1
  if passed == 1 then used = used_next else used = 0 end
  used_next = 0
  reset = reset + passed * window
  redis.call('HSET', KEYS[1], 'reset', reset, 'used', used, 'used_next', 0)
end
local wait_ms = math.ceil((reset - now) * 1000) + 1
if used >= limit then return {0, wait_ms} end
if now >= reset - delay then
  if used_next >= limit then return {0, wait_ms} end
  redis.call('HSET', KEYS[1], 'used', used + 1, 'used_next', used_next + 1)
  return {1, 0}
end
redis.call('HSET', KEYS[1], 'used', used + 1)
return {1, 0}
"""

RECORD_ANSWER = """
local limit = tonumber(ARGV[1])
local remaining = tonumber(ARGV[2])
local answer_reset = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local elapsed = tonumber(ARGV[5])
redis.call('DEL', KEYS[2])
local counted = limit - remaining
if ARGV[6] == '429' then counted = limit end
local reset = tonumber(redis.call('HGET', KEYS[1], 'reset') or '')
local window = tonumber(redis.call('HGET', KEYS[1], 'window') or '')
if (not reset) or answer_reset > reset then
  local used = counted
  if reset then
    local gap = answer_reset - reset
    if (not window) or gap < window then
      window = gap
      redis.call('HSET', KEYS[1], 'window', window)
    end
    if math.abs(gap - window) < 0.001 then
      -- The calls sent ahead for this window, and this one, which may not be among them.
      used = math.max(used, tonumber(redis.call('HGET', KEYS[1], 'used_next') or '0') + 1)
    end
  end
  redis.call('HSET', KEYS[1], 'reset', answer_reset, 'used', used, 'used_next', 0)
elseif answer_reset == reset then
  local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
  if counted > used then redis.call('HSET', KEYS[1], 'used', counted) end
end
local delay = tonumber(redis.call('HGET', KEYS[1], 'delay') or '0')
if elapsed > delay then delay = elapsed else delay = delay - (delay - elapsed) * 0.05 end
if window then delay = math.min(delay, window / 2) end
redis.call('HSET', KEYS[1], 'limit', limit, 'remaining', remaining, 'seen_at', now,
  'delay', delay)
redis.call('EXPIRE', KEYS[1], ARGV[7])
return 1
"""

_scripts: dict[str, redis.commands.core.Script] = {}
_local = threading.local()


def _script(source: str):
    if source not in _scripts:
        _scripts[source] = get_redis().register_script(source)
    return _scripts[source]


def rate_limit_key(connection_id: int) -> str:
    return f"gb:{connection_id}:ratelimit"


@contextlib.contextmanager
def waits_at_most(seconds: float):
    """Within this block, a call of this thread that would wait longer for the
    rate limit raises ``RateLimited`` instead (for tasks that can re-schedule)."""
    previous = getattr(_local, "max_wait", None)
    _local.max_wait = seconds
    try:
        yield
    finally:
        _local.max_wait = previous


class RedisPacer:
    """The ``Pacer`` of one client: one per client, as a client is one per thread."""

    def __init__(self, connection_id: int, sleep=time.sleep, clock=time.time):
        self.key = rate_limit_key(connection_id)
        self.probe_key = f"{self.key}:probe"
        self.no_headers_key = f"{self.key}:no-headers"
        self.sleep = sleep
        self.clock = clock
        self._sent_at: float | None = None

    def before_request(self, method: str, path: str) -> None:
        waited = 0.0
        while True:
            wait = self._take_slot()
            if wait is None:
                self._sent_at = time.monotonic()
                return
            most = getattr(_local, "max_wait", None)
            most = MAX_WAIT_SECONDS if most is None else most
            if waited + wait > most:
                raise RateLimited(
                    f"The GitBook API rate limit is used up for {wait:.1f} s more",
                    retry_after=wait,
                )
            self.sleep(wait)
            waited += wait

    def after_response(self, info: RateLimitInfo | None, status: int) -> None:
        elapsed = time.monotonic() - self._sent_at if self._sent_at is not None else 0.0
        try:
            if info is None:
                get_redis().set(self.no_headers_key, 1, ex=NO_HEADERS_SECONDS)
                get_redis().delete(self.probe_key)
                return
            _script(RECORD_ANSWER)(
                keys=[self.key, self.probe_key],
                args=[
                    info.limit,
                    info.remaining,
                    repr(float(info.reset)),
                    repr(self.clock()),
                    repr(elapsed),
                    str(status),
                    STATE_SECONDS,
                ],
                client=get_redis(),
            )
        except redis.RedisError as exc:
            log.warning("Cannot record the API rate limit: %s", exc)

    def _take_slot(self) -> float | None:
        """None when a slot was taken, else the seconds to wait before asking again."""
        try:
            allowed, wait_ms = _script(TAKE_SLOT)(
                keys=[self.key, self.probe_key, self.no_headers_key],
                args=[repr(self.clock()), PROBE_MS, PROBE_POLL_MS],
                client=get_redis(),
            )
        except redis.RedisError as exc:
            # Better an occasional 429, which the client retries, than no calls at all.
            log.warning("Cannot pace the API calls, Redis failed: %s", exc)
            return None
        return None if allowed else int(wait_ms) / 1000


def read_rate_limit(key: str) -> dict | None:
    raw = get_redis().hgetall(key)
    if not raw or b"limit" not in raw:
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
