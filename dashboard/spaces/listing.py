"""The spaces list: the query from the URL, and keeping the index fresh."""

import time

from django import forms
from django.conf import settings

from dashboard.gitbook import cache
from dashboard.spaces import index
from dashboard.spaces.tasks import schedule_walk

VISIBILITIES = ["public", "unlisted", "share-link", "visitor-auth", "in-collection", "private"]
EDIT_MODES = ["live", "locked"]
PAGE_SIZES = [25, 50, 100, 200]
VISIBILITY_CHOICES = (("", "Any visibility"), *((v, v) for v in VISIBILITIES))
EDIT_MODE_CHOICES = (("", "Any edit mode"), *((m, m) for m in EDIT_MODES))
SORT_CHOICES = (
    ("title", "Title A–Z"),
    ("-title", "Title Z–A"),
    ("-updated", "Recently updated"),
    ("updated", "Least recently updated"),
)
PER_PAGE_CHOICES = tuple((n, f"{n} per page") for n in PAGE_SIZES)


class SpaceFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search titles")
    visibility = forms.ChoiceField(required=False, choices=VISIBILITY_CHOICES)
    collection = forms.CharField(required=False, max_length=100)
    edit_mode = forms.ChoiceField(required=False, choices=EDIT_MODE_CHOICES)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(
        required=False, coerce=int, choices=PER_PAGE_CHOICES, empty_value=50
    )
    page = forms.IntegerField(required=False, min_value=1)

    def to_query(self) -> index.SpaceQuery:
        """The query this form describes; values that do not parse are ignored."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        return index.SpaceQuery(
            q=data.get("q", ""),
            visibility=data.get("visibility", ""),
            collection=data.get("collection", ""),
            edit_mode=data.get("edit_mode", ""),
            sort=data.get("sort", "title"),
            page=data.get("page", 1),
            per_page=data.get("per_page", 50),
        )


def index_without_redis(connection) -> index.SpaceIndex:
    """With Redis down: the first page of spaces straight from GitBook, so the
    list still shows something (and says what it is missing)."""
    read = cache.read(
        connection, "spaces_page", org_id=connection.organization_id, page=None, limit=1000
    )
    spaces = (read.data or {}).get("items", [])
    total = (read.data or {}).get("count")
    return index.build_from_rows(
        [index.row_from_space(space) for space in spaces], total=total, error=read.error
    )


def fresh_index(connection_id: int) -> index.SpaceIndex:
    """The index as it is, with a walk scheduled if it is missing or old."""
    current = index.load_index(connection_id)
    if is_stale(current.refreshed_at):
        # This process's copy may predate a walk that just ended: ask Redis
        # before starting another one.
        meta = index.read_meta(connection_id) or {}
        if is_stale(meta.get("refreshed_at")):
            schedule_walk(connection_id)
    return current


def is_stale(refreshed_at: float | None) -> bool:
    return refreshed_at is None or time.time() - refreshed_at > settings.API_CACHE_FRESH_SECONDS
