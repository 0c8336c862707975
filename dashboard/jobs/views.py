import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling, trigger_client_event

from dashboard.accounts.models import Role
from dashboard.accounts.roles import operator_required
from dashboard.gitbook.redis import redis_reachable
from dashboard.jobs import service
from dashboard.jobs.forms import AuditFilterForm
from dashboard.jobs.models import AuditEntry, Job

# Kinds of job that need the admin role, to run and to retry.
ADMIN_KINDS = {
    "space.delete",
    "space.restore",
    "space.transfer",
    "spaces.bulk.delete",
    "spaces.bulk.restore",
}


def role_for_kind(kind: str) -> Role:
    return Role.ADMIN if kind in ADMIN_KINDS else Role.OPERATOR


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.select_related("created_by")
    status = request.GET.get("status", "")
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    live = any(not job.finished for job in page.object_list)
    context = {
        "page": page,
        "status": status,
        "statuses": Job.Status.choices,
        "live": live,
        # Jobs waiting on a broker that is down: say why they do not move.
        "redis_down": live and not redis_reachable(),
    }
    template = "jobs/list.html#table" if request.htmx else "jobs/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.select_related("created_by", "connection"), pk=job_id)
    return render(request, "jobs/detail.html", {"job": job})


@require_GET
def job_follow(request: HttpRequest, job_id: int) -> HttpResponse:
    """The small live status of one job, polled by htmx until it finishes."""
    job = get_object_or_404(Job, pk=job_id)
    response = render(request, "jobs/_follow.html", {"job": job})
    if job.finished and request.headers.get("HX-Request"):
        stopped = HttpResponseStopPolling(response.content)
        return trigger_client_event(
            stopped, "jobFinished", {"id": job.pk, "status": job.status, "space": job.target_id}
        )
    return response


@require_POST
@operator_required
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    if not request.user.has_role(role_for_kind(job.kind)):
        raise PermissionDenied("Retrying this job needs the admin role.")
    try:
        new_job = service.retry(job, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("jobs:detail", job_id=job.pk)
    if request.htmx:
        return render(request, "jobs/_follow.html", {"job": new_job})
    messages.success(request, f"Retrying as job #{new_job.pk}.")
    return redirect("jobs:detail", job_id=new_job.pk)


@require_POST
@operator_required
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    if not request.user.has_role(role_for_kind(job.kind)):
        raise PermissionDenied("Cancelling this job needs the admin role.")
    cancelled = service.cancel(job)
    job.refresh_from_db()
    if request.htmx:
        return render(request, "jobs/_follow.html", {"job": job})
    if cancelled:
        messages.success(request, f"Job #{job.pk} cancelled.")
    else:
        messages.error(request, f"Job #{job.pk} has already started or finished.")
    return redirect("jobs:detail", job_id=job.pk)


def filtered_audit_entries(params) -> tuple[object, dict]:
    entries = AuditEntry.objects.select_related("job")
    filters = AuditFilterForm(params).filters()
    if filters["user"]:
        entries = entries.filter(username__icontains=filters["user"])
    if filters["space"]:
        entries = entries.filter(
            Q(target_id=filters["space"]) | Q(target_title__icontains=filters["space"])
        )
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if filters["since"]:
        entries = entries.filter(created_at__date__gte=filters["since"])
    if filters["until"]:
        entries = entries.filter(created_at__date__lte=filters["until"])
    return entries, filters


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    entries, filters = filtered_audit_entries(request.GET)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    context = {"page": page, "filters": filters, "actions": list(actions)}
    template = "jobs/audit.html#table" if request.htmx else "jobs/audit.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class _Echo:
    def write(self, value):
        return value


@require_GET
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    entries, _filters = filtered_audit_entries(request.GET)
    writer = csv.writer(_Echo())
    header = [
        "time",
        "user",
        "organization",
        "action",
        "space id",
        "space title",
        "before",
        "after",
        "result",
        "error",
    ]

    def rows():
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    entry.created_at.isoformat(),
                    entry.username,
                    entry.organization_id,
                    entry.action,
                    entry.target_id,
                    csv_safe(entry.target_title),
                    entry.before,
                    entry.after,
                    entry.result,
                    csv_safe(entry.job.error if entry.job else ""),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def csv_safe(value: str) -> str:
    """Titles come from GitBook: keep a spreadsheet from reading them as formulas."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
