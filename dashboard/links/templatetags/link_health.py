from django import template

from dashboard.links.targets import KINDS, safe_link

register = template.Library()


@register.filter
def link_url(value) -> str:
    """A URL from GitBook that may become a link (well-formed http or https), else ""."""
    return safe_link(value)


@register.filter
def kind_label(value: str) -> str:
    return KINDS.get(value, value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
