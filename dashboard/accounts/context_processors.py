from dashboard.accounts.connections import all_connections, current_connection


def console(request) -> dict:
    """The organizations for the header switcher, on every page."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    user = request.user
    return {
        "connections": all_connections(request),
        "current_connection": current_connection(request),
        "perms_ui": {"can_operate": user.is_operator, "can_admin": user.is_console_admin},
    }
