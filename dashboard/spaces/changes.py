"""Turning a validated request into a job: the description, the arguments,
and the before/after the audit log keeps. Views and tests call these."""

from dashboard.accounts.models import Connection, User
from dashboard.jobs.models import Job
from dashboard.jobs.service import enqueue


def label(space: dict) -> str:
    return space.get("title") or space.get("id", "")


def request_update(user: User, connection: Connection, space: dict, changes: dict) -> Job:
    names = ", ".join(sorted(changes))
    return enqueue(
        user=user,
        connection=connection,
        kind="space.update",
        description=f"Change {names} of “{label(space)}”",
        arguments={"changes": changes},
        target_id=space["id"],
        target_title=label(space),
        before={name: space.get(name) for name in changes},
        after=changes,
    )


def request_move(
    user: User, connection: Connection, space: dict, arguments: dict, destination: str
) -> Job:
    return enqueue(
        user=user,
        connection=connection,
        kind="space.move",
        description=f"Move “{label(space)}” to {destination}",
        arguments=arguments,
        target_id=space["id"],
        target_title=label(space),
        before={"parent": space.get("parent") or None},
        after=arguments,
    )


def request_delete(user: User, connection: Connection, space: dict) -> Job:
    return enqueue(
        user=user,
        connection=connection,
        kind="space.delete",
        description=f"Delete “{label(space)}”",
        arguments={"title": label(space)},
        target_id=space["id"],
        target_title=label(space),
        before={"deleted": False},
        after={"deleted": True},
    )


def request_restore(user: User, connection: Connection, space_id: str, title: str = "") -> Job:
    return enqueue(
        user=user,
        connection=connection,
        kind="space.restore",
        description=f"Restore “{title or space_id}”",
        arguments={},
        target_id=space_id,
        target_title=title,
        before={"deleted": True},
        after={"deleted": False},
    )


def request_duplicate(user: User, connection: Connection, space: dict) -> Job:
    return enqueue(
        user=user,
        connection=connection,
        kind="space.duplicate",
        description=f"Duplicate “{label(space)}”",
        arguments={"title": label(space)},
        target_id=space["id"],
        target_title=label(space),
    )


def request_transfer(
    user: User, connection: Connection, space: dict, organization: str, organization_title: str
) -> Job:
    return enqueue(
        user=user,
        connection=connection,
        kind="space.transfer",
        description=f"Transfer “{label(space)}” to {organization_title}",
        arguments={"organization": organization},
        target_id=space["id"],
        target_title=label(space),
        before={"organization": connection.organization_id},
        after={"organization": organization},
    )


def request_create(user: User, connection: Connection, title: str, emoji: str, parent: str) -> Job:
    return enqueue(
        user=user,
        connection=connection,
        kind="space.create",
        description=f"Create “{title}”",
        arguments={"title": title, "emoji": emoji, "parent": parent},
        target_title=title,
        after={"title": title, "emoji": emoji, "parent": parent},
    )
