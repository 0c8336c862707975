from functools import cache

from django.urls import get_script_prefix, reverse

from dashboard.accounts.connections import all_connections, current_connection
from dashboard.gitbook.cache import gitbook_unreachable_for

# The header's links, on every page: reversed once per process rather than
# a dozen times per page.
HEADER_URL_NAMES = (
    "home",
    "spaces:list",
    "links:overview",
    "imports:list",
    "jobs:list",
    "audit:log",
    "accounts:switch_organization",
    "accounts:organizations",
    "accounts:users",
    "logout",
    "accounts:log_out_everywhere",
)


@cache
def header_urls(script_prefix: str) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name) for name in HEADER_URL_NAMES}


def header_section(request) -> str:
    """Which of the header's links is the current page's."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.app_name == "accounts":
        for section in ("organization", "user"):
            if section in match.url_name:
                return f"{section}s"
        return ""
    return match.app_name or match.url_name


def console(request) -> dict:
    """The organizations for the header switcher, on every page, and whether
    the current one's API can be reached."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"header_urls": header_urls(get_script_prefix())}
    user = request.user
    connection = current_connection(request)
    return {
        "header_urls": header_urls(get_script_prefix()),
        "connections": all_connections(request),
        "current_connection": connection,
        "gitbook_unreachable": (
            gitbook_unreachable_for(request, connection.pk) if connection else None
        ),
        "perms_ui": {"can_operate": user.is_operator, "can_admin": user.is_console_admin},
        "section": header_section(request),
    }
