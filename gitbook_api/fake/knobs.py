"""Request counters, the per-token rate limiter and the fault injector."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

from .config import RateLimit

UNLIMITED = RateLimit(1_000_000, 60.0)  # still reported in headers, never reached in practice


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: Counter[str] = Counter()
            self.total = 0
            self.rate_limited = 0
            self.faults = 0

    def count_request(self, operation_id: str | None) -> None:
        with self._lock:
            self.total += 1
            if operation_id:
                self.requests[operation_id] += 1

    def count_rate_limited(self) -> None:
        with self._lock:
            self.rate_limited += 1

    def count_fault(self) -> None:
        with self._lock:
            self.faults += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "requests": dict(sorted(self.requests.items())),
                "total": self.total,
                "rate_limited": self.rate_limited,
                "faults": self.faults,
            }


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # UTC epoch seconds
    retry_after: int

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    """Fixed windows per token, on real time: clients really wait for them."""

    def __init__(self, rate: RateLimit | None, now=time.time) -> None:
        self.rate = rate or UNLIMITED
        self._now = now
        self._windows: dict[str, tuple[int, int]] = {}  # token -> (window number, requests)
        self._lock = threading.Lock()

    def hit(self, token: str) -> RateDecision:
        now = self._now()
        window = int(now // self.rate.window_seconds)
        reset_at = (window + 1) * self.rate.window_seconds
        with self._lock:
            current, used = self._windows.get(token, (window, 0))
            if current != window:
                used = 0
            allowed = used < self.rate.limit
            if allowed:
                used += 1
            self._windows[token] = (window, used)
        return RateDecision(
            allowed=allowed,
            limit=self.rate.limit,
            remaining=max(0, self.rate.limit - used),
            reset_at=math.ceil(reset_at),
            retry_after=max(1, math.ceil(reset_at - now)),
        )


@dataclass(frozen=True)
class Fault:
    kind: str  # "500" | "502" | "503" | "timeout" | "drop"
    after_change: bool  # the write is applied before the response is lost

    @property
    def status(self) -> int | None:
        return int(self.kind) if self.kind.isdigit() else None


class FaultInjector:
    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}:faults")
        self._lock = threading.Lock()

    def draw(self, rate: float, kinds: tuple[str, ...], is_write: bool) -> Fault | None:
        with self._lock:
            if rate <= 0 or self._rng.random() >= rate:
                return None
            kind = self._rng.choice(kinds)
            # A lost response does not mean a lost change: half the time it was applied.
            after = is_write and kind in ("timeout", "drop") and self._rng.random() < 0.5
            return Fault(kind, after)
