"""The API reads the console caches, by name, so a worker can repeat any of them.

Each read takes a client and JSON-serialisable keyword arguments and returns
the API's raw JSON, which is what the cache stores.
"""

from collections.abc import Callable

from gitbook_api import GitBookClient


def organization(client: GitBookClient, *, org_id: str) -> dict:
    return client.get_organization(org_id).raw


def spaces_page(client: GitBookClient, *, org_id: str, page: str | None, limit: int) -> dict:
    return client.list_spaces_page(org_id, page=page, limit=limit).raw


def space(client: GitBookClient, *, space_id: str) -> dict:
    return client.get_space(space_id).raw


def collections(client: GitBookClient, *, org_id: str) -> dict:
    return {"items": [collection.raw for collection in client.list_collections(org_id)]}


def organizations(client: GitBookClient) -> dict:
    return {"items": [organization.raw for organization in client.list_organizations()]}


READS: dict[str, Callable[..., dict]] = {
    "organization": organization,
    "spaces_page": spaces_page,
    "space": space,
    "collections": collections,
    "organizations": organizations,
}
