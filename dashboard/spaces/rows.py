"""The HTML of one row of the spaces list.

A list page is 50 rows, and under random paging or search most of them are
built for the request, so a row is one f-string over values escaped once with
the standard library's html.escape (what django.utils.html.escape calls):
format_html, with its per-argument checks, took three milliseconds a page.
Every value that comes from GitBook goes through ``esc``.
The inline-edit cancel view returns title_cell alone.
"""

import html
import re

from django.utils.safestring import SafeString, mark_safe

from dashboard.ui.templatetags.console import api_time

# "2024-05-01T12:34..." as the API writes times: shown as "2024-05-01 12:34".
_ISO_MINUTE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
# What html.escape replaces; most values (ids, modes, times) hold none of it.
_SPECIAL = re.compile("[&<>\"']")


def esc(value) -> str:
    text = value if isinstance(value, str) else str(value)
    return html.escape(text, quote=True) if _SPECIAL.search(text) else text


def _count(value) -> str:
    return str(value) if type(value) is int else esc(value or 0)


def _crumbs(row: dict) -> str:
    trail = row.get("breadcrumb") or []
    if not trail:
        return '<span class="muted">top level</span>'
    return " / ".join(esc(crumb["title"]) for crumb in trail)


def _updated(row: dict) -> str:
    value = row.get("updatedAt")
    if not value:
        return ""
    if _ISO_MINUTE.match(value):
        shown = f"{value[:10]} {value[11:16]}"
    else:
        updated = api_time(value)
        if updated is None:
            return ""
        shown = updated.strftime("%Y-%m-%d %H:%M")
    return f'<time datetime="{esc(value)}">{esc(shown)}</time>'


def _title_cell(space_id: str, title: str, row: dict, can_operate: bool, base: str) -> str:
    space_url = f"{base}{space_id}/"
    emoji = f'<span class="emoji">{esc(row["emoji"])}</span> ' if row.get("emoji") else ""
    rename = ""
    if can_operate:
        rename = (
            f'\n    <a class="small row-action" href="{space_url}edit/" '
            f'hx-get="{space_url}edit/?field=title" hx-target="#title-{space_id}" '
            f'hx-swap="outerHTML" aria-label="Rename {title}">Rename</a>'
        )
    shown = title or "Untitled"
    return (
        f'<span class="title-cell" id="title-{space_id}"><a href="{space_url}">'
        f"{emoji}{shown}</a>{rename}</span>"
    )


def title_cell(row: dict, can_operate: bool, base: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every value from GitBook is escaped
        _title_cell(esc(row["id"]), esc(row.get("title") or ""), row, can_operate, esc(base))
    )


def _mode_cell(space_id: str, mode: str, can_operate: bool, base: str) -> str:
    control = ""
    if can_operate:
        target = "live" if mode == "locked" else "locked"
        label = "Unlock" if mode == "locked" else "Lock"
        # Submits the page's one row-action form: no row carries its own CSRF token.
        control = (
            f'\n    <button type="submit" form="row-action" formaction="{base}{space_id}/lock/" '
            f'name="mode" value="{target}" hx-post="{base}{space_id}/lock/" '
            f'hx-vals=\'{{"mode": "{target}"}}\' '
            f'hx-target="#mode-{space_id}" hx-swap="innerHTML" class="small secondary">'
            f"{label}</button>"
        )
    return f'<span id="mode-{space_id}">{esc(mode)}{control}</span>'


def row_html(row: dict, can_operate: bool, base: str) -> SafeString:
    space_id = esc(row["id"])
    title = esc(row.get("title") or "")
    base = esc(base)
    select = ""
    if can_operate:
        select = (
            f'<td><input type="checkbox" name="space" value="{space_id}" form="bulk-form" '
            f'aria-label="Select {title}"></td>'
        )
    # SafeString rather than mark_safe, which checks for lazy strings: a row is not one.
    return SafeString(  # every value from GitBook is escaped
        f'<tr id="space-{space_id}">{select}'
        f"<td>{_title_cell(space_id, title, row, can_operate, base)}</td>"
        f"<td>{esc(row.get('visibility') or '')}</td>"
        f'<td class="crumbs">{_crumbs(row)}</td>'
        f"<td>{_mode_cell(space_id, row.get('editMode') or '', can_operate, base)}</td>"
        f"<td>{_updated(row)}</td>"
        f'<td class="num">{_count(row.get("changeRequestsOpen"))}</td>'
        f'<td class="num">{_count(row.get("comments"))}</td></tr>\n'
    )
