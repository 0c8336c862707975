"""Ignoring a broken target on purpose, and taking that back; both are audited."""

from django.db import IntegrityError, transaction

from dashboard.accounts.models import Connection, User
from dashboard.jobs.models import AuditEntry
from dashboard.links.counting import recount_after_triage
from dashboard.links.models import BrokenLink, IgnoredTarget


def target_row(connection: Connection, scan_id: int, target_key: str) -> BrokenLink | None:
    """A row of this target in a scan of this connection: what it looks like now."""
    return (
        BrokenLink.objects.filter(
            scan_id=scan_id, scan__connection=connection, target_key=target_key
        )
        .order_by("pk")
        .first()
    )


def audit(user: User, connection: Connection, action: str, row, before: dict, after: dict):
    AuditEntry.objects.create(
        user=user,
        username=user.get_username(),
        connection=connection,
        organization_id=connection.organization_id,
        action=action,
        target_id=row.space_id or row.target_key,
        target_title=row.label[:300],
        before=before,
        after=after,
    )


def ignore(user: User, connection: Connection, row: BrokenLink, reason: str) -> IgnoredTarget:
    """Leave this target out of the counts while it stays as it is now."""
    with transaction.atomic():
        existing = IgnoredTarget.objects.filter(
            connection=connection, target_key=row.target_key
        ).first()
        before = {"ignored": bool(existing), "reason": existing.reason if existing else ""}
        if existing is not None:
            existing.delete()
        try:
            rule = IgnoredTarget.objects.create(
                connection=connection,
                target_key=row.target_key,
                fingerprint=row.fingerprint,
                space_id=row.space_id,
                label=row.label,
                reason=reason,
                created_by=user,
            )
        except IntegrityError:
            rule = IgnoredTarget.objects.get(connection=connection, target_key=row.target_key)
        audit(
            user,
            connection,
            "links.ignore",
            row,
            before,
            {"ignored": True, "reason": reason, "target": row.target_key, "kind": row.kind},
        )
        recount_after_triage(connection.pk, row.space_id)
    return rule


def unignore(user: User, connection: Connection, row: BrokenLink) -> bool:
    with transaction.atomic():
        rule = IgnoredTarget.objects.filter(
            connection=connection, target_key=row.target_key
        ).first()
        if rule is None:
            return False
        before = {"ignored": True, "reason": rule.reason, "by": rule.created_by_id}
        rule.delete()
        audit(
            user,
            connection,
            "links.unignore",
            row,
            before,
            {"ignored": False, "target": row.target_key, "kind": row.kind},
        )
        recount_after_triage(connection.pk, row.space_id)
    return True


def ignore_rules(connection: Connection, keys) -> dict[str, IgnoredTarget]:
    return {
        rule.target_key: rule
        for rule in IgnoredTarget.objects.filter(
            connection=connection, target_key__in=list(keys)
        ).select_related("created_by")
    }
