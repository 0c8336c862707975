"""The HTML of one row of the spaces list.

Built with format_html (every value escaped) instead of a template: a list
page is 50 of these, and the template engine took most of the page's time.
The inline-edit cancel view returns title_cell alone.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dashboard.ui.templatetags.console import api_time


def _crumbs(row: dict) -> SafeString:
    trail = row.get("breadcrumb") or []
    if not trail:
        return mark_safe('<span class="muted">top level</span>')
    return format_html_join(" / ", "{}", ((c["title"],) for c in trail))


def _updated(row: dict) -> SafeString:
    updated = api_time(row.get("updatedAt"))
    if updated is None:
        return mark_safe("")
    return format_html(
        '<time datetime="{}">{}</time>', row["updatedAt"], updated.strftime("%Y-%m-%d %H:%M")
    )


def title_cell(row: dict, can_operate: bool, base: str) -> SafeString:
    space_url = f"{base}{row['id']}/"
    emoji = format_html('<span class="emoji">{}</span> ', row["emoji"]) if row.get("emoji") else ""
    rename = ""
    if can_operate:
        rename = format_html(
            '\n    <a class="small row-action" href="{}edit/" hx-get="{}edit/?field=title" '
            'hx-target="#title-{}" hx-swap="outerHTML" aria-label="Rename {}">Rename</a>',
            space_url,
            space_url,
            row["id"],
            row.get("title") or "",
        )
    return format_html(
        '<span class="title-cell" id="title-{}"><a href="{}">{}{}</a>{}</span>',
        row["id"],
        space_url,
        emoji,
        row.get("title") or "Untitled",
        rename,
    )


def mode_cell(row: dict, can_operate: bool, base: str) -> SafeString:
    mode = row.get("editMode") or ""
    control = ""
    if can_operate:
        target = "live" if mode == "locked" else "locked"
        # Submits the page's one row-action form: no row carries its own CSRF token.
        control = format_html(
            '\n    <button type="submit" form="row-action" formaction="{}{}/lock/" name="mode" '
            'value="{}" hx-post="{}{}/lock/" hx-vals=\'{{"mode": "{}"}}\' hx-target="#mode-{}" '
            'hx-swap="innerHTML" class="small secondary">{}</button>',
            base,
            row["id"],
            target,
            base,
            row["id"],
            target,
            row["id"],
            "Unlock" if mode == "locked" else "Lock",
        )
    return format_html('<span id="mode-{}">{}{}</span>', row["id"], mode, control)


def row_html(row: dict, can_operate: bool, base: str) -> SafeString:
    select = ""
    if can_operate:
        select = format_html(
            '<td><input type="checkbox" name="space" value="{}" form="bulk-form" '
            'aria-label="Select {}"></td>',
            row["id"],
            row.get("title") or "",
        )
    return format_html(
        '<tr id="space-{}">{}<td>{}</td><td>{}</td><td class="crumbs">{}</td><td>{}</td>'
        '<td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>\n',
        row["id"],
        select,
        title_cell(row, can_operate, base),
        row.get("visibility") or "",
        _crumbs(row),
        mode_cell(row, can_operate, base),
        _updated(row),
        row.get("changeRequestsOpen") or 0,
        row.get("comments") or 0,
    )
