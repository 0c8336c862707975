"""What a load balancer asks: can this process serve? Database, Redis, worker."""

import time

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboard.gitbook.redis import get_redis
from dashboard.gitbook.tasks import HEARTBEAT_KEY

WORKER_SILENT_AFTER_SECONDS = 60


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_redis() -> str:
    get_redis().ping()
    return "ok"


def check_worker() -> str:
    beat = get_redis().get(HEARTBEAT_KEY)
    if beat is None:
        return "no heartbeat yet"
    age = time.time() - float(beat)
    if age > WORKER_SILENT_AFTER_SECONDS:
        return f"silent for {age:.0f} s"
    return "ok"


@login_not_required
@never_cache
@require_GET
def health(request):
    checks = {}
    for name, check in (
        ("database", check_database),
        ("redis", check_redis),
        ("worker", check_worker),
    ):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means "not healthy", with its reason
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse({"healthy": healthy, "checks": checks}, status=200 if healthy else 503)
