from dashboard.accounts.connections import all_connections, current_connection
from dashboard.gitbook.cache import gitbook_unreachable


def console(request) -> dict:
    """The organizations for the header switcher, on every page, and whether
    the current one's API can be reached."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    user = request.user
    connection = current_connection(request)
    return {
        "connections": all_connections(request),
        "current_connection": connection,
        "gitbook_unreachable": gitbook_unreachable(connection.pk) if connection else None,
        "perms_ui": {"can_operate": user.is_operator, "can_admin": user.is_console_admin},
    }
