"""Cursor pagination as GitBook does it: ``items``, ``next.page``, ``count``.

A cursor records the sort key of the last item served, not an offset, so items
added or removed between two page reads never make the walk skip or repeat an
item that existed throughout.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from .errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def parse_limit(query: dict[str, list[str]]) -> int:
    values = query.get("limit")
    if not values:
        return DEFAULT_LIMIT
    try:
        number = float(values[-1])
    except ValueError:
        raise ApiError(400, f"limit must be a number between 0 and {MAX_LIMIT}") from None
    if not 0 <= number <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 0 and {MAX_LIMIT}, got {values[-1]}")
    return int(number)


def _encode_part(value: Any) -> Any:
    return f"F:{value.numerator}/{value.denominator}" if isinstance(value, Fraction) else value


def _decode_part(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("F:"):
        return Fraction(value[2:])
    return value


def encode_cursor(scope: str, key: tuple) -> str:
    raw = json.dumps([scope, [_encode_part(part) for part in key]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(scope: str, cursor: str) -> tuple:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_scope, key = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if cursor_scope != scope or not isinstance(key, list):
            raise ValueError("cursor belongs to another list")
        return tuple(_decode_part(part) for part in key)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, ZeroDivisionError):
        raise ApiError(
            400, "Invalid page cursor: pass back the value of next.page unchanged"
        ) from None


def paginate(
    items: Sequence[Any],
    sort_key: Callable[[Any], tuple],
    query: dict[str, list[str]],
    scope: str,
    render: Callable[[Any], dict],
) -> dict:
    """One page of ``items`` (any order), sorted by ``sort_key``, which must be unique."""
    limit = parse_limit(query)
    keys = [sort_key(item) for item in items]
    order = sorted(range(len(items)), key=keys.__getitem__)
    sorted_keys = [keys[index] for index in order]
    start = 0
    cursor = (query.get("page") or [""])[-1]
    if cursor:
        after = decode_cursor(scope, cursor)
        try:
            start = bisect.bisect_right(sorted_keys, after)
        except TypeError:
            raise ApiError(
                400, "Invalid page cursor: pass back the value of next.page unchanged"
            ) from None
    chosen = order[start : start + limit] if limit else []
    page: dict[str, Any] = {"items": [render(items[index]) for index in chosen]}
    if limit and len(order) > start + limit:
        page["next"] = {"page": encode_cursor(scope, keys[chosen[-1]])}
    page["count"] = len(items)
    return page
