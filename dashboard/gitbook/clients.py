import contextlib
import logging
import threading

from django.conf import settings
from redis.exceptions import RedisError

from dashboard.accounts.models import Connection
from dashboard.gitbook.pacer import RedisPacer
from gitbook_api import GitBookClient
from gitbook_api.errors import Unauthorized

log = logging.getLogger(__name__)

# A client holds a requests.Session, which is not thread-safe; one per thread
# and connection keeps HTTP connections alive between calls.
_local = threading.local()


class FailOpenPacer:
    """The shared pacer, except that without Redis calls go out unpaced:
    GitBook's own 429s and the client's back-off still apply."""

    def __init__(self, pacer: RedisPacer):
        self.pacer = pacer

    def before_request(self, method: str, path: str) -> None:
        try:
            self.pacer.before_request(method, path)
        except RedisError:
            log.warning("Redis is unreachable: calling GitBook without the shared pacer")

    def after_response(self, info, status: int) -> None:
        with contextlib.suppress(RedisError):
            self.pacer.after_response(info, status)


def client_for(connection: Connection) -> GitBookClient:
    """A client for one organization connection, paced with every other process."""
    clients = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    key = (connection.pk, connection.api_url, connection.token_encrypted)
    client = clients.get(key)
    if client is None:
        try:
            token = connection.token
        except ValueError:
            # Restored from a backup (tokens are never exported) or a changed key.
            raise Unauthorized(
                "This organization's token is missing or unreadable: "
                "an admin must connect it again."
            ) from None
        pacer = (
            FailOpenPacer(RedisPacer(connection.pk)) if settings.GITBOOK_SHARED_RATE_LIMIT else None
        )
        client = clients[key] = GitBookClient(
            token=token, base_url=connection.api_url, timeout=settings.GITBOOK_TIMEOUT, pacer=pacer
        )
    return client
