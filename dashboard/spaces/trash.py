from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from dashboard.accounts.models import Connection
from dashboard.spaces.models import DeletedSpace

RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class TrashItem:
    deleted: DeletedSpace
    time_left: timedelta

    @property
    def restorable(self) -> bool:
        return self.time_left > timedelta(0)


def recently_deleted(connection: Connection) -> list[TrashItem]:
    """Spaces deleted through the console in the last 7 days, soonest gone first."""
    now = timezone.now()
    rows = (
        DeletedSpace.objects.filter(
            connection=connection, restored_at=None, deleted_at__gt=now - RETENTION
        )
        .select_related("deleted_by")
        .order_by("deleted_at")
    )
    return [TrashItem(row, row.deleted_at + RETENTION - now) for row in rows]
