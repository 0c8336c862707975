from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_htmx.http import push_url
from redis.exceptions import RedisError

from dashboard.accounts.connections import current_connection
from dashboard.gitbook import cache
from dashboard.jobs.models import AuditEntry, Job
from dashboard.spaces import index
from dashboard.spaces.access import get_space_for
from dashboard.spaces.listing import (
    EDIT_MODES,
    VISIBILITIES,
    SpaceFilterForm,
    fresh_index,
    index_without_redis,
)
from dashboard.spaces.rows import row_html, title_cell


@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    connection = current_connection(request)
    if connection is None:
        return render(request, "no_connection.html", status=503)
    form = SpaceFilterForm(request.GET)
    query = form.to_query()
    try:
        space_index = fresh_index(connection.pk)
        redis_down = False
    except RedisError:
        space_index = index_without_redis(connection)
        redis_down = True
    result = index.search(space_index, query)
    context = {
        "form": form,
        "query": query,
        "result": result,
        "index": space_index,
        "rows": rendered_rows(space_index, result.rows, request.user.is_operator),
        "filter_collection_options": collection_options(space_index, selected=query.collection),
        "visibilities": VISIBILITIES,
        "edit_modes": EDIT_MODES,
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
        # The address bar keeps only what differs from the defaults, so a
        # shared link is short and reads like the filters on screen.
        push_url(response, reverse("spaces:list") + canonical_query(query))
    return response


def canonical_query(query: index.SpaceQuery) -> str:
    defaults = index.SpaceQuery()
    params = [
        (name, getattr(query, name))
        for name in ("q", "visibility", "collection", "edit_mode", "sort", "per_page", "page")
        if getattr(query, name) != getattr(defaults, name)
    ]
    return "?" + urlencode(params) if params else ""


def rendered_rows(space_index: index.SpaceIndex, rows: list[dict], can_operate: bool) -> list:
    """The rows' HTML, built once per row, role and index version.

    Rows are most of a list page, and any of 10,000 may be asked for, so each
    is built in Python (rows.py) rather than by the template engine, and kept.
    """
    base = reverse("spaces:list")
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
