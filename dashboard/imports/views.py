"""The imports pages: the list, one run, one batch, and the forms that start them.

They read the database only; the follower task keeps the runs up to date, so
a page polling every second costs GitBook nothing.
"""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboard.accounts.connections import current_connection
from dashboard.accounts.models import Connection
from dashboard.accounts.roles import operator_required
from dashboard.gitbook import cache
from dashboard.imports import changes, following
from dashboard.imports.forms import ID_PATTERN, BulkImportForm, ImportFilterForm, ImportForm
from dashboard.imports.models import ImportBatch, ImportRun
from dashboard.imports.sources import SourceRefused, check_source_url, uses_fake
from dashboard.jobs import service
from dashboard.spaces import index
from dashboard.spaces.access import get_connection_for
from dashboard.spaces.listing import fresh_index
from dashboard.spaces.views import collection_choices

PER_PAGE = 50
PICKER_SIZE = 20


def get_run_for(request: HttpRequest, run_id: int) -> ImportRun:
    """A run of the organization this request works on; 404 otherwise."""
    connection = get_connection_for(request)
    return get_object_or_404(
        ImportRun.objects.select_related("created_by", "connection", "job", "batch"),
        pk=run_id,
        connection=connection,
    )


def space_finder(connection: Connection):
    """Looks a space id up in the index, or asks GitBook (through the cache)."""

    def find(space_id: str) -> dict | None:
        if not re.match(ID_PATTERN, space_id):
            return None
        row = index.load_index(connection.pk).by_id.get(space_id)
        if row is not None:
            return row
        data = cache.read(connection, "space", space_id=space_id).data
        if (
            data
            and not data.get("deletedAt")
            and data.get("organization")
            in (
                None,
                connection.organization_id,
            )
        ):
            return index.row_from_space(data)
        return None

    return find


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    connection = current_connection(request)
    if connection is None:
        return render(request, "no_connection.html", status=503)
    filters = ImportFilterForm(request.GET).filters()
    runs = ImportRun.objects.filter(connection=connection).select_related("created_by")
    if filters["status"] == "active":
        runs = runs.filter(status__in=ImportRun.UNFINISHED)
    elif filters["status"]:
        runs = runs.filter(status=filters["status"])
    if filters["space"]:
        runs = runs.filter(space_id=filters["space"])
    page = Paginator(runs, PER_PAGE).get_page(filters["page"])
    context = {
        "page": page,
        "filters": filters,
        "statuses": ImportFilterForm.STATUSES,
        "spaces": imported_spaces(connection),
        "live": any(run.active for run in page.object_list),
    }
    template = "imports/list.html#table" if request.htmx else "imports/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def imported_spaces(connection: Connection) -> list[tuple[str, str]]:
    """Every space the console imported into, for the filter."""
    rows = (
        ImportRun.objects.filter(connection=connection)
        .exclude(space_id="")
        .order_by("space_title", "space_id")
        .values_list("space_id", "space_title")
        .distinct()
    )
    return list(dict(rows).items())


@require_GET
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_run_for(request, run_id)
    template = "imports/detail.html#run" if request.htmx else "imports/detail.html"
    response = render(request, template, {"run": run})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    connection = get_connection_for(request)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("job", "created_by"), pk=batch_id, connection=connection
    )
    runs = list(batch.runs.order_by("pk"))
    started = sum(1 for run in runs if run.api_run_id)
    finished = sum(1 for run in runs if run.finished)
    context = {
        "batch": batch,
        "runs": runs,
        "started": started,
        "finished": finished,
        "failed": sum(1 for run in runs if run.status == ImportRun.Status.FAILED),
        "not_started": sum(1 for run in runs if run.finished and not run.api_run_id),
        "live": finished < len(runs),
    }
    template = "imports/batch.html#progress" if request.htmx else "imports/batch.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def import_form_options(
    request: HttpRequest, connection: Connection
) -> tuple[index.SpaceIndex, dict]:
    """The space index and the options both import forms are built with.

    Only the form page asks for a fresh list of spaces; posting uses the one loaded.
    """
    if request.method == "GET":
        space_index = fresh_index(connection.pk)
    else:
        space_index = index.load_index(connection.pk)
    options = {
        "collections": collection_choices(space_index),
        "allow_loopback": uses_fake(connection),
    }
    return space_index, options


@operator_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    connection = get_connection_for(request)
    space_index, options = import_form_options(request, connection)
    options["find_space"] = space_finder(connection)
    if request.method == "POST" and "find" in request.POST:
        # Searching for a space without JavaScript: show the form again with matches.
        form = ImportForm(initial=request.POST.dict(), **options)
    elif request.method == "POST":
        form = ImportForm(request.POST, **options)
        if form.is_valid():
            return start_or_confirm(request, connection, form)
    else:
        initial = {}
        if request.GET.get("space") or request.GET.get("space_query"):
            initial = {
                "target": "existing",
                "space": request.GET.get("space", "")[:100],
                "space_query": request.GET.get("space_query", "")[:100],
            }
        form = ImportForm(initial=initial, **options)
    context = {
        "form": form,
        "choices": space_choices(
            connection, space_index, form["space_query"].value(), form["space"].value()
        ),
        "index": space_index,
    }
    return render(request, "imports/new.html", context, status=400 if form.errors else 200)


def start_or_confirm(request: HttpRequest, connection: Connection, form: ImportForm):
    data = form.cleaned_data
    if data["target"] == "new":
        target = changes.Target(title=data["new_title"], collection=data["new_collection"])
    else:
        row = form.space_row
        target = changes.Target(
            space_id=row["id"],
            title=row.get("title") or row["id"],
            change_request=data["change_request"],
            page=data["page"],
        )
        # GitBook's API cannot count a space's pages, so every existing space
        # is taken to have content and the import into it is confirmed first.
        if request.POST.get("confirmed") != "1":
            return render(
                request,
                "imports/confirm.html",
                {
                    "url": data["url"],
                    "target": target,
                    "enhance": data["enhance"],
                    "earlier": ImportRun.objects.filter(
                        connection=connection, space_id=target.space_id
                    )[:5],
                    "action": request.path,
                    "fields": {
                        "url": data["url"],
                        "target": "existing",
                        "space": target.space_id,
                        "change_request": target.change_request,
                        "page": target.page,
                        "enhance": "on" if data["enhance"] else "",
                    },
                },
            )
    run = changes.request_import(
        request.user, connection, data["url"], target, enhance=data["enhance"]
    )
    messages.success(request, f"Starting the import of {run.source_url}.")
    return redirect("imports:detail", run_id=run.pk)


def space_choices(
    connection: Connection, space_index: index.SpaceIndex, query: str | None, selected: str | None
) -> list[dict]:
    """Up to 20 spaces whose title matches, the chosen one first."""
    query = (query or "").strip()[:100]
    rows = index.matching_rows(space_index, index.SpaceQuery(q=query))[:PICKER_SIZE]
    if selected and not any(row["id"] == selected for row in rows):
        chosen = space_finder(connection)(selected)
        if chosen is not None:
            rows = [chosen, *rows]
    return [
        {"id": row["id"], "title": row.get("title") or row["id"], "selected": row["id"] == selected}
        for row in rows
    ]


@operator_required
@require_GET
def space_picker(request: HttpRequest) -> HttpResponse:
    """The matching spaces for the picker, as the user types."""
    connection = get_connection_for(request)
    space_index = fresh_index(connection.pk)
    context = {
        "choices": space_choices(
            connection, space_index, request.GET.get("space_query"), request.GET.get("space")
        ),
        "index": space_index,
    }
    return render(request, "imports/new.html#space_choices", context)


@operator_required
@require_http_methods(["GET", "POST"])
def import_bulk(request: HttpRequest) -> HttpResponse:
    connection = get_connection_for(request)
    _, options = import_form_options(request, connection)
    if request.method == "POST":
        form = BulkImportForm(request.POST, request.FILES, **options)
        if form.is_valid():
            batch = changes.request_batch(
                request.user, connection, form.sites, enhance=form.cleaned_data["enhance"]
            )
            messages.success(request, f"Starting {batch.total} imports.")
            return redirect("imports:batch", batch_id=batch.pk)
    else:
        form = BulkImportForm(**options)
    return render(request, "imports/bulk.html", {"form": form}, status=400 if form.errors else 200)


@operator_required
@require_POST
def batch_stop(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Start no more of the batch's imports; those started go on (each can be cancelled)."""
    connection = get_connection_for(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id, connection=connection)
    if batch.job is not None and not batch.job.finished:
        service.cancel(batch.job)
        # A job stopped between two slices never runs again: settle its runs now.
        following.settle_orphans()
        messages.success(request, "No more imports of this batch will be started.")
    return redirect("imports:batch", batch_id=batch.pk)


@operator_required
@require_POST
def import_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_run_for(request, run_id)
    if not run.can_cancel:
        note = "This import has already finished." if run.finished else "Already cancelling."
        if request.htmx:
            return render(request, "imports/detail.html#run", {"run": run, "note": note})
        messages.error(request, note)
        return redirect("imports:detail", run_id=run.pk)
    job = changes.request_cancel(request.user, run)
    if request.htmx:
        run.cancel_requested = True
        return render(request, "imports/detail.html#run", {"run": run, "cancel_job": job})
    messages.success(request, f"Cancelling the import. Job #{job.pk} is queued.")
    return redirect("imports:detail", run_id=run.pk)


@operator_required
@require_POST
def import_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_run_for(request, run_id)
    if not run.can_retry:
        messages.error(request, "Only a failed or cancelled import can be retried.")
        return redirect("imports:detail", run_id=run.pk)
    try:
        check_source_url(run.source_url, allow_loopback=uses_fake(run.connection))
    except SourceRefused as exc:
        messages.error(request, f"This import cannot be retried: {exc}")
        return redirect("imports:detail", run_id=run.pk)
    if run.space_id and request.POST.get("confirmed") != "1":
        return render(
            request,
            "imports/confirm.html",
            {
                "url": run.source_url,
                "target": changes.Target(space_id=run.space_id, title=run.target_label),
                "enhance": run.enhance,
                "earlier": ImportRun.objects.filter(
                    connection=run.connection, space_id=run.space_id
                )[:5],
                "action": request.path,
                "fields": {},
                "retry": run,
            },
        )
    new_run = changes.request_retry(request.user, run)
    messages.success(request, f"Retrying the import of {run.source_url}.")
    return redirect("imports:detail", run_id=new_run.pk)


@require_GET
def space_imports(request: HttpRequest, space_id: str) -> HttpResponse:
    """The imports into one space, as the space's page shows them (polled while any runs)."""
    from dashboard.imports.templatetags.website_imports import space_imports_context

    connection = current_connection(request)
    if connection is None:
        raise Http404("No GitBook organization is connected.")
    context = space_imports_context(connection, space_id)
    return render(request, "imports/_space_imports.html", context)
