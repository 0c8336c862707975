"""The fake's knobs: world size, latency, rate limit, faults, import speed, API version."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

API_VERSIONS = ("0.146", "current")
FAULT_KINDS = ("500", "502", "503", "timeout", "drop")

_RATE_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class RateLimit:
    limit: int
    window_seconds: float

    def __str__(self) -> str:
        return f"{self.limit}/{self.window_seconds:g}"


def parse_rate_limit(value: str | RateLimit | None) -> RateLimit | None:
    """Read ``"N/SECONDS"`` (for example ``"100/60"``); ``None`` or ``""`` means no limit."""
    if value is None or isinstance(value, RateLimit):
        return value
    if not str(value).strip() or str(value).strip().lower() in ("none", "off", "null"):
        return None
    match = _RATE_LIMIT.match(str(value))
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise ValueError(f"rate limit must look like N/SECONDS, e.g. 100/60, not {value!r}")
    return RateLimit(int(match.group(1)), float(match.group(2)))


@dataclass(frozen=True)
class FakeConfig:
    seed: int = 1
    spaces: int = 300
    links_per_space: int = 40
    broken_share: float = 0.1
    latency_ms: float = 0
    rate_limit: str | RateLimit | None = None
    fault_rate: float = 0.0
    fault_timeout_s: float = 30.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    import_speed: float = 2.0
    api_version: str = "0.146"
    token: str = "gb_fake_token"
    hostile: bool = False
    crawl_timeout_s: float = 2.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate_limit", parse_rate_limit(self.rate_limit))
        object.__setattr__(self, "fault_kinds", tuple(self.fault_kinds))
        if self.api_version not in API_VERSIONS:
            raise ValueError(f"api_version must be one of {API_VERSIONS}, not {self.api_version!r}")
        if self.spaces < 0 or self.links_per_space < 0:
            raise ValueError("spaces and links_per_space cannot be negative")
        for name in ("broken_share", "fault_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.latency_ms < 0 or self.fault_timeout_s < 0:
            raise ValueError("latency_ms and fault_timeout_s cannot be negative")
        if self.import_speed <= 0:
            raise ValueError("import_speed must be a positive number of pages per second")
        unknown = set(self.fault_kinds) - set(FAULT_KINDS)
        if unknown or not self.fault_kinds:
            raise ValueError(f"fault_kinds must be a non-empty subset of {FAULT_KINDS}")
        if not self.token:
            raise ValueError("token cannot be empty")

    def replace(self, **changes) -> FakeConfig:
        return dataclasses.replace(self, **changes)
