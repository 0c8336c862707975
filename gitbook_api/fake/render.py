"""Turns the world's records into the JSON shapes of the OpenAPI document."""

from __future__ import annotations

import dataclasses

from .content import File, Link, Page, SpaceContent
from .ids import iso, slugify
from .state import Collection, Finding, Organization, Redirect, Site, Space, World

APP = "https://app.gitbook.com"


class Renderer:
    """Renders for one request: URLs point back at the API base the client used."""

    def __init__(self, world: World, api_base: str) -> None:
        self.world = world
        self.api = api_base.rstrip("/")
        self._orgs: dict[str, dict] = {}
        self._spaces: dict[str, dict] = {}

    def user(self) -> dict:
        user = self.world.user
        return {
            "object": "user",
            "id": user.id,
            "displayName": user.display_name,
            "email": user.email,
            "photoURL": f"https://www.gravatar.com/avatar/{user.id.lower()}",
            "urls": {"location": f"{self.api}/users/{user.id}"},
        }

    def organization(self, org: Organization) -> dict:
        if org.id in self._orgs:
            return self._orgs[org.id]
        admin = org.role == "admin"
        rendered = {
            "object": "organization",
            "id": org.id,
            "title": org.title,
            "createdAt": iso(org.created_at),
            "emailDomains": [f"{org.hostname}.example"],
            "hostname": org.hostname,
            "type": "business",
            "useCase": "productDocs",
            "inviteLinks": False,
            "plan": org.plan,
            "mergeRules": {"type": "none"},
            "urls": {"location": f"{self.api}/orgs/{org.id}", "app": f"{APP}/o/{org.id}/"},
            "trial": {"status": "notapplicable", "count": 0},
            "permissions": {
                "view": True,
                "admin": admin,
                "ownTeam": False,
                "createContent": admin,
                "createOpenAPISpec": admin,
                "ingestConversations": False,
                "viewBilling": admin,
                "listMembers": True,
                "listTeams": True,
                "listIntegrations": admin,
                "listInstallations": admin,
                "installIntegration": admin,
            },
        }
        self._orgs[org.id] = rendered
        return rendered

    def collection(self, collection: Collection) -> dict:
        admin = self.world.organizations[collection.org_id].role == "admin"
        rendered = {
            "object": "collection",
            "id": collection.id,
            "title": collection.title,
            "organization": collection.org_id,
            "defaultLevel": collection.default_level,
            "urls": {
                "location": f"{self.api}/collections/{collection.id}",
                "app": f"{APP}/o/{collection.org_id}/c/{collection.id}/",
            },
            "permissions": {
                "view": True,
                "admin": admin,
                "viewInviteLinks": admin,
                "create": admin,
            },
        }
        if collection.description:
            rendered["description"] = collection.description
        if collection.parent_id:
            rendered["parent"] = collection.parent_id
        return rendered

    def space(self, space: Space) -> dict:
        cached = self._spaces.get(space.id)
        if cached is not None:
            return cached
        org = self.world.organizations[space.org_id]
        admin = org.role == "admin"
        urls = {
            "location": f"{self.api}/spaces/{space.id}",
            "app": f"{APP}/o/{org.id}/s/{space.id}/",
        }
        if space.visibility != "private":
            urls["published"] = f"https://{org.hostname}.gitbook.io/{slugify(space.title, 'docs')}/"
        if space.visibility == "public":
            urls["public"] = urls["published"]
        if space.icon:
            urls["icon"] = space.icon
        rendered = {
            "object": "space",
            "id": space.id,
            "title": space.title,
            "emoji": space.emoji,
            "visibility": space.visibility,
            "createdAt": iso(space.created_at),
            "updatedAt": iso(space.updated_at),
            "editMode": space.edit_mode,
            "mergeRules": space.merge_rules,
            "urls": urls,
            "organization": space.org_id,
            "revision": space.revision,
            "defaultLevel": space.default_level,
            "comments": space.comments,
            "changeRequests": space.change_requests,
            "changeRequestsOpen": space.change_requests_open,
            "changeRequestsDraft": space.change_requests_draft,
            "permissions": {
                "view": True,
                "access": True,
                "admin": admin,
                "viewInviteLinks": admin,
                "edit": admin and space.edit_mode == "live",
                "triggerGitSync": admin and space.git_sync is not None,
                "comment": True,
                "merge": admin,
                "review": admin,
                "installIntegration": admin,
            },
        }
        if space.parent_id:
            rendered["parent"] = space.parent_id
        if space.deleted_at is not None:
            rendered["deletedAt"] = iso(space.deleted_at)
        if space.git_sync:
            rendered["gitSync"] = space.git_sync
        if space.language:
            rendered["language"] = space.language
        self._spaces[space.id] = rendered
        return rendered

    # Links: ContentReferenceUsage items, whose locations embed the org, space and page.

    def page(self, space: Space, page: Page | None, *, page_id=None, title=None) -> dict:
        page_id = page.id if page else page_id
        title = page.title if page else title
        path = page.path if page else slugify(title)
        rendered = {
            "id": page_id,
            "title": title,
            "kind": "sheet",
            "type": "document",
            "urls": {"app": f"{APP}/o/{space.org_id}/s/{space.id}/{path}"},
            "slug": path.rsplit("/", 1)[-1],
            "path": path,
            "pages": [],
            "layout": {
                "width": "default",
                "cover": False,
                "coverSize": "hero",
                "title": True,
                "description": True,
                "tableOfContents": True,
                "outline": True,
                "pagination": True,
                "metadata": True,
            },
            "markdown": f"# {title}\n",
            "documentId": f"doc-{page_id}",
        }
        if page is not None:
            rendered["createdAt"] = iso(page.created_at)
            rendered["updatedAt"] = iso(page.updated_at)
            if page.emoji:
                rendered["emoji"] = page.emoji
        return rendered

    def _in_space(self, kind: str, space: Space, **fields) -> dict:
        org = self.world.organizations[space.org_id]
        return {
            "kind": kind,
            "organization": self.organization(org),
            "space": self.space(space),
            **fields,
        }

    def file(self, space: Space, file: File | None, *, file_id=None, name=None) -> dict:
        file_id = file.id if file else file_id
        name = file.name if file else name
        rendered = {
            "id": file_id,
            "name": name,
            "contentType": file.content_type if file else "application/octet-stream",
            "downloadURL": f"https://files.gitbook.example/{space.id}/{file_id}/{name}",
            "size": file.size if file else 0,
        }
        return rendered

    def link(self, space: Space, content: SpaceContent, link: Link) -> dict:
        return {
            "status": link.status,
            "relation": link.relation,
            "targetReference": self._target(space, content, link.target),
            "locationReferences": [
                self._in_space("page", space, page=self.page(space, content.pages[index]))
                for index in link.locations
            ],
        }

    def _target(self, space: Space, content: SpaceContent, target: tuple) -> dict:
        kind = target[0]
        if kind == "url":
            return {"kind": "url", "url": target[1]}
        if kind == "page":
            location = self._in_space(
                "page", space, page=self.page(space, content.pages[target[1]])
            )
            if target[2]:
                location["internalLocation"] = {"type": "anchor", "anchor": target[2]}
            return location
        if kind == "ghost-page":
            return self._in_space(
                "page", space, page=self.page(space, None, page_id=target[1], title=target[2])
            )
        if kind == "file":
            return self._in_space("file", space, file=self.file(space, content.files[target[1]]))
        if kind == "ghost-file":
            return self._in_space(
                "file", space, file=self.file(space, None, file_id=target[1], name=target[2])
            )
        if kind == "space":
            other = self.world.spaces.get(target[1])
            if other is not None:
                return self._in_space("space", other)
            kind, target = "ghost-space", (kind, target[1], "Deleted space")
        if kind == "ghost-space":  # a space deleted since the link was written
            ghost = dataclasses.replace(
                space,
                id=target[1],
                title=target[2],
                emoji="",
                parent_id=None,
                git_sync=None,
                visibility="private",
                revision=target[1][::-1],
                deleted_at=space.created_at,
            )
            return self._in_space("space", ghost)
        if kind == "collection":
            collection = self.world.collections[target[1]]
            org = self.world.organizations[collection.org_id]
            return {
                "kind": "collection",
                "organization": self.organization(org),
                "collection": self.collection(collection),
            }
        if kind == "user":
            return {"kind": "user", "user": self.user()}
        if kind == "reusable":
            return self._in_space(
                "reusable-content",
                space,
                reusableContent={
                    "id": target[1],
                    "title": target[2],
                    "document": f"doc-{target[1]}",
                },
            )
        if kind == "openapi":
            org = self.world.organizations[space.org_id]
            return {
                "kind": "openapi",
                "organization": self.organization(org),
                "openAPISpec": self.openapi_spec(org, target[1]),
            }
        raise ValueError(f"unknown link target {target!r}")

    def openapi_spec(self, org: Organization, slug: str) -> dict:
        created = iso(org.created_at)
        return {
            "object": "openapi-spec",
            "id": f"spec_{slug}",
            "createdAt": created,
            "updatedAt": created,
            "slug": slug,
            "processingState": "complete",
            "permissions": {"view": True, "edit": org.role == "admin"},
            "urls": {
                "location": f"{self.api}/orgs/{org.id}/openapi/{slug}",
                "app": f"{APP}/o/{org.id}/openapi/{slug}",
            },
        }

    # Sites, findings, redirects.

    def site(self, site: Site) -> dict:
        org = self.world.organizations[site.org_id]
        urls = {
            "location": f"{self.api}/orgs/{org.id}/sites/{site.id}",
            "app": f"{APP}/o/{org.id}/sites/{site.id}",
        }
        if site.published:
            urls["published"] = f"https://{org.hostname}.gitbook.io/{site.basename}/"
        return {
            "object": "site",
            "id": site.id,
            "type": site.type,
            "title": site.title,
            "basename": site.basename,
            "visibility": site.visibility,
            "published": site.published,
            "siteSpaces": len(site.site_spaces),
            "createdAt": iso(site.created_at),
            "features": [{"id": "sites-redirects", "plan": "premium", "frozen": False}],
            "agentsContext": "included",
            "urls": urls,
        }

    def finding(self, site: Site, finding: Finding) -> dict:
        rendered = {
            "object": "site-finding",
            "id": finding.id,
            "scan": finding.scan,
            "topic": finding.topic,
            "title": finding.title,
            "changeRequests": finding.change_requests,
            "pages": finding.pages,
            "records": finding.records,
            "questions": finding.questions,
            "status": finding.status,
            "type": finding.type,
            "severity": finding.severity,
            "description": _paragraph_document(finding.text),
            "autoFixable": finding.broken_link_action is not None,
            "createdAt": iso(finding.created_at),
            "updatedAt": iso(finding.updated_at),
            "urls": {"location": f"{self.api}/orgs/{site.org_id}/sites/{site.id}/findings"},
        }
        if finding.broken_link_action is not None:
            rendered["brokenLinkAction"] = finding.broken_link_action
        if finding.outbound_link is not None:
            rendered["outboundLink"] = finding.outbound_link
        return rendered

    def redirect(self, redirect: Redirect) -> dict:
        return {
            "object": "site-redirect",
            "id": redirect.id,
            "source": redirect.source,
            "destination": redirect.destination,
        }


def _paragraph_document(text: str) -> dict:
    leaf = {"object": "leaf", "text": text, "marks": []}
    paragraph = {
        "object": "block",
        "type": "paragraph",
        "nodes": [{"object": "text", "leaves": [leaf]}],
    }
    return {"object": "document", "data": {}, "nodes": [paragraph]}
