from django.http import Http404
from redis.exceptions import RedisError

from dashboard.accounts.connections import current_connection
from dashboard.accounts.models import Connection
from dashboard.gitbook import cache
from dashboard.spaces import index


def get_connection_for(request) -> Connection:
    connection = current_connection(request)
    if connection is None:
        raise Http404("No GitBook organization is connected.")
    return connection


def get_space_for(request, space_id: str) -> tuple[Connection, dict]:
    """The space as the list knows it (or as GitBook says, if the list has not
    loaded it yet), in the organization this request works on; 404 otherwise."""
    connection = get_connection_for(request)
    try:
        row = index.load_index(connection.pk).by_id.get(space_id)
    except RedisError:
        row = None  # without Redis, ask GitBook below
    if row is not None:
        return connection, row
    read = cache.read(connection, "space", space_id=space_id)
    data = read.data
    if (
        data
        and not data.get("deletedAt")
        and data.get("organization")
        in (
            None,
            connection.organization_id,
        )
    ):
        return connection, index.row_from_space(data)
    raise Http404("There is no such space in this organization.")
