from functools import cache

from django.templatetags.static import static
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
    urls = {name.replace(":", "_"): reverse(name) for name in HEADER_URL_NAMES}
    # The manifest storage looks a static file's hashed name up on every call.
    urls.update(console_css=static("console/console.css"), console_js=static("console/console.js"))
    return urls


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
    }
