"""What admins change in the console itself: organization connections and users.

These are console changes, not GitBook changes, so they are saved at once
(no job) and written to the audit log in the same transaction.
"""

from django.conf import settings
from django.db import IntegrityError, transaction

from dashboard.accounts import crypto
from dashboard.accounts.models import Connection, Role, User
from dashboard.jobs.models import AuditEntry
from gitbook_api import GitBookClient
from gitbook_api.errors import (
    Forbidden,
    GitBookError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)

# Where an admin is waiting between checking a token and picking an organization.
PENDING_CONNECTION_KEY = "pending_connection"


class Refused(Exception):
    """A change the rules do not allow; the message says why, for the user."""


class AccessProblem(Exception):
    """The URL and token did not reach GitBook; ``field`` is the one to blame."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def client(api_url: str, token: str) -> GitBookClient:
    # An admin waits on this answer in the page: one retry at most.
    return GitBookClient(
        token=token, base_url=api_url, timeout=settings.GITBOOK_TIMEOUT, max_retries=1
    )


def organizations_for(api_url: str, token: str) -> list[tuple[str, str]]:
    """The (id, title) of every organization the token can see, or AccessProblem."""
    try:
        with client(api_url, token) as api:
            organizations = list(api.list_organizations())
    except (Unauthorized, Forbidden) as exc:
        raise AccessProblem("token", exc.message) from None
    except TransportError:
        raise AccessProblem(
            "api_url", f"No answer from {api_url}. Check the address and that the API is up."
        ) from None
    except NotFound:
        raise AccessProblem(
            "api_url",
            f"{api_url} has no GitBook organizations endpoint. "
            "The GitBook API address usually ends in /v1.",
        ) from None
    except (ServerError, RateLimited) as exc:
        raise AccessProblem(None, f"GitBook could not answer just now: {exc}") from None
    except GitBookError as exc:
        raise AccessProblem(
            "api_url", f"{api_url} did not answer like the GitBook API: {exc}"
        ) from None
    if not organizations:
        raise AccessProblem("token", "This token sees no organization.")
    return [(org.id, org.title or org.id) for org in organizations]


def hold_pending_connection(
    session, api_url: str, token: str, organizations: list[tuple[str, str]]
) -> None:
    """Keep a checked URL and token for the next step, the token encrypted."""
    session[PENDING_CONNECTION_KEY] = {
        "api_url": api_url,
        "token_encrypted": crypto.encrypt(token),
        "organizations": organizations,
    }


def pending_connection(session) -> dict | None:
    return session.get(PENDING_CONNECTION_KEY)


def forget_pending_connection(session) -> None:
    session.pop(PENDING_CONNECTION_KEY, None)


def connection_facts(connection: Connection) -> dict:
    """What the audit log keeps about a connection: never its token."""
    return {
        "name": connection.name,
        "api_url": connection.api_url,
        "organization_id": connection.organization_id,
    }


def audit_connection(user: User, action: str, connection: Connection, before, after) -> None:
    AuditEntry.objects.create(
        user=user,
        username=user.get_username(),
        connection=connection if connection.pk else None,
        organization_id=connection.organization_id,
        action=action,
        target_id=connection.organization_id,
        target_title=connection.name,
        before=before,
        after=after,
    )


def add_connection(
    user: User, *, api_url: str, token_encrypted: str, organization_id: str, name: str
) -> Connection:
    connection = Connection(
        name=name,
        api_url=api_url,
        organization_id=organization_id,
        token_encrypted=token_encrypted,
        created_by=user,
    )
    try:
        with transaction.atomic():
            connection.save()
            audit_connection(user, "connection.add", connection, {}, connection_facts(connection))
    except IntegrityError:
        raise Refused("This organization is already connected.") from None
    return connection


def rename_connection(user: User, connection: Connection, name: str) -> None:
    before = connection_facts(connection)
    with transaction.atomic():
        connection.name = name
        connection.save(update_fields=["name"])
        audit_connection(
            user, "connection.rename", connection, before, connection_facts(connection)
        )


def remove_connection(user: User, connection: Connection) -> None:
    before = connection_facts(connection)
    with transaction.atomic():
        connection.delete()
        audit_connection(user, "connection.remove", connection, before, {})


def check_connection(connection: Connection) -> tuple[bool, str]:
    """Whether the stored token still reaches the organization, and what GitBook said."""
    try:
        with client(connection.api_url, connection.token) as api:
            organization = api.get_organization(connection.organization_id)
    except GitBookError as exc:
        return False, str(exc)
    except ValueError as exc:  # the token was stored under another encryption key
        return False, str(exc)
    return True, f"OK: the token reaches “{organization.title or organization.id}”."


def audit_user(actor: User, action: str, user: User, before: dict, after: dict) -> None:
    AuditEntry.objects.create(
        user=actor,
        username=actor.get_username(),
        organization_id="",
        action=action,
        target_id=user.get_username(),
        target_title=user.get_username(),
        before=before,
        after=after,
    )


def create_user(actor: User, *, username: str, email: str, role: str, password: str) -> User:
    with transaction.atomic():
        user = User.objects.create_user(username, email=email, password=password, role=role)
        audit_user(actor, "user.add", user, {}, {"role": role, "email": email})
    return user


def is_last_active_admin(user: User) -> bool:
    """Call inside a transaction: the admins are locked until it ends."""
    admins = User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True)
    return user.role == Role.ADMIN and user.is_active and not admins.exclude(pk=user.pk).exists()


def change_role(actor: User, user: User, role: str) -> None:
    if user.pk == actor.pk and role != user.role:
        raise Refused("You cannot change your own role: ask another admin.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = user.role
        if role == before:
            return
        if is_last_active_admin(user):
            raise Refused(
                f"{user.get_username()} is the last active admin: make someone else an admin first."
            )
        user.role = role
        user.save(update_fields=["role"])
        audit_user(actor, "user.role", user, {"role": before}, {"role": role})


def set_active(actor: User, user: User, active: bool) -> None:
    if user.pk == actor.pk and not active:
        raise Refused("You cannot deactivate yourself: ask another admin.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return
        if not active and is_last_active_admin(user):
            raise Refused(
                f"{user.get_username()} is the last active admin: make someone else an admin first."
            )
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = "user.reactivate" if active else "user.deactivate"
        audit_user(actor, action, user, {"active": not active}, {"active": active})
