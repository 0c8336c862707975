"""Counting a finished scan: broken targets per space, new and fixed since the
previous result, and which results are now the latest.

Counts are distinct targets, not rows: a target broken on three pages is one
broken link that occurs three times. Targets ignored (with an unchanged
fingerprint) are left out. Everything is counted in the database, grouped,
so a scan of any size is counted without loading its rows.
"""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from dashboard.links.models import BrokenLink, IgnoredTarget, LinkScan, ScanPart

# The parts whose space was read: its result becomes the latest.
COUNTED = (ScanPart.Status.DONE, ScanPart.Status.SKIPPED)
# Above this many spaces compared with one previous scan, compare whole scans
# rather than name the spaces in the query.
NAMED_SPACES_AT_MOST = 50


def ignored(connection_id: int) -> Exists:
    """True for a row whose target is ignored and has not changed since."""
    return Exists(
        IgnoredTarget.objects.filter(
            connection_id=connection_id,
            target_key=OuterRef("target_key"),
            fingerprint=OuterRef("fingerprint"),
        )
    )


def counted_rows(scan: LinkScan) -> QuerySet:
    return BrokenLink.objects.filter(scan=scan).filter(~ignored(scan.connection_id))


def totals(rows: QuerySet) -> tuple[int, int]:
    """(distinct broken targets, occurrences) of some rows."""
    found = rows.aggregate(broken=Count("target_key", distinct=True), occurrences=Sum("weight"))
    return found["broken"] or 0, found["occurrences"] or 0


def keys_not_in(rows: QuerySet, other_scan_id: int) -> QuerySet:
    return rows.exclude(
        target_key__in=BrokenLink.objects.filter(scan_id=other_scan_id).values("target_key")
    )


def per_space(rows: QuerySet) -> dict[str, int]:
    return {
        entry["space_id"]: entry["n"]
        for entry in rows.values("space_id").annotate(n=Count("target_key", distinct=True))
    }


def finish_scan(scan: LinkScan) -> None:
    """Count a scan whose parts are all finished, once, and make it the latest."""
    with transaction.atomic():
        if not LinkScan.objects.filter(pk=scan.pk, status__in=LinkScan.OPEN).exists():
            return
        rows = counted_rows(scan)
        scanned = list(
            ScanPart.objects.filter(scan=scan, kind=ScanPart.Kind.SPACE, status__in=COUNTED)
        )
        previous = dict(
            ScanPart.objects.filter(
                connection_id=scan.connection_id, kind=ScanPart.Kind.SPACE, is_latest=True
            )
            .exclude(scan=scan)
            .values_list("space_id", "scan_id")
        )
        count_spaces(scan, scanned, rows, previous)
        latest_before = ScanPart.objects.filter(
            connection_id=scan.connection_id, kind=ScanPart.Kind.SPACE, is_latest=True
        ).exclude(scan=scan)
        space_parts = ScanPart.objects.filter(scan=scan, kind=ScanPart.Kind.SPACE)
        scanned_parts = space_parts.filter(status__in=COUNTED)
        if scan.scope == LinkScan.Scope.ORGANIZATION:
            # A space no longer in the organization has no latest result; one
            # whose part failed keeps its older one.
            kept = space_parts.exclude(status__in=COUNTED).exclude(status=ScanPart.Status.GONE)
            latest_before.exclude(space_id__in=kept.values("space_id")).update(is_latest=False)
        else:
            latest_before.filter(space_id=scan.space_id).update(is_latest=False)
        ScanPart.objects.bulk_update(
            scanned,
            ["broken_count", "occurrences", "new_count", "fixed_count", "previous_scan"],
            batch_size=500,
        )
        scanned_parts.update(is_latest=True)
        scan.previous = previous_scan(scan)
        count_scan(scan)
        scan.status = LinkScan.Status.SUCCEEDED
        scan.finished_at = timezone.now()
        scan.save(
            update_fields=[
                "previous",
                "broken_count",
                "occurrences",
                "new_count",
                "fixed_count",
                "status",
                "finished_at",
            ]
        )
        if scan.scope == LinkScan.Scope.ORGANIZATION:
            from dashboard.links.alerts import alert_if_worse

            transaction.on_commit(lambda: alert_if_worse(scan.pk))


def previous_scan(scan: LinkScan) -> LinkScan | None:
    earlier = LinkScan.objects.filter(
        connection_id=scan.connection_id,
        status=LinkScan.Status.SUCCEEDED,
        scope=scan.scope,
        space_id=scan.space_id,
        created_at__lt=scan.created_at,
    )
    return earlier.order_by("-created_at").first()


def count_scan(scan: LinkScan) -> None:
    """The scan's own totals, and its change since its previous scan (unsaved)."""
    rows = counted_rows(scan)
    scan.broken_count, scan.occurrences = totals(rows)
    if scan.previous_id is None:
        scan.new_count = scan.fixed_count = None
        return
    previous_rows = counted_rows(scan.previous)
    scan.new_count = keys_not_in(rows, scan.previous_id).values("target_key").distinct().count()
    scan.fixed_count = keys_not_in(previous_rows, scan.pk).values("target_key").distinct().count()


def count_spaces(
    scan: LinkScan, parts: list[ScanPart], rows: QuerySet, previous: dict[str, int]
) -> None:
    """Each space's count, occurrences, and change since its previous result, which
    is the scan ``previous`` names for the space (unsaved)."""
    if len(parts) <= NAMED_SPACES_AT_MOST:
        rows = rows.filter(space_id__in=[part.space_id for part in parts])
    broken = per_space(rows)
    occurrences = {
        entry["space_id"]: entry["n"] for entry in rows.values("space_id").annotate(n=Sum("weight"))
    }
    by_previous: dict[int, list[ScanPart]] = {}
    for part in parts:
        part.broken_count = broken.get(part.space_id, 0)
        part.occurrences = occurrences.get(part.space_id, 0)
        part.previous_scan_id = previous.get(part.space_id)
        part.new_count = part.fixed_count = None
        if part.previous_scan_id is not None:
            by_previous.setdefault(part.previous_scan_id, []).append(part)
    for previous_id, compared in by_previous.items():
        new_rows = keys_not_in(rows, previous_id)
        previous_rows = BrokenLink.objects.filter(scan_id=previous_id).filter(
            ~ignored(scan.connection_id)
        )
        fixed_rows = keys_not_in(previous_rows, scan.pk)
        if len(compared) <= NAMED_SPACES_AT_MOST:
            named = Q(space_id__in=[part.space_id for part in compared])
            new_rows, fixed_rows = new_rows.filter(named), fixed_rows.filter(named)
        new, fixed = per_space(new_rows), per_space(fixed_rows)
        for part in compared:
            part.new_count = new.get(part.space_id, 0)
            part.fixed_count = fixed.get(part.space_id, 0)


def recount_after_triage(connection_id: int, space_id: str) -> None:
    """Ignoring or taking back an ignore changes the latest counts at once."""
    with transaction.atomic():
        part = (
            ScanPart.objects.filter(
                connection_id=connection_id,
                kind=ScanPart.Kind.SPACE,
                space_id=space_id,
                is_latest=True,
            )
            .select_related("scan")
            .first()
        )
        if part is not None:
            previous = {space_id: part.previous_scan_id} if part.previous_scan_id else {}
            count_spaces(part.scan, [part], counted_rows(part.scan), previous)
            part.save(update_fields=["broken_count", "occurrences", "new_count", "fixed_count"])
        latest = (
            LinkScan.objects.filter(
                connection_id=connection_id,
                scope=LinkScan.Scope.ORGANIZATION,
                status=LinkScan.Status.SUCCEEDED,
            )
            .select_related("previous")
            .order_by("-created_at")
            .first()
        )
        if latest is not None:
            count_scan(latest)
            latest.save(update_fields=["broken_count", "occurrences", "new_count", "fixed_count"])
