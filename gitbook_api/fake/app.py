"""FakeGitBook: the seeded world, its clock and knobs, and the servers that expose it."""

from __future__ import annotations

import time

from .clock import FakeClock
from .config import FakeConfig, RateLimit, parse_rate_limit
from .imports import bring_all_up_to_date
from .knobs import FaultInjector, RateLimiter, Stats
from .server import FakeServer
from .world import build_world

RUNTIME_KNOBS = ("latency_ms", "fault_rate", "rate_limit", "fault_timeout_s", "fault_kinds")


class FakeGitBook:
    def __init__(self, config: FakeConfig | None = None, **overrides) -> None:
        config = config or FakeConfig()
        if overrides:
            config = config.replace(**overrides)
        self.clock = FakeClock()
        self.world = build_world(config, self.clock)
        self.stats_counter = Stats()
        self.rate_limiter = RateLimiter(config.rate_limit)
        self.faults = FaultInjector(config.seed)

    @property
    def config(self) -> FakeConfig:
        return self.world.config

    @property
    def token(self) -> str:
        return self.config.token

    @property
    def organization_ids(self) -> list[str]:
        """Every organization the token's user belongs to; the main one first."""
        orgs = sorted(self.world.organizations.values(), key=lambda org: org.seq)
        return [org.id for org in orgs]

    @property
    def org_id(self) -> str:
        return self.organization_ids[0]

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
        """Serve in daemon threads and return at once; ``server.url`` is the API base URL."""
        return FakeServer(self, host, port)

    def stats(self) -> dict:
        with self.world.lock:
            bring_all_up_to_date(self.world)
            changes = self.world.import_state_changes
        return {**self.stats_counter.snapshot(), "import_state_changes": changes}

    def reset_stats(self) -> None:
        self.stats_counter.reset()
        with self.world.lock:
            bring_all_up_to_date(self.world)
            self.world.import_state_changes = 0

    def configure(self, **knobs) -> dict:
        """Change latency_ms, fault_rate, rate_limit ("N/SECONDS" or None)... while running."""
        unknown = set(knobs) - set(RUNTIME_KNOBS)
        if unknown:
            raise ValueError(f"unknown knobs {sorted(unknown)}; these can change: {RUNTIME_KNOBS}")
        if "rate_limit" in knobs:
            knobs["rate_limit"] = parse_rate_limit(knobs["rate_limit"])
        with self.world.lock:
            self.world.config = self.config.replace(**knobs)
        if "rate_limit" in knobs:
            self.rate_limiter = RateLimiter(self.config.rate_limit)
        return self.knobs()

    def knobs(self) -> dict:
        config = self.config
        rate: RateLimit | None = config.rate_limit
        return {
            "latency_ms": config.latency_ms,
            "fault_rate": config.fault_rate,
            "fault_timeout_s": config.fault_timeout_s,
            "fault_kinds": list(config.fault_kinds),
            "rate_limit": str(rate) if rate else None,
            "api_version": config.api_version,
            "import_speed": config.import_speed,
        }

    def wait_for_imports(self, timeout: float = 10.0) -> bool:
        """Wait (real time) until every import run's crawl has finished; True if they all did."""
        give_up_at = time.monotonic() + timeout
        while time.monotonic() < give_up_at:
            with self.world.lock:
                if all(run.crawl.done for run in self.world.imports.values()):
                    return True
            time.sleep(0.01)
        return False
