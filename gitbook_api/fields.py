"""Readers for fields of decoded JSON that tolerate missing or mistyped values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime, or None if absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def number(value: Any) -> int | None:
    # JSON numbers arrive as int or float ("type: number" in the document).
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def array(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def object_id(data: Mapping[str, Any]) -> str:
    value = data["id"]
    if not isinstance(value, str):
        raise ValueError(f"object id is not a string: {value!r}")
    return value
