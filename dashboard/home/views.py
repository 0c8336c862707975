from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard.accounts.connections import current_connection
from dashboard.home.overview import organization_overview


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    connection = current_connection(request)
    overview = organization_overview(connection) if connection else None
    template = "home/home.html#overview" if request.htmx else "home/home.html"
    context = {
        "connection": connection,
        "overview": overview,
        "redis_down": bool(overview and overview.redis_down),
    }
    return render(request, template, context)
