"""Broken links over time, as numbers and as the geometry of a small SVG chart.

The chart is drawn by the server (templates/links/_chart.html): a polyline in
a fixed view box, with the first and last dates and the top value labelled.
"""

from dataclasses import dataclass
from datetime import datetime

from dashboard.accounts.models import Connection
from dashboard.links.models import LinkScan, ScanPart

POINTS = 30


@dataclass(frozen=True)
class Point:
    when: datetime
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    line: str  # the polyline's "x,y x,y ..."
    dots: list[tuple[float, float, Point]]
    top: int
    first: datetime | None
    last: datetime | None

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def description(self) -> str:
        if not self.points:
            return "No scan yet."
        values = ", ".join(str(point.value) for point in self.points)
        return f"Broken links in the last {len(self.points)} scans, oldest first: {values}."


def organization_series(connection: Connection, limit: int = POINTS) -> list[Point]:
    scans = LinkScan.objects.filter(
        connection=connection,
        scope=LinkScan.Scope.ORGANIZATION,
        status=LinkScan.Status.SUCCEEDED,
        broken_count__isnull=False,
    ).order_by("-created_at")[:limit]
    return [Point(scan.finished_at or scan.created_at, scan.broken_count) for scan in scans][::-1]


def space_series(connection: Connection, space_id: str, limit: int = POINTS) -> list[Point]:
    parts = (
        ScanPart.objects.filter(
            connection=connection,
            kind=ScanPart.Kind.SPACE,
            space_id=space_id,
            scan__status=LinkScan.Status.SUCCEEDED,
            broken_count__isnull=False,
        )
        .select_related("scan")
        .order_by("-scan__created_at")[:limit]
    )
    return [
        Point(part.scan.finished_at or part.scan.created_at, part.broken_count) for part in parts
    ][::-1]


def spaces_series(connection: Connection, space_ids: list[str], limit: int = 12) -> dict:
    """The last ``limit`` counts of several spaces at once, for the ranking's sparklines."""
    series: dict[str, list[Point]] = {space_id: [] for space_id in space_ids}
    parts = (
        ScanPart.objects.filter(
            connection=connection,
            kind=ScanPart.Kind.SPACE,
            space_id__in=space_ids,
            scan__status=LinkScan.Status.SUCCEEDED,
            broken_count__isnull=False,
        )
        .order_by("scan__created_at")
        .values_list("space_id", "broken_count", "scan__created_at")
    )
    for space_id, count, when in parts:
        series[space_id].append(Point(when, count))
    return {space_id: points[-limit:] for space_id, points in series.items()}


def chart(points: list[Point], width: int = 640, height: int = 160, margin: int = 6) -> Chart:
    """Where to draw ``points``: x by order (scans are not evenly spaced in time,
    and the reader compares scan with scan), y from zero to the top value."""
    top = max((point.value for point in points), default=0)
    inner_width, inner_height = width - 2 * margin, height - 2 * margin
    dots = []
    for position, point in enumerate(points):
        x = margin + (
            inner_width * position / (len(points) - 1) if len(points) > 1 else inner_width / 2
        )
        y = margin + inner_height - (inner_height * point.value / top if top else 0)
        dots.append((round(x, 1), round(y, 1), point))
    return Chart(
        width=width,
        height=height,
        points=points,
        line=" ".join(f"{x},{y}" for x, y, _point in dots),
        dots=dots,
        top=top,
        first=points[0].when if points else None,
        last=points[-1].when if points else None,
    )
