"""A space's pages, files and links, made lazily and deterministically from the seed.

Nothing is generated for a space until someone reads its links or resolves one
of its pages, so a world of 10,000 spaces costs nothing up front. Content is
keyed by ``Space.content_key`` (a duplicate shares its original's content) and
kept in a small LRU: regenerating an evicted entry gives the same result.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from dataclasses import dataclass

from . import names
from .config import FakeConfig
from .ids import make_id, slugify


@dataclass(slots=True)
class Page:
    id: str
    title: str
    slug: str
    path: str
    emoji: str | None
    parent: int | None
    created_at: float
    updated_at: float


@dataclass(slots=True)
class File:
    id: str
    name: str
    content_type: str
    size: int


@dataclass(slots=True)
class Link:
    status: str  # ok, broken, in-app
    relation: str  # reference, dependsOn
    target: tuple  # ("page", index, anchor) | ("url", url) | ("ghost-page", id, title) | ...
    locations: tuple[int, ...]  # indexes of the pages the link appears on


@dataclass(slots=True)
class SpaceContent:
    pages: list[Page]
    files: list[File]
    links: list[Link]
    broken: int

    def page_by_path(self, path: str) -> Page | None:
        wanted = path.strip("/")
        return next((p for p in self.pages if p.path == wanted), None)

    def page_by_id(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)


@dataclass(frozen=True)
class TargetPool:
    """Other content a link may point at: seeded spaces, collections, the user."""

    space_ids: tuple[str, ...]
    collection_ids: tuple[str, ...]
    user_id: str


class ContentStore:
    def __init__(self, config: FakeConfig, pool: TargetPool, capacity: int = 256) -> None:
        self.config = config
        self.pool = pool
        self.capacity = capacity
        self._cache: OrderedDict[str, SpaceContent] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, content_key: str, created_at: float) -> SpaceContent:
        with self._lock:
            if content_key in self._cache:
                self._cache.move_to_end(content_key)
                return self._cache[content_key]
        content = generate(self.config, self.pool, content_key, created_at)
        with self._lock:
            self._cache[content_key] = content
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        return content


def link_count(rng: random.Random, typical: int) -> int:
    draw = rng.random()
    if typical == 0 or draw < 0.15:
        return 0
    if draw < 0.17:  # a few spaces are link farms with thousands of links
        return int(typical * rng.uniform(50, 100))
    return max(1, round(typical * rng.uniform(0.3, 1.7)))


def generate(config: FakeConfig, pool: TargetPool, content_key: str, created_at: float):
    rng = random.Random(f"{config.seed}:content:{content_key}")
    links_wanted = link_count(rng, config.links_per_space)
    pages = _pages(rng, config, created_at, 150 if links_wanted > 500 else 25)
    files = [
        File(make_id(rng), name, content_type, rng.randint(2_000, 4_000_000))
        for name, content_type in rng.sample(names.FILE_NAMES, rng.randint(0, 5))
    ]
    links = [_link(rng, config, pool, content_key, pages, files) for _ in range(links_wanted)]
    return SpaceContent(pages, files, links, sum(1 for link in links if link.status == "broken"))


def _pages(rng: random.Random, config: FakeConfig, created_at: float, most: int) -> list[Page]:
    pages: list[Page] = []
    used_paths: set[str] = set()
    for index in range(rng.randint(3, most)):
        parent = None
        if index > 1 and rng.random() < 0.45:
            parent = rng.randrange(index)
            if pages[parent].path.count("/") >= 2:  # three levels deep at most
                parent = None
        title = rng.choice(names.PAGE_TITLES)
        if config.hostile and rng.random() < 0.08:
            title = rng.choice(names.HOSTILE_TITLES)
        slug = slugify(title)
        prefix = pages[parent].path + "/" if parent is not None else ""
        path, n = prefix + slug, 2
        while path in used_paths:
            path, n = f"{prefix}{slug}-{n}", n + 1
        used_paths.add(path)
        created = created_at + rng.uniform(0, 86400 * 30)
        pages.append(
            Page(
                id=make_id(rng),
                title=title,
                slug=path.rsplit("/", 1)[-1],
                path=path,
                emoji=rng.choice(names.EMOJIS) if rng.random() < 0.2 else None,
                parent=parent,
                created_at=created,
                updated_at=created + rng.uniform(0, 86400 * 60),
            )
        )
    return pages


def _link(rng, config, pool: TargetPool, content_key: str, pages, files) -> Link:
    locations = tuple(sorted(rng.sample(range(len(pages)), min(len(pages), rng.randint(1, 3)))))
    if rng.random() < config.broken_share:
        return Link("broken", "reference", _broken_target(rng, pages), locations)
    draw = rng.random()
    relation = "reference"
    if draw < 0.36:
        target = ("page", rng.randrange(len(pages)), None)
    elif draw < 0.42:
        target = ("page", rng.randrange(len(pages)), slugify(rng.choice(names.PAGE_TITLES)))
    elif draw < 0.60:
        url = rng.choice(names.EXTERNAL_URLS)
        if config.hostile and rng.random() < 0.15:
            url = rng.choice(names.HOSTILE_URLS)
        target = ("url", url)
    elif draw < 0.68:
        page = rng.choice(pages)
        url = f"https://app.gitbook.com/s/{content_key}/{page.path}"
        return Link("in-app", relation, ("url", url), locations)
    elif draw < 0.76 and files:
        target, relation = ("file", rng.randrange(len(files))), "dependsOn"
    elif draw < 0.88 and pool.space_ids:
        target = ("space", rng.choice(pool.space_ids))
    elif draw < 0.92 and pool.collection_ids:
        target = ("collection", rng.choice(pool.collection_ids))
    elif draw < 0.94:
        target = ("user", pool.user_id)
    elif draw < 0.98:
        target = ("reusable", make_id(rng), rng.choice(["Support footer", "Beta warning", "Legal"]))
        relation = "dependsOn"
    else:
        target, relation = (
            ("openapi", rng.choice(["public-api", "billing-api", "events"])),
            "dependsOn",
        )
    return Link("ok", relation, target, locations)


def _broken_target(rng: random.Random, pages: list[Page]) -> tuple:
    draw = rng.random()
    if draw < 0.5:
        return ("ghost-page", make_id(rng), rng.choice(names.GHOST_PAGE_TITLES))
    if draw < 0.7:  # the page exists but the heading the link points to is gone
        return (
            "page",
            rng.randrange(len(pages)),
            "removed-" + slugify(rng.choice(names.PAGE_TITLES)),
        )
    if draw < 0.85:
        return ("ghost-file", make_id(rng), rng.choice(names.FILE_NAMES)[0])
    return ("ghost-space", make_id(rng), rng.choice(names.GHOST_PAGE_TITLES))
