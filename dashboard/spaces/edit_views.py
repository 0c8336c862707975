"""Views that change spaces. Each validates, enqueues a job, and answers at
once: htmx gets a partial that follows the job, a plain form a redirect."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dashboard.accounts.roles import admin_required, operator_required
from dashboard.spaces import changes, index
from dashboard.spaces.access import get_connection_for, get_space_for
from dashboard.spaces.forms import (
    DeleteForm,
    MoveForm,
    RestoreByIdForm,
    SpaceCreateForm,
    SpaceEditForm,
)
from dashboard.spaces.views import collection_choices, collection_options

SPACE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")

# A space with this many open change requests must be confirmed by typing its title.
CONFIRM_BY_TITLE_CHANGE_REQUESTS = 1


def answer(request: HttpRequest, job, space_id: str, note: str) -> HttpResponse:
    if request.htmx:
        return render(request, "spaces/_pending.html", {"job": job, "note": note})
    messages.success(request, f"{note} Job #{job.pk} is queued.")
    return redirect("spaces:detail", space_id=space_id) if space_id else redirect("spaces:list")


@require_http_methods(["GET", "POST"])
@operator_required
def space_edit(request: HttpRequest, space_id: str) -> HttpResponse:
    connection, space = get_space_for(request, space_id)
    field = request.GET.get("field") or request.POST.get("inline_field") or ""
    if request.method == "POST":
        form = SpaceEditForm(request.POST, current=space)
        if form.is_valid():
            requested = form.changes()
            if not requested:
                form.add_error(None, "Nothing changed.")
            else:
                job = changes.request_update(request.user, connection, space, requested)
                shown = requested.get("title", space.get("title"))
                return answer(request, job, space_id, f"Saving “{shown}”.")
    else:
        form = SpaceEditForm(
            initial={
                "title": space.get("title"),
                "emoji": space.get("emoji"),
                "edit_mode": space.get("editMode"),
                "default_level": space.get("defaultLevel"),
                "seen_updated_at": space.get("updatedAt"),
            },
            current=space,
        )
    context = {"form": form, "space": space, "field": field}
    if request.htmx and field:
        return render(request, "spaces/edit.html#inline", context)
    return render(request, "spaces/edit.html", context, status=400 if form.errors else 200)


@require_POST
@operator_required
def space_lock(request: HttpRequest, space_id: str) -> HttpResponse:
    connection, space = get_space_for(request, space_id)
    mode = "locked" if request.POST.get("mode") == "locked" else "live"
    job = changes.request_update(request.user, connection, space, {"editMode": mode})
    return answer(request, job, space_id, "Locking." if mode == "locked" else "Unlocking.")


@require_http_methods(["GET", "POST"])
@operator_required
def space_move(request: HttpRequest, space_id: str) -> HttpResponse:
    connection, space = get_space_for(request, space_id)
    space_index = index.load_index(connection.pk)
    collections = collection_choices(space_index)

    def siblings(collection_id: str) -> set[str]:
        return {row["id"] for row in space_index.rows if row["parent"] == collection_id}

    chosen = request.POST.get("collection", space.get("parent") or "")
    choices = sibling_choices(space_index, chosen, exclude=space_id)
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        collections=collections,
        siblings=siblings if space_index.complete else None,
        initial={"collection": space.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.arguments()
        names = dict(collections)
        destination = names.get(arguments["parent"] or "", "the top level")
        job = changes.request_move(request.user, connection, space, arguments, destination)
        return answer(request, job, space_id, f"Moving to {destination}.")
    return render(
        request,
        "spaces/move.html",
        {
            "form": form,
            "space": space,
            "choices": choices,
            "selected_sibling": request.POST.get("sibling", ""),
        },
        status=400 if form.errors else 200,
    )


def sibling_choices(space_index, collection_id: str, exclude: str) -> list[tuple[str, str]]:
    rows = [r for r in space_index.by_title if r["parent"] == collection_id and r["id"] != exclude]
    return [(row["id"], row.get("title") or row["id"]) for row in rows]


@require_http_methods(["GET"])
@operator_required
def move_siblings(request: HttpRequest, space_id: str) -> HttpResponse:
    """The spaces of one collection, as options for "next to" in the move form."""
    connection, _space = get_space_for(request, space_id)
    space_index = index.load_index(connection.pk)
    choices = sibling_choices(space_index, request.GET.get("collection", ""), exclude=space_id)
    return render(request, "spaces/move.html#sibling_options", {"choices": choices})


def must_type_title(space: dict) -> bool:
    return (space.get("changeRequestsOpen") or 0) >= CONFIRM_BY_TITLE_CHANGE_REQUESTS


@require_http_methods(["GET", "POST"])
@admin_required
def space_delete(request: HttpRequest, space_id: str) -> HttpResponse:
    connection, space = get_space_for(request, space_id)
    typed = must_type_title(space)
    form = DeleteForm(
        request.POST if request.method == "POST" else None,
        title=space.get("title") or "",
        must_type_title=typed,
    )
    if request.method == "POST" and form.is_valid():
        job = changes.request_delete(request.user, connection, space)
        if request.htmx:
            return render(request, "spaces/_pending.html", {"job": job, "note": "Deleting."})
        messages.success(request, f"Deleting “{changes.label(space)}”. Job #{job.pk} is queued.")
        return redirect("spaces:list")
    return render(
        request,
        "spaces/delete.html",
        {"form": form, "space": space, "must_type_title": typed},
        status=400 if form.errors else 200,
    )


@require_POST
@operator_required
def space_duplicate(request: HttpRequest, space_id: str) -> HttpResponse:
    connection, space = get_space_for(request, space_id)
    job = changes.request_duplicate(request.user, connection, space)
    return answer(request, job, space_id, "Duplicating.")


@require_http_methods(["GET", "POST"])
@operator_required
def space_create(request: HttpRequest) -> HttpResponse:
    connection = get_connection_for(request)
    collections = collection_choices(index.load_index(connection.pk))
    form = SpaceCreateForm(
        request.POST if request.method == "POST" else None, collections=collections
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = changes.request_create(
            request.user, connection, data["title"], data["emoji"], data["collection"]
        )
        messages.success(request, f"Creating “{data['title']}”. Job #{job.pk} is queued.")
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "spaces/create.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def trash(request: HttpRequest) -> HttpResponse:
    from dashboard.spaces.trash import recently_deleted

    connection = get_connection_for(request)
    form = RestoreByIdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_console_admin:
            raise PermissionDenied("Restoring a space needs the admin role.")
        if form.is_valid():
            space_id = form.cleaned_data["space_id"]
            job = changes.request_restore(request.user, connection, space_id)
            return answer(request, job, "", f"Restoring {space_id}.")
        if request.htmx:
            return render(request, "spaces/_errors.html", {"form": form})
    return render(
        request,
        "spaces/trash.html",
        {"form": form, "deleted": recently_deleted(connection)},
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
def space_restore(request: HttpRequest, space_id: str) -> HttpResponse:
    from dashboard.spaces.models import DeletedSpace

    connection = get_connection_for(request)
    deleted = DeletedSpace.objects.filter(connection=connection, space_id=space_id).first()
    job = changes.request_restore(
        request.user, connection, space_id, deleted.title if deleted else ""
    )
    return answer(request, job, space_id, "Restoring.")


@require_http_methods(["GET", "POST"])
@admin_required
def space_transfer(request: HttpRequest, space_id: str) -> HttpResponse:
    from dashboard.gitbook import cache
    from dashboard.spaces.forms import TransferForm

    connection, space = get_space_for(request, space_id)
    if connection.transfer_unavailable:
        messages.error(request, "This organization's GitBook API no longer offers transfer.")
        return redirect("spaces:detail", space_id=space_id)
    reachable = cache.read(connection, "organizations").data or {"items": []}
    organizations = [
        (org["id"], org.get("title") or org["id"])
        for org in reachable["items"]
        if org["id"] != connection.organization_id
    ]
    form = TransferForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["organization"]
        job = changes.request_transfer(
            request.user, connection, space, target, dict(organizations)[target]
        )
        messages.success(
            request, f"Transferring “{changes.label(space)}”. Job #{job.pk} is queued."
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "spaces/transfer.html",
        {"form": form, "space": space},
        status=400 if form.errors else 200,
    )


@require_POST
@operator_required
def bulk_change(request: HttpRequest) -> HttpResponse:
    """Lock, unlock, move, delete or restore the selected spaces (or every space
    matching the list's filters) as one job."""
    from dashboard.spaces import bulk
    from dashboard.spaces.listing import query_from_params

    connection = get_connection_for(request)
    operation = request.POST.get("operation", "")
    if operation not in bulk.OPERATIONS:
        messages.error(request, "Pick what to do with the selected spaces.")
        return redirect("spaces:list")
    if operation in bulk.ADMIN_OPERATIONS and not request.user.is_console_admin:
        raise PermissionDenied("Deleting and restoring need the admin role.")
    space_index = index.load_index(connection.pk)
    if request.POST.get("all_matching") == "1" and request.POST.get("confirmed") != "1":
        # Resolved to ids here and confirmed with the count, so the job
        # changes exactly the spaces the user saw, not what matches later.
        query = query_from_params(request.POST)
        space_ids = [row["id"] for row in index.matching_rows(space_index, query)]
    else:
        space_ids = [
            space_id
            for space_id in dict.fromkeys(request.POST.getlist("space"))
            if SPACE_ID.fullmatch(space_id)
        ]
    if not space_ids:
        messages.error(request, "Select at least one space.")
        return redirect("spaces:list")
    collections = dict(collection_choices(space_index))
    # The destination of a move is picked on the confirmation page.
    parent = request.POST.get("destination") or None
    if operation == "move" and parent is not None and parent not in collections:
        messages.error(request, "That collection no longer exists.")
        return redirect("spaces:list")
    needs_confirmation = operation in ("move", "delete", "restore") or (
        request.POST.get("all_matching") == "1"
    )
    if needs_confirmation and request.POST.get("confirmed") != "1":
        titles = [
            space_index.by_id.get(space_id, {}).get("title") or space_id
            for space_id in space_ids[:20]
        ]
        return render(
            request,
            "spaces/bulk_confirm.html",
            {
                "operation": operation,
                "label": bulk.OPERATIONS[operation],
                "space_ids": space_ids,
                "titles": titles,
                "parent": parent or "",
                "collection_options": collection_options(space_index, selected=parent or ""),
            },
        )
    job = bulk.request_bulk(
        request.user,
        connection,
        operation,
        space_ids,
        parent,
        collections.get(parent or "", ""),
    )
    if request.htmx:
        return render(request, "spaces/_pending.html", {"job": job, "note": job.description})
    return redirect("jobs:detail", job_id=job.pk)


@require_POST
@operator_required
def bulk_retry_failed(request: HttpRequest, job_id: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from dashboard.jobs.models import Job
    from dashboard.spaces import bulk

    job = get_object_or_404(Job, pk=job_id, kind__startswith="spaces.bulk.")
    operation = job.kind.rsplit(".", 1)[1]
    if operation in bulk.ADMIN_OPERATIONS and not request.user.is_console_admin:
        raise PermissionDenied("Deleting and restoring need the admin role.")
    new_job = bulk.retry_failed(job, request.user)
    return redirect("jobs:detail", job_id=new_job.pk)
