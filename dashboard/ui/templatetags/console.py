from datetime import datetime

from django import template
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode

register = template.Library()

SAFE_SCHEMES = ("https://", "http://")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """This page's query string with some parameters changed (None drops one)."""
    return query_string_with(context["request"].GET, changes)


def query_string_with(query: QueryDict, changes: dict) -> str:
    params = query.copy()
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = value
    encoded = urlencode(sorted(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"


@register.filter
def api_time(value: str | None) -> datetime | None:
    """A timestamp from the API (ISO 8601) as a datetime for the date filters."""
    if not value:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


@register.filter
def safe_url(value: str | None) -> str:
    """A URL from GitBook if it is http(s), else an empty string, so it never
    becomes a javascript: or data: link."""
    if isinstance(value, str) and value.strip().lower().startswith(SAFE_SCHEMES):
        return value.strip()
    return ""
