"""What an operation receives (a parsed request) and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .render import Renderer
from .state import World


@dataclass
class Call:
    world: World
    render: Renderer
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    api_base: str

    @property
    def now(self) -> float:
        return self.world.clock.now()

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def many(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def choice(self, name: str, allowed: tuple[str, ...] | list[str]) -> str | None:
        value = self.one(name)
        if value is not None and value not in allowed:
            raise ApiError(400, f"{name} must be one of: {', '.join(allowed)}")
        return value

    def choices(self, name: str, allowed: tuple[str, ...] | list[str]) -> list[str]:
        values = [part for value in self.many(name) for part in value.split(",") if part]
        for value in values:
            if value not in allowed:
                raise ApiError(400, f"{name} must be one of: {', '.join(allowed)}")
        return values

    def flag(self, name: str, default: bool | None = None) -> bool | None:
        value = self.one(name)
        if value is None or value == "":
            return default
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise ApiError(400, f"{name} must be true or false")


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
