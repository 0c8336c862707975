import logging
import time

from django.conf import settings

request_log = logging.getLogger("dashboard.requests")


def log_requests(get_response):
    """One line per request: method, path, status, duration and user id.

    The path is logged without its query string, which may hold search terms.
    """

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        request_log.info(
            "%s %s %s %.0f ms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )
        return response

    return middleware


def content_security_policy(get_response):
    """Scripts and styles only from this site: nothing GitBook sends can run."""
    policy = settings.CONTENT_SECURITY_POLICY

    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", policy)
        return response

    return middleware
