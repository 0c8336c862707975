"""Which GitBook organization a request works on, and the first connection from the environment."""

import logging

from django.conf import settings
from django.db import IntegrityError

from dashboard.accounts.models import Connection
from gitbook_api import GitBookClient
from gitbook_api.errors import GitBookError

log = logging.getLogger(__name__)

SESSION_KEY = "connection_id"


def all_connections(request) -> list[Connection]:
    """Every connection, read once per request (the header and the view both need them)."""
    if not hasattr(request, "_console_connections"):
        request._console_connections = list(Connection.objects.all())
    return request._console_connections


def current_connection(request) -> Connection | None:
    """The connection chosen in this session, else the first one there is."""
    connections = all_connections(request)
    chosen = request.session.get(SESSION_KEY)
    for connection in connections:
        if connection.pk == chosen:
            return connection
    if connections:
        return connections[0]
    connection = ensure_environment_connection()
    if connection is not None:
        request._console_connections = [connection]
    return connection


def ensure_environment_connection() -> Connection | None:
    """Create the connection that the GITBOOK_* settings describe, once.

    Returns None when the API cannot be reached or the token sees no
    organization; the caller shows that and nothing is saved.
    """
    api_url = settings.GITBOOK_API_URL.rstrip("/")
    existing = Connection.objects.filter(api_url=api_url)
    if settings.GITBOOK_ORG_ID:
        existing = existing.filter(organization_id=settings.GITBOOK_ORG_ID)
    if found := existing.first():
        return found

    client = GitBookClient(
        token=settings.GITBOOK_API_TOKEN, base_url=api_url, timeout=settings.GITBOOK_TIMEOUT
    )
    try:
        if settings.GITBOOK_ORG_ID:
            organization = client.get_organization(settings.GITBOOK_ORG_ID)
        else:
            organization = next(iter(client.list_organizations()), None)
    except GitBookError as exc:
        log.warning("Cannot create the first connection: %s", exc)
        return None
    if organization is None:
        log.warning("The configured GitBook token sees no organization")
        return None

    connection = Connection(
        name=organization.title or organization.id,
        api_url=api_url,
        organization_id=organization.id,
    )
    connection.set_token(settings.GITBOOK_API_TOKEN)
    try:
        connection.save()
    except IntegrityError:
        # Another process created it meanwhile.
        return Connection.objects.get(api_url=api_url, organization_id=organization.id)
    return connection
