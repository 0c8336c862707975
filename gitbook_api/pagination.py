"""Walking GitBook's cursor pagination: ``?page=<cursor>`` until ``next`` is absent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from .errors import GitBookError
from .models import Page

T = TypeVar("T")


def iter_pages(fetch_page: Callable[[str | None], Page[T]]) -> Iterator[Page[T]]:
    """Yield every page, starting from the first, following ``next.page``.

    ``fetch_page(cursor)`` fetches one page; the first call gets None.
    """
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        page = fetch_page(cursor)
        yield page
        cursor = page.next_page
        if cursor is None:
            return
        # A cursor handed out twice would loop forever.
        if cursor in seen:
            raise GitBookError(f"the API returned the page cursor {cursor!r} twice")
        seen.add(cursor)


def iter_items(fetch_page: Callable[[str | None], Page[T]]) -> Iterator[T]:
    """Yield every item of every page, fetching the next page only when needed."""
    for page in iter_pages(fetch_page):
        yield from page.items
