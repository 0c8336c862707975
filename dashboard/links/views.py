import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseStopPolling,
    trigger_client_event,
)

from dashboard.accounts.connections import current_connection
from dashboard.accounts.models import Connection
from dashboard.accounts.roles import admin_required, operator_required
from dashboard.jobs.models import AuditEntry
from dashboard.links import fixes, reports, scans, trends, triage
from dashboard.links.forms import (
    IgnoreForm,
    RankingForm,
    ReportFilterForm,
    SettingsForm,
    UnignoreForm,
)
from dashboard.links.models import BrokenLink, LinkHealthSettings, LinkScan, ScanPart
from dashboard.links.targets import KINDS
from dashboard.spaces import index
from dashboard.spaces.access import get_space_for


def connection_for(request: HttpRequest) -> Connection:
    connection = current_connection(request)
    if connection is None:
        raise Http404("No GitBook organization is connected.")
    return connection


def open_scan(connection: Connection, space_id: str = "") -> LinkScan | None:
    return (
        LinkScan.objects.filter(connection=connection, space_id=space_id, status__in=LinkScan.OPEN)
        .order_by("-created_at")
        .first()
    )


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request)
    form = RankingForm(request.GET)
    q, sort, number = form.values()
    page = Paginator(reports.ranking(connection, q, sort), reports.PER_PAGE).get_page(number)
    results = list(page.object_list)
    sparklines = trends.spaces_series(connection, [result.space_id for result in results])
    rows = [
        {"result": result, "sparkline": trends.chart(sparklines[result.space_id], 96, 22, 2)}
        for result in results
    ]
    latest = reports.latest_organization_scan(connection)
    context = {
        "connection": connection,
        "page": page,
        "rows": rows,
        "q": q,
        "sort": sort,
        "latest": latest,
        "status_scan": open_scan(connection)
        or LinkScan.objects.filter(
            connection=connection, scope=LinkScan.Scope.ORGANIZATION
        ).first(),
        "recent_scans": LinkScan.objects.filter(connection=connection)[:10],
        "chart": trends.chart(trends.organization_series(connection)),
        "settings": LinkHealthSettings.objects.filter(connection=connection).first(),
        "site_findings": (
            BrokenLink.objects.filter(scan=latest, space_id="")
            .values("target_key")
            .distinct()
            .count()
            if latest
            else 0
        ),
    }
    ranking_only = request.htmx and request.htmx.target == "ranking"
    template = "links/overview.html#ranking" if ranking_only else "links/overview.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@operator_required
def start_organization_scan(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request)
    scan = scans.start_scan(request.user, connection)
    if request.htmx:
        return render(request, "links/_progress.html", {"scan": scan})
    messages.success(request, f"Scanning every space of {connection.name}.")
    return redirect("links:overview")


@require_POST
@operator_required
def start_space_scan(request: HttpRequest, space_id: str) -> HttpResponse:
    connection = connection_for(request)
    title = space_title(request, connection, space_id)
    scan = scans.start_scan(request.user, connection, space_id=space_id, space_title=title)
    if request.htmx:
        return render(request, "links/_progress.html", {"scan": scan})
    messages.success(request, f"Scanning {title}.")
    return redirect("links:space_report", space_id=space_id)


@require_GET
def scan_progress(request: HttpRequest, scan_id: int) -> HttpResponse:
    """The live progress of one scan, polled by htmx until it ends."""
    scan = get_object_or_404(LinkScan, pk=scan_id, connection=connection_for(request))
    response = render(request, "links/_progress.html", {"scan": scan})
    if scan.finished and request.htmx:
        stopped = HttpResponseStopPolling(response.content)
        return trigger_client_event(
            stopped, "linkScanFinished", {"scan": scan.pk, "status": scan.status}
        )
    return response


@require_POST
@operator_required
def cancel_scan(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = get_object_or_404(LinkScan, pk=scan_id, connection=connection_for(request))
    scans.request_cancel(scan)
    scan.refresh_from_db()
    if request.htmx:
        return render(request, "links/_progress.html", {"scan": scan})
    messages.success(request, "The scan stops at its next page; what it found so far is kept.")
    return redirect("links:scan", scan_id=scan.pk)


@require_GET
def scan_detail(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = get_object_or_404(
        LinkScan.objects.select_related("previous", "job"),
        pk=scan_id,
        connection=connection_for(request),
    )
    context = {
        "scan": scan,
        "diff": reports.diff(scan),
        "failed_parts": ScanPart.objects.filter(scan=scan, status=ScanPart.Status.FAILED)[:50],
    }
    return render(request, "links/scan.html", context)


def space_title(request: HttpRequest, connection: Connection, space_id: str) -> str:
    """The space's title, from its latest result or the spaces index; 404 if unknown."""
    part = ScanPart.objects.filter(
        connection=connection, kind=ScanPart.Kind.SPACE, space_id=space_id
    ).last()
    if part is not None:
        return part.title or space_id
    row = index.load_index(connection.pk).by_id.get(space_id)
    if row is None:
        _connection, row = get_space_for(request, space_id)
    return row.get("title") or space_id


@require_GET
def space_report(request: HttpRequest, space_id: str) -> HttpResponse:
    connection = connection_for(request)
    title = space_title(request, connection, space_id)
    result = reports.latest_space_result(connection, space_id)
    return render_report(
        request,
        connection,
        scan=result.scan if result else None,
        space_id=space_id,
        context={
            "title": title,
            "result": result,
            "running": open_scan(connection, space_id) or open_scan(connection),
            "chart": trends.chart(trends.space_series(connection, space_id)),
        },
    )


@require_GET
def site_findings(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request)
    return render_report(
        request,
        connection,
        scan=reports.latest_organization_scan(connection),
        space_id="",
        context={"title": "Site findings without a space", "running": open_scan(connection)},
    )


def render_report(request, connection, *, scan, space_id: str, context: dict) -> HttpResponse:
    form = ReportFilterForm(request.GET)
    query = form.to_query()
    found = reports.report(scan, space_id, query)
    rules = (
        triage.ignore_rules(connection, [group["target_key"] for group in (found.groups or [])])
        if query.ignored
        else {}
    )
    context = {
        **context,
        "space_id": space_id,
        "query": query,
        "form": form,
        "report": found,
        "kinds": [(kind, KINDS.get(kind, kind)) for kind in found.kinds],
        "rules": rules,
        "audit_entries": AuditEntry.objects.filter(
            connection=connection, action__startswith="links."
        ).filter(target_id=space_id)[:10]
        if space_id
        else [],
    }
    template = "links/report.html#results" if request.htmx else "links/report.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class Echo:
    def write(self, value):
        return value


def spreadsheet_safe(value) -> str:
    """Text from GitBook, unable to run as a formula in a spreadsheet."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def report_csv(request: HttpRequest, space_id: str = "") -> StreamingHttpResponse:
    connection = connection_for(request)
    if space_id:
        result = reports.latest_space_result(connection, space_id)
        scan = result.scan if result else None
    else:
        scan = reports.latest_organization_scan(connection)
    if scan is None:
        raise Http404("Nothing was scanned yet.")
    query = ReportFilterForm(request.GET).to_query()
    writer = csv.writer(Echo())
    header = [
        "target",
        "kind",
        "target url",
        "detail",
        "page title",
        "page path",
        "editor url",
        "occurrences",
        "first seen",
        "source",
    ]

    def lines():
        yield writer.writerow(header)
        for row in reports.csv_rows(scan, space_id, query).iterator(chunk_size=2000):
            values = list(row)
            values[8] = values[8].isoformat() if values[8] else ""
            values[1] = KINDS.get(values[1], values[1])
            yield writer.writerow([spreadsheet_safe(value) for value in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"broken-links-{space_id or 'site-findings'}-scan-{scan.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def back_to(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
@operator_required
def ignore_target(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request)
    form = IgnoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back_to(request, "links:overview"))
    row = triage.target_row(connection, form.cleaned_data["scan"], form.cleaned_data["target"])
    if row is None:
        raise Http404("No such broken target in this organization.")
    triage.ignore(request.user, connection, row, form.cleaned_data["reason"])
    return after_triage(request, row, f"Ignoring {row.label}.")


@require_POST
@operator_required
def unignore_target(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request)
    form = UnignoreForm(request.POST)
    if not form.is_valid():
        raise Http404("No such broken target.")
    row = triage.target_row(connection, form.cleaned_data["scan"], form.cleaned_data["target"])
    if row is None:
        raise Http404("No such broken target in this organization.")
    triage.unignore(request.user, connection, row)
    return after_triage(request, row, f"{row.label} counts again.")


def after_triage(request: HttpRequest, row: BrokenLink, note: str) -> HttpResponse:
    fallback = f"/links/spaces/{row.space_id}/" if row.space_id else "/links/site-findings/"
    target = back_to(request, fallback)
    messages.success(request, note)
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@require_POST
@operator_required
def fix_with_redirect(request: HttpRequest, row_id: int) -> HttpResponse:
    connection = connection_for(request)
    row = get_object_or_404(BrokenLink, pk=row_id, scan__connection=connection)
    if not row.fix:
        raise Http404("This finding has no suggested redirect.")
    job = fixes.request_redirect(request.user, connection, row)
    if request.htmx:
        return render(request, "jobs/_follow.html", {"job": job})
    messages.success(request, f"Creating the redirect from {row.fix.get('source')}.")
    return redirect(back_to(request, "links:site_findings"))


@require_http_methods(["GET", "POST"])
@admin_required
def link_settings(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request)
    current, _created = LinkHealthSettings.objects.get_or_create(connection=connection)
    before = {
        "schedule": current.schedule,
        "alert_emails": current.alert_emails,
        "webhook_url": current.webhook_url,
    }
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        AuditEntry.objects.create(
            user=request.user,
            username=request.user.get_username(),
            connection=connection,
            organization_id=connection.organization_id,
            action="links.settings",
            target_id=connection.organization_id,
            target_title=f"Link health of {connection.name}",
            before=before,
            after={
                "schedule": saved.schedule,
                "alert_emails": saved.alert_emails,
                "webhook_url": saved.webhook_url,
            },
        )
        messages.success(request, "Link health settings saved.")
        return redirect("links:overview")
    return render(
        request,
        "links/settings.html",
        {"form": form, "connection": connection},
        status=400 if form.errors else 200,
    )
