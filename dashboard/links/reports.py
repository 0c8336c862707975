"""What the pages show: a space's broken links grouped by target, the
organization's site findings, the ranking of spaces, and a scan's diff.

Grouping, filtering, sorting and paging happen in the database; only the
targets on screen have their pages loaded.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower

from dashboard.accounts.models import Connection
from dashboard.links.counting import counted_rows, ignored, keys_not_in
from dashboard.links.fixes import pending_fixes
from dashboard.links.models import BrokenLink, KnownTarget, LinkScan, ScanPart

SORTS = {
    "occurrences": (F("occurrences").desc(), Lower("label")),
    "newest": (F("first_seen").desc(), Lower("label")),
    "oldest": (F("first_seen").asc(), Lower("label")),
    "target": (Lower("label"), "target_key"),
}
RANKING_SORTS = {
    "broken": (F("broken_count").desc(), Lower("title")),
    "new": (F("new_count").desc(nulls_last=True), F("broken_count").desc(), Lower("title")),
    "fixed": (F("fixed_count").desc(nulls_last=True), F("broken_count").desc(), Lower("title")),
    "title": (Lower("title"), "space_id"),
    "scanned": (F("scan__finished_at").desc(), Lower("title")),
}
PER_PAGE = 50
DIFF_SHOWN = 100


@dataclass(frozen=True)
class ReportQuery:
    sort: str = "occurrences"
    kind: str = ""
    page_id: str = ""
    q: str = ""
    ignored: bool = False
    number: int = 1


@dataclass
class Report:
    scan: LinkScan | None
    groups: Page | None = None
    broken: int = 0
    occurrences: int = 0
    ignored: int = 0
    kinds: list[str] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)


def latest_space_result(connection: Connection, space_id: str) -> ScanPart | None:
    return (
        ScanPart.objects.filter(
            connection=connection, kind=ScanPart.Kind.SPACE, space_id=space_id, is_latest=True
        )
        .select_related("scan", "scan__previous")
        .first()
    )


def latest_organization_scan(connection: Connection) -> LinkScan | None:
    return (
        LinkScan.objects.filter(
            connection=connection,
            scope=LinkScan.Scope.ORGANIZATION,
            status=LinkScan.Status.SUCCEEDED,
        )
        .select_related("previous")
        .order_by("-created_at")
        .first()
    )


def first_seen(connection_id: int) -> Subquery:
    return Subquery(
        KnownTarget.objects.filter(
            connection_id=connection_id, target_key=OuterRef("target_key")
        ).values("first_seen_at")[:1]
    )


def filtered_rows(scan: LinkScan, space_id: str, query: ReportQuery) -> QuerySet:
    """The rows of one space (or, with "", the findings of no space) that the filters keep."""
    rows = BrokenLink.objects.filter(scan=scan, space_id=space_id)
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.q:
        rows = rows.filter(Q(label__icontains=query.q) | Q(target_url__icontains=query.q))
    if query.page_id:
        on_page = BrokenLink.objects.filter(scan=scan, space_id=space_id, page_id=query.page_id)
        rows = rows.filter(target_key__in=on_page.values("target_key"))
    is_ignored = ignored(scan.connection_id)
    return rows.filter(is_ignored) if query.ignored else rows.filter(~is_ignored)


def grouped(rows: QuerySet, connection_id: int) -> QuerySet:
    return rows.values("target_key").annotate(
        occurrences=Sum("weight"),
        label=Max("label"),
        kind=Max("kind"),
        target_url=Max("target_url"),
        detail=Max("detail"),
        source=Max("source"),
        fingerprint=Max("fingerprint"),
        first_seen=Max(first_seen(connection_id)),
    )


def report(scan: LinkScan | None, space_id: str, query: ReportQuery) -> Report:
    if scan is None:
        return Report(scan=None)
    everything = BrokenLink.objects.filter(scan=scan, space_id=space_id)
    counted = everything.filter(~ignored(scan.connection_id))
    broken = counted.values("target_key").distinct().count()
    occurrences = counted.aggregate(n=Sum("weight"))["n"] or 0
    all_keys = everything.values("target_key").distinct().count()
    rows = filtered_rows(scan, space_id, query)
    order = SORTS.get(query.sort, SORTS["occurrences"])
    groups = Paginator(grouped(rows, scan.connection_id).order_by(*order), PER_PAGE).get_page(
        query.number
    )
    attach_occurrences(scan, space_id, groups.object_list)
    return Report(
        scan=scan,
        groups=groups,
        broken=broken,
        occurrences=occurrences,
        ignored=all_keys - broken,
        kinds=sorted(set(everything.values_list("kind", flat=True).distinct())),
        pages=list(
            everything.exclude(page_id="")
            .values("page_id", "page_title", "page_path")
            .distinct()
            .order_by("page_path", "page_id")
        ),
    )


def attach_occurrences(scan: LinkScan, space_id: str, groups) -> None:
    """Give each group on screen its pages (or finding), and its redirect job if any."""
    groups = list(groups)
    keys = [group["target_key"] for group in groups]
    where: dict[str, list[dict]] = {key: [] for key in keys}
    for row in (
        BrokenLink.objects.filter(scan=scan, space_id=space_id, target_key__in=keys)
        .order_by("page_path", "pk")
        .values(
            "pk", "target_key", "page_id", "page_title", "page_path", "page_url", "weight", "fix"
        )
    ):
        where[row["target_key"]].append(row)
    fixes = pending_fixes(keys)
    for group in groups:
        group["rows"] = where[group["target_key"]]
        group["fix_row"] = next((row for row in group["rows"] if row["fix"]), None)
        group["fix_job"] = fixes.get(group["target_key"])


def csv_rows(scan: LinkScan, space_id: str, query: ReportQuery):
    """Every occurrence the filters keep, for the CSV export, without holding them all."""
    rows = filtered_rows(scan, space_id, query).annotate(first_seen=first_seen(scan.connection_id))
    return rows.order_by("label", "target_key", "page_path").values_list(
        "label",
        "kind",
        "target_url",
        "detail",
        "page_title",
        "page_path",
        "page_url",
        "weight",
        "first_seen",
        "source",
    )


def ranking(connection: Connection, q: str = "", sort: str = "broken") -> QuerySet:
    """Every space's latest result, most broken links first."""
    results = ScanPart.objects.filter(
        connection=connection, kind=ScanPart.Kind.SPACE, is_latest=True
    ).select_related("scan")
    if q:
        results = results.filter(title__icontains=q)
    return results.order_by(*RANKING_SORTS.get(sort, RANKING_SORTS["broken"]))


def diff(scan: LinkScan) -> dict:
    """The targets broken now and not in the previous scan, and the other way round."""
    if scan.previous_id is None or scan.status != LinkScan.Status.SUCCEEDED:
        return {"new": [], "fixed": [], "compared": False}
    titles = dict(
        ScanPart.objects.filter(
            scan__in=[scan.pk, scan.previous_id], kind=ScanPart.Kind.SPACE
        ).values_list("space_id", "title")
    )
    new = keys_not_in(counted_rows(scan), scan.previous_id)
    fixed = keys_not_in(counted_rows(scan.previous), scan.pk)

    def listed(rows: QuerySet) -> list[dict]:
        found = list(
            rows.values("target_key")
            .annotate(
                label=Max("label"),
                kind=Max("kind"),
                target_url=Max("target_url"),
                space_id=Max("space_id"),
                occurrences=Sum("weight"),
            )
            .order_by("-occurrences", "label")[:DIFF_SHOWN]
        )
        for entry in found:
            entry["space_title"] = titles.get(entry["space_id"], "")
        return found

    return {"new": listed(new), "fixed": listed(fixed), "compared": True}
