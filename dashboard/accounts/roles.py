"""Role checks for views: every mutating endpoint names the role it needs."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from dashboard.accounts.models import Role


def role_required(role: Role) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not request.user.has_role(role):
                raise PermissionDenied(f"This needs the {role.label.lower()} role.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


operator_required = role_required(Role.OPERATOR)
admin_required = role_required(Role.ADMIN)
