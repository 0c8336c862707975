"""Operations on spaces, their links and collections; mixed into ``GitBookClient``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from . import models
from .models import parse_model, parse_page
from .pagination import iter_items
from .transport import ApiResponse, TimeoutSeconds, segment

Position = tuple[Literal["space", "collection"], str]
"""Where ``move_space`` puts a space: ``("space", id)`` or ``("collection", id)``."""


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""An argument not given, as opposed to None, which sends null."""


def _pointer(position: Position) -> dict[str, str]:
    kind, target_id = position
    if kind not in ("space", "collection"):
        raise ValueError(f"a position is ('space', id) or ('collection', id), not {position!r}")
    return {"type": kind, kind: target_id}


class SpaceOperations:
    """Spaces, the links in a space, and collections."""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: TimeoutSeconds | None = None,
    ) -> ApiResponse:
        raise NotImplementedError

    def list_spaces_page(
        self, org_id: str, page: str | None = None, limit: int | None = None
    ) -> models.Page[models.Space]:
        """One page of an organization's spaces.
        GET /orgs/{organizationId}/spaces (listSpacesInOrganizationById)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.list_spaces_page("org-id", limit=100).next_page
        """
        response = self.request(
            "GET", f"/orgs/{segment(org_id)}/spaces", params={"page": page, "limit": limit}
        )
        return parse_page(response.data, models.Space.from_api)

    def list_spaces(self, org_id: str, limit: int | None = 1000) -> Iterator[models.Space]:
        """Every space of an organization, fetching pages as needed.

        >>> [space.title for space in client.list_spaces("org-id")]
        """
        return iter_items(lambda cursor: self.list_spaces_page(org_id, page=cursor, limit=limit))

    def get_space(self, space_id: str, *, share_key: str | None = None) -> models.Space:
        """One space; ``share_key`` resolves the published URL of a share-link site.
        GET /spaces/{spaceId} (getSpaceById)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.get_space("space-id").visibility
        """
        response = self.request(
            "GET", f"/spaces/{segment(space_id)}", params={"shareKey": share_key}
        )
        return parse_model(models.Space.from_api, response.data)

    def create_space(
        self,
        org_id: str,
        *,
        title: str | None = None,
        emoji: str | None = None,
        parent: str | None = None,
        language: str | None = None,
        edit_mode: str | None = None,
        template: str | None = None,
        empty: bool = False,
    ) -> models.Space:
        """Create a space, in collection ``parent`` if given; ``empty`` makes it without pages.
        POST /orgs/{organizationId}/spaces (createSpace)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.create_space("org-id", title="Handbook", emoji="📘").id
        """
        fields = {
            "title": title,
            "emoji": emoji,
            "parent": parent,
            "language": language,
            "editMode": edit_mode,
        }
        body: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
        if template is not None:
            body["template"] = {"id": template}
        if empty:
            body["empty"] = True
        response = self.request("POST", f"/orgs/{segment(org_id)}/spaces", json=body)
        return parse_model(models.Space.from_api, response.data)

    def update_space(
        self,
        space_id: str,
        *,
        title: str = UNSET,
        emoji: str | None = UNSET,
        icon: str | None = UNSET,
        edit_mode: str = UNSET,
        default_level: str | None = UNSET,
        language: str = UNSET,
        merge_rules: dict[str, Any] = UNSET,
    ) -> models.Space:
        """Change only the fields given; ``emoji=None`` or ``icon=None`` removes it.
        PATCH /spaces/{spaceId} (updateSpaceById)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.update_space("space-id", title="New title", edit_mode="locked").title
        """
        fields = {
            "title": title,
            "emoji": emoji,
            "icon": icon,
            "editMode": edit_mode,
            "defaultLevel": default_level,
            "language": language,
            "mergeRules": merge_rules,
        }
        body = {key: value for key, value in fields.items() if value is not UNSET}
        if body.get("emoji") is not None and body.get("icon") is not None:
            raise ValueError("a space has an emoji or an icon, not both")
        response = self.request("PATCH", f"/spaces/{segment(space_id)}", json=body)
        return parse_model(models.Space.from_api, response.data)

    def delete_space(self, space_id: str) -> models.DeleteOutcome:
        """Delete a space (restorable for 7 days): 205 deleted now, 204 it was already gone.
        DELETE /spaces/{spaceId} (deleteSpaceById)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.delete_space("space-id") is DeleteOutcome.DELETED
        """
        response = self.request("DELETE", f"/spaces/{segment(space_id)}")
        if response.status == 204:
            return models.DeleteOutcome.ALREADY_GONE
        return models.DeleteOutcome.DELETED

    def restore_space(self, space_id: str) -> models.Space:
        """Bring back a space deleted in the last 7 days.
        POST /spaces/{spaceId}/restore (restoreSpace)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.restore_space("space-id").is_deleted
        """
        response = self.request("POST", f"/spaces/{segment(space_id)}/restore")
        return parse_model(models.Space.from_api, response.data)

    def duplicate_space(self, space_id: str) -> models.Space:
        """Copy a space and return the copy.
        POST /spaces/{spaceId}/duplicate (duplicateSpace)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.duplicate_space("space-id").id
        """
        response = self.request("POST", f"/spaces/{segment(space_id)}/duplicate")
        return parse_model(models.Space.from_api, response.data)

    def move_space(
        self,
        space_id: str,
        *,
        parent: str | None = UNSET,
        before: Position | None = None,
        after: Position | None = None,
    ) -> models.Space:
        """Move a space into collection ``parent`` (None: top level), before or after a sibling;
        without a position it goes last. 409 when nothing would change.
        POST /spaces/{spaceId}/move (moveSpace)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.move_space("space-id", parent="collection-id", before=("space", "other-id"))
        """
        if before is not None and after is not None:
            raise ValueError("give before or after, not both")
        body: dict[str, Any] = {}
        if parent is not UNSET:
            body["parent"] = parent
        if before is not None:
            body["position"] = {"before": _pointer(before)}
        elif after is not None:
            body["position"] = {"after": _pointer(after)}
        if not body:
            raise ValueError("give a parent, a position, or both")
        response = self.request("POST", f"/spaces/{segment(space_id)}/move", json=body)
        return parse_model(models.Space.from_api, response.data)

    def transfer_space(self, space_id: str, *, organization: str) -> models.Space:
        """Move a space to another organization (409: already there, 412: cannot be moved).
        POST /spaces/{spaceId}/transfer (transferSpace)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.transfer_space("space-id", organization="other-org-id").organization
        """
        response = self.request(
            "POST", f"/spaces/{segment(space_id)}/transfer", json={"organization": organization}
        )
        return parse_model(models.Space.from_api, response.data)

    # Links exist in API 0.146.0; newer versions answer 404 and offer site findings instead.

    def list_space_links_page(
        self,
        space_id: str,
        *,
        status: str | None = None,
        page: str | None = None,
        limit: int | None = None,
    ) -> models.Page[models.SpaceLink]:
        """One page of a space's links with ``stats`` totals; ``status="broken"`` filters.
        GET /spaces/{spaceId}/links (listSpaceLinks)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/spaces

        >>> client.list_space_links_page("space-id", status="broken").stats.broken
        """
        response = self.request(
            "GET",
            f"/spaces/{segment(space_id)}/links",
            params={"status": status, "page": page, "limit": limit},
        )
        return parse_page(response.data, models.SpaceLink.from_api)

    def list_space_links(
        self, space_id: str, status: str | None = None, limit: int | None = 1000
    ) -> Iterator[models.SpaceLink]:
        """Every link of a space, fetching pages as needed.

        >>> [link.target.url for link in client.list_space_links("space-id", "broken")]
        """
        return iter_items(
            lambda cursor: self.list_space_links_page(
                space_id, status=status, page=cursor, limit=limit
            )
        )

    def list_collections_page(
        self,
        org_id: str,
        *,
        nested: bool | None = None,
        page: str | None = None,
        limit: int | None = None,
    ) -> models.Page[models.Collection]:
        """One page of an organization's collections (``nested``: with sub-collections).
        GET /orgs/{organizationId}/collections (listCollectionsInOrganizationById),
        https://gitbook.com/docs/developers/gitbook-api/api-reference/collections

        >>> client.list_collections_page("org-id", nested=True).items
        """
        response = self.request(
            "GET",
            f"/orgs/{segment(org_id)}/collections",
            params={"nested": nested, "page": page, "limit": limit},
        )
        return parse_page(response.data, models.Collection.from_api)

    def list_collections(
        self, org_id: str, nested: bool | None = None, limit: int | None = 1000
    ) -> Iterator[models.Collection]:
        """Every collection of an organization, fetching pages as needed.

        >>> [collection.title for collection in client.list_collections("org-id")]
        """
        return iter_items(
            lambda cursor: self.list_collections_page(
                org_id, nested=nested, page=cursor, limit=limit
            )
        )

    def get_collection(self, collection_id: str) -> models.Collection:
        """One collection.
        GET /collections/{collectionId} (getCollectionById)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/collections

        >>> client.get_collection("collection-id").title
        """
        response = self.request("GET", f"/collections/{segment(collection_id)}")
        return parse_model(models.Collection.from_api, response.data)

    def list_collection_spaces_page(
        self, collection_id: str, page: str | None = None, limit: int | None = None
    ) -> models.Page[models.Space]:
        """One page of the spaces in a collection.
        GET /collections/{collectionId}/spaces (listSpacesInCollectionById),
        https://gitbook.com/docs/developers/gitbook-api/api-reference/collections

        >>> client.list_collection_spaces_page("collection-id").items
        """
        response = self.request(
            "GET",
            f"/collections/{segment(collection_id)}/spaces",
            params={"page": page, "limit": limit},
        )
        return parse_page(response.data, models.Space.from_api)

    def list_collection_spaces(
        self, collection_id: str, limit: int | None = 1000
    ) -> Iterator[models.Space]:
        """Every space in a collection, fetching pages as needed.

        >>> [space.id for space in client.list_collection_spaces("collection-id")]
        """
        return iter_items(
            lambda cursor: self.list_collection_spaces_page(collection_id, page=cursor, limit=limit)
        )
