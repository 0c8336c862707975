import threading

from django.conf import settings

from dashboard.accounts.models import Connection
from dashboard.gitbook.pacer import RedisPacer
from gitbook_api import GitBookClient

# A client holds a requests.Session, which is not thread-safe; one per thread
# and connection keeps HTTP connections alive between calls.
_local = threading.local()


def client_for(connection: Connection) -> GitBookClient:
    """A client for one organization connection, paced with every other process."""
    clients = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    key = (connection.pk, connection.api_url, connection.token_encrypted)
    client = clients.get(key)
    if client is None:
        client = clients[key] = GitBookClient(
            token=connection.token,
            base_url=connection.api_url,
            timeout=settings.GITBOOK_TIMEOUT,
            pacer=RedisPacer(connection.pk),
        )
    return client
