from django import template

from dashboard.accounts.models import Connection
from dashboard.imports.models import ImportRun

register = template.Library()

SHOWN = 10


def space_imports_context(connection: Connection | None, space_id: str) -> dict:
    runs = list(
        ImportRun.objects.filter(connection=connection, space_id=space_id).select_related(
            "created_by"
        )[:SHOWN]
    )
    return {
        "space_id": space_id,
        "runs": runs,
        "live": any(run.active for run in runs),
    }


@register.inclusion_tag("imports/_space_imports.html", takes_context=True)
def space_imports(context, space_id: str) -> dict:
    """The imports into a space, for its page: ``{% space_imports space_id %}``."""
    return {
        **space_imports_context(context.get("current_connection"), space_id),
        "perms_ui": context.get("perms_ui"),
        "request": context.get("request"),
    }
