"""The organization's spaces, searchable and sortable without asking GitBook.

A worker walks the API's pages of spaces (1000 a page) and stores each as a
compact list of rows in Redis, bumping a version number after every page, so
the list shows what has arrived while the rest loads. Changes made through
the console are written as patches on top of the pages (read-your-writes)
until the next walk replaces them.

Each web process keeps the rows it built in memory and rebuilds them only
when the version in Redis moves: a list view costs one small Redis read plus
a filter over rows already in memory.
"""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field

from dashboard.gitbook.redis import get_redis

ROW_FIELDS = (
    "id",
    "title",
    "emoji",
    "visibility",
    "editMode",
    "defaultLevel",
    "parent",
    "updatedAt",
    "createdAt",
    "changeRequestsOpen",
    "comments",
)


def row_from_space(space: dict) -> dict:
    """The part of a space the list needs."""
    row = {name: space.get(name) for name in ROW_FIELDS}
    row["parent"] = row["parent"] or ""
    return row


def _key(connection_id: int, part: str) -> str:
    return f"gb:{connection_id}:spaces:{part}"


def version_key(connection_id: int) -> str:
    return _key(connection_id, "version")


# --- Writing (the worker's side) -------------------------------------------------


def start_walk(connection_id: int) -> float:
    """Mark the start of a walk; returns its start time."""
    started = time.time()
    meta = read_meta(connection_id) or {}
    meta.update(walk_started_at=started, walking=True)
    _write_meta(connection_id, meta)
    return started


def store_page(
    connection_id: int, number: int, spaces: list[dict], total: int | None, walk_started: float
) -> None:
    redis = get_redis()
    rows = [row_from_space(space) for space in spaces]
    redis.set(_key(connection_id, f"page:{walk_started}:{number}"), json.dumps(rows), ex=WEEK)
    meta = read_meta(connection_id) or {}
    if meta.get("walk_started_at") != walk_started:
        return  # a newer walk took over
    pending = meta.get("pending_pages", [])
    pending.append(number)
    meta.update(pending_pages=pending, pending_total=total)
    if meta.get("pages_started_at") in (None, walk_started):
        # Nothing complete to show yet: show this walk as it arrives.
        meta.update(pages=pending, pages_started_at=walk_started, total=total, complete=False)
        _write_meta(connection_id, meta)
    else:
        # A later walk stays out of sight until it is complete, so the
        # processes showing the list need not rebuild for every page.
        _write_meta(connection_id, meta, visible=False)


def finish_walk(connection_id: int, walk_started: float, collections: list[dict]) -> None:
    redis = get_redis()
    meta = read_meta(connection_id) or {}
    if meta.get("walk_started_at") != walk_started:
        return
    old_started = meta.get("pages_started_at")
    old_pages = meta.get("pages", [])
    redis.set(
        _key(connection_id, "collections"),
        json.dumps([collection_row(collection) for collection in collections]),
        ex=WEEK,
    )
    meta.update(
        pages=meta.get("pending_pages", []),
        pages_started_at=walk_started,
        total=meta.get("pending_total"),
        complete=True,
        walking=False,
        refreshed_at=time.time(),
        error=None,
    )
    meta.pop("pending_pages", None)
    _drop_patches_older_than(connection_id, walk_started)
    _write_meta(connection_id, meta)
    if old_started is not None and old_started != walk_started:
        redis.delete(*[_key(connection_id, f"page:{old_started}:{n}") for n in old_pages] or ["-"])


def record_walk_error(connection_id: int, message: str) -> None:
    meta = read_meta(connection_id) or {}
    meta.update(walking=False, error=message, error_at=time.time())
    meta.pop("pending_pages", None)
    _write_meta(connection_id, meta)


def collection_row(collection: dict) -> dict:
    return {
        "id": collection.get("id"),
        "title": collection.get("title") or "",
        "parent": collection.get("parent") or "",
    }


def patch_space(connection_id: int, space: dict) -> None:
    """Show a change made through the console at once, before the next walk."""
    _write_patch(connection_id, space["id"], {"row": row_from_space(space), "at": time.time()})


def remove_space(connection_id: int, space_id: str) -> None:
    _write_patch(connection_id, space_id, {"row": None, "at": time.time()})


def _write_patch(connection_id: int, space_id: str, patch: dict) -> None:
    redis = get_redis()
    redis.hset(_key(connection_id, "patches"), space_id, json.dumps(patch))
    _bump_version(connection_id)


def _drop_patches_older_than(connection_id: int, moment: float) -> None:
    redis = get_redis()
    key = _key(connection_id, "patches")
    for space_id, raw in redis.hgetall(key).items():
        if json.loads(raw)["at"] < moment:
            redis.hdel(key, space_id)


def _write_meta(connection_id: int, meta: dict, visible: bool = True) -> None:
    get_redis().set(_key(connection_id, "meta"), json.dumps(meta), ex=WEEK)
    if visible:
        _bump_version(connection_id)


def _bump_version(connection_id: int) -> None:
    # A fresh random value rather than a counter: a counter starts again at 1
    # after Redis loses its data, and processes would keep an old index.
    get_redis().set(version_key(connection_id), uuid.uuid4().hex, ex=WEEK)


def read_meta(connection_id: int) -> dict | None:
    raw = get_redis().get(_key(connection_id, "meta"))
    return json.loads(raw) if raw else None


WEEK = 7 * 24 * 3600


# --- Reading (the web's side) ----------------------------------------------------


@dataclass
class SpaceIndex:
    version: str
    rows: list[dict]
    by_id: dict[str, dict]
    collections: dict[str, dict]
    complete: bool
    total: int | None
    refreshed_at: float | None
    walking: bool
    error: str | None = None
    by_title: list[dict] = field(default_factory=list)
    by_updated: list[dict] = field(default_factory=list)
    # What every view of this version renders the same way, kept with it so
    # it is computed once per process and version, not once per request.
    fragments: dict = field(default_factory=dict, repr=False)

    @property
    def loaded(self) -> int:
        return len(self.rows)

    def cached(self, key, compute):
        """compute() once for this version of the index."""
        try:
            return self.fragments[key]
        except KeyError:
            value = self.fragments[key] = compute()
            return value

    def breadcrumb(self, collection_id: str) -> list[dict]:
        """The collections from the top down to this one."""
        trail = []
        seen = set()
        while collection_id and collection_id not in seen:
            seen.add(collection_id)
            collection = self.collections.get(collection_id)
            if collection is None:
                break
            trail.append(collection)
            collection_id = collection["parent"]
        return list(reversed(trail))


_EMPTY = SpaceIndex("", [], {}, {}, False, None, None, False)
_indexes: dict[int, SpaceIndex] = {}
_lock = threading.Lock()


def load_index(connection_id: int) -> SpaceIndex:
    """The index as Redis has it now, rebuilt in this process only if it moved."""
    return index_at_version(connection_id, get_redis().get(version_key(connection_id)))


def index_at_version(connection_id: int, raw_version: bytes | None) -> SpaceIndex:
    """The index of this version (as read from version_key), from memory if
    this process has built it already."""
    if raw_version is None:
        return _EMPTY
    version = raw_version.decode()
    cached = _indexes.get(connection_id)
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _indexes.get(connection_id)
        if cached is not None and cached.version == version:
            return cached
        index = _build(connection_id, version)
        _indexes[connection_id] = index
        return index


def build_from_rows(rows: list[dict], total: int | None, error: str | None) -> SpaceIndex:
    """An index of some rows held nowhere else (the list's fallback without Redis)."""
    for row in rows:
        row["title_key"] = (row.get("title") or "").casefold()
        row["breadcrumb"] = []
    return SpaceIndex(
        version="uncached",
        rows=rows,
        by_id={row["id"]: row for row in rows},
        collections={},
        complete=True,
        total=total,
        refreshed_at=None,
        walking=False,
        error=error,
        by_title=sorted(rows, key=lambda row: (row["title_key"], row["id"])),
        by_updated=sorted(rows, key=lambda row: (row.get("updatedAt") or "", row["id"])),
    )


def _build(connection_id: int, version: str) -> SpaceIndex:
    redis = get_redis()
    meta = read_meta(connection_id) or {}
    started = meta.get("pages_started_at")
    page_keys = [_key(connection_id, f"page:{started}:{n}") for n in meta.get("pages", [])]
    rows_by_id: dict[str, dict] = {}
    for raw in redis.mget(page_keys) if page_keys else []:
        for row in json.loads(raw or "[]"):
            rows_by_id[row["id"]] = row
    for space_id, raw in redis.hgetall(_key(connection_id, "patches")).items():
        patch = json.loads(raw)
        if patch["row"] is None:
            rows_by_id.pop(space_id.decode(), None)
        else:
            rows_by_id[space_id.decode()] = patch["row"]
    collections_raw = redis.get(_key(connection_id, "collections"))
    collections = {c["id"]: c for c in json.loads(collections_raw or "[]")}
    rows = list(rows_by_id.values())
    for row in rows:
        row["title_key"] = (row.get("title") or "").casefold()
    space_index = SpaceIndex(
        version=version,
        rows=rows,
        by_id=rows_by_id,
        collections=collections,
        complete=bool(meta.get("complete")),
        total=meta.get("total"),
        refreshed_at=meta.get("refreshed_at"),
        walking=bool(meta.get("walking")),
        error=meta.get("error"),
        by_title=sorted(rows, key=lambda row: (row["title_key"], row["id"])),
        by_updated=sorted(rows, key=lambda row: (row.get("updatedAt") or "", row["id"])),
    )
    trails: dict[str, list[dict]] = {}
    for row in rows:
        parent = row["parent"]
        if parent not in trails:
            trails[parent] = space_index.breadcrumb(parent)
        row["breadcrumb"] = trails[parent]
    return space_index


# --- Querying --------------------------------------------------------------------

SORTS = {
    "title": ("by_title", False),
    "-title": ("by_title", True),
    "updated": ("by_updated", False),
    "-updated": ("by_updated", True),
}


@dataclass(frozen=True)
class SpaceQuery:
    q: str = ""
    visibility: str = ""
    collection: str = ""
    edit_mode: str = ""
    sort: str = "title"
    page: int = 1
    per_page: int = 50

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.visibility or self.collection or self.edit_mode)


DEFAULT_QUERY = SpaceQuery()


@dataclass(frozen=True)
class SpacePage:
    rows: list[dict]
    matching: int
    page: int
    pages: int


def collection_and_descendants(index: SpaceIndex, collection_id: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for collection in index.collections.values():
        children.setdefault(collection["parent"], []).append(collection["id"])
    found, todo = set(), [collection_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def matching_rows(index: SpaceIndex, query: SpaceQuery) -> list[dict]:
    """Every row the query selects, in its order."""
    attribute, descending = SORTS.get(query.sort, SORTS["title"])
    ordered = getattr(index, attribute)
    if descending:
        ordered = ordered[::-1]
    if not query.filtered:
        return ordered
    needle = query.q.casefold().strip()
    if needle and not (query.visibility or query.collection or query.edit_mode):
        keys = index.cached(
            ("title_keys", attribute), lambda: [r["title_key"] for r in getattr(index, attribute)]
        )
        if descending:
            keys = keys[::-1]
        return [row for key, row in zip(keys, ordered, strict=True) if needle in key]
    collections = collection_and_descendants(index, query.collection) if query.collection else None
    return [
        row
        for row in ordered
        if (not needle or needle in row["title_key"])
        and (not query.visibility or row["visibility"] == query.visibility)
        and (not query.edit_mode or row["editMode"] == query.edit_mode)
        and (collections is None or row["parent"] in collections)
    ]


def search(index: SpaceIndex, query: SpaceQuery) -> SpacePage:
    rows = matching_rows(index, query)
    pages = max(1, -(-len(rows) // query.per_page))
    page = min(max(1, query.page), pages)
    start = (page - 1) * query.per_page
    return SpacePage(rows[start : start + query.per_page], len(rows), page, pages)
