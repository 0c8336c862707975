from dataclasses import replace
from functools import lru_cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_htmx.http import push_url, trigger_client_event
from redis.exceptions import RedisError

from dashboard.accounts.connections import current_connection
from dashboard.gitbook import cache
from dashboard.jobs.models import AuditEntry, Job
from dashboard.spaces import index
from dashboard.spaces.access import get_space_for
from dashboard.spaces.listing import (
    EDIT_MODE_CHOICES,
    PER_PAGE_CHOICES,
    SORT_CHOICES,
    VISIBILITY_CHOICES,
    connection_and_index,
    fresh_index,
    index_without_redis,
    query_from_params,
)
from dashboard.spaces.rows import row_html, title_cell


@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    connection, space_index, redis_down = connection_and_index(request)
    if connection is None:
        return render(request, "no_connection.html", status=503)
    query = query_from_params(request.GET)
    result = index.search(space_index, query)
    urls = list_urls(get_script_prefix())
    context = {
        "query": query,
        "result": result,
        "index": space_index,
        "rows": mark_safe(  # noqa: S308 - each row escapes what it shows
            "".join(rendered_rows(space_index, result.rows, request.user.is_operator, urls["list"]))
        ),
        # The filters' options and the sort and page links are most of the
        # page's template work; built here they cost a tenth (see docs/decisions.md).
        "filter_options": {
            "visibility": select_options(VISIBILITY_CHOICES, query.visibility),
            "collection": chosen_collection_option(space_index, query.collection),
            "edit_mode": select_options(EDIT_MODE_CHOICES, query.edit_mode),
            "sort": select_options(SORT_CHOICES, query.sort),
            "per_page": select_options(PER_PAGE_CHOICES, query.per_page),
        },
        "links": list_links(query, result, urls["list"]),
        "list_urls": urls,
        "redis_down": redis_down,
        "filter_params": [
            (name, getattr(query, name))
            for name in ("q", "visibility", "collection", "edit_mode", "sort")
            if getattr(query, name)
        ],
    }
    template = "spaces/list.html#results" if request.htmx else "spaces/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if request.htmx:
        push_url(response, urls["list"] + canonical_query(query))
        shown_version = request.headers.get("X-Index-Version")
        if shown_version is not None and shown_version != space_index.version:
            # A list that was loading has grown: the collection filter loads again.
            trigger_client_event(response, "spaces-index-changed")
    return response


@lru_cache(maxsize=8)
def list_urls(script_prefix: str) -> dict[str, str]:
    """The list page's own links, reversed once per process rather than per page."""
    return {name: reverse(f"spaces:{name}") for name in ("list", "trash", "create", "bulk")}


@lru_cache(maxsize=256)
def select_options(choices: tuple[tuple, ...], selected) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def list_links(query: index.SpaceQuery, result: index.SpacePage, list_url: str) -> dict:
    """The sort headers' and the pager's links: this page's query with one change."""

    def changed(**changes) -> str:
        return canonical_query(replace(query, **changes)) or "?"

    links = {
        "title": changed(sort="-title" if query.sort == "title" else "title", page=1),
        "updated": changed(sort="updated" if query.sort == "-updated" else "-updated", page=1),
        "refresh": list_url + canonical_query(query),
    }
    if result.page > 1:
        links["previous"] = changed(page=result.page - 1)
    if result.page < result.pages:
        links["next"] = changed(page=result.page + 1)
    return links


_QUERY_PARAMS = ("q", "visibility", "collection", "edit_mode", "sort", "per_page", "page")


def canonical_query(query: index.SpaceQuery) -> str:
    """The query string of what differs from the defaults, so a shared link is
    short and reads like the filters on screen."""
    params = [
        (name, value)
        for name in _QUERY_PARAMS
        if (value := getattr(query, name)) != getattr(index.DEFAULT_QUERY, name)
    ]
    return "?" + urlencode(params) if params else ""


def rendered_rows(
    space_index: index.SpaceIndex, rows: list[dict], can_operate: bool, base: str
) -> list:
    """The rows' HTML, built once per row, role and index version.

    Rows are most of a list page, and any of 10,000 may be asked for, so each
    is built in Python (rows.py) rather than by the template engine, and kept.
    """
    return [
        space_index.cached(
            ("row", row["id"], can_operate), lambda row=row: row_html(row, can_operate, base)
        )
        for row in rows
    ]


def collection_choices(space_index: index.SpaceIndex) -> list[tuple[str, str]]:
    """Every collection as (id, "Parent / Child") for the filter, sorted by path."""

    def compute() -> list[tuple[str, str]]:
        choices = [
            (collection_id, " / ".join(c["title"] for c in space_index.breadcrumb(collection_id)))
            for collection_id in space_index.collections
        ]
        return sorted(choices, key=lambda choice: choice[1].casefold())

    return space_index.cached("collection_choices", compute)


def collection_options(space_index: index.SpaceIndex, selected: str = "") -> str:
    """The <option>s of every collection; hundreds of them, so built once per index version."""
    html = space_index.cached(
        "collection_options",
        lambda: format_html_join(
            "", '<option value="{}">{}</option>', collection_choices(space_index)
        ),
    )
    if selected:
        chosen = format_html('value="{}"', selected)
        html = mark_safe(html.replace(chosen, f"{chosen} selected", 1))  # noqa: S308 - both escaped
    return html


def chosen_collection_option(space_index: index.SpaceIndex, collection_id: str) -> str:
    """The collection filter's one option before the others are loaded: the chosen one."""
    if not collection_id:
        return ""
    labels = space_index.cached("collection_labels", lambda: dict(collection_choices(space_index)))
    label = labels.get(collection_id, collection_id)
    return format_html('<option value="{}" selected>{}</option>', collection_id, label)


@require_GET
def collection_filter_options(request: HttpRequest) -> HttpResponse:
    """Every collection as the filter's options. They are hundreds, the same on
    every list page: the page loads them once it is shown, and the browser keeps
    them for as long as the index version in the address holds."""
    connection = current_connection(request)
    if connection is None:
        return HttpResponse('<option value="">Any collection</option>')
    try:
        space_index = fresh_index(connection.pk)
    except RedisError:
        space_index = index_without_redis(connection)
    selected = request.GET.get("collection", "")
    response = HttpResponse(
        format_html(
            '<option value="">Any collection</option>{}',
            collection_options(space_index, selected=selected),
        )
    )
    # Kept by the browser only for a complete index: a loading one has more to come.
    if space_index.complete and request.GET.get("version") == space_index.version:
        response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def space_detail(request: HttpRequest, space_id: str) -> HttpResponse:
    connection = current_connection(request)
    if connection is None:
        return render(request, "no_connection.html", status=503)
    space = cache.read(connection, "space", space_id=space_id)
    if space.error and not space.available:
        status = 404 if space.error_status == 404 else 502
        return render(
            request, "spaces/detail.html", {"space_id": space_id, "space": space}, status=status
        )
    space_index = index.load_index(connection.pk)
    data = space.data or {}
    context = {
        "space_id": space_id,
        "space": space,
        "data": data,
        "breadcrumb": space_index.breadcrumb(data.get("parent") or ""),
        "jobs": Job.objects.filter(connection=connection, target_id=space_id)[:10],
        "audit_entries": AuditEntry.objects.filter(
            connection=connection, target_id=space_id
        ).select_related("job")[:10],
    }
    return render(request, "spaces/detail.html", context)


@require_GET
def space_cell(request: HttpRequest, space_id: str) -> HttpResponse:
    """The title cell of one row, as the list shows it (ends an inline edit)."""
    _connection, row = get_space_for(request, space_id)
    return HttpResponse(title_cell(row, request.user.is_operator, reverse("spaces:list")))
