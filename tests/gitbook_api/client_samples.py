"""Sample GitBook API bodies for the client's tests, each one a response the document allows.

The client's session checks every exchange against ``openapi.json`` in those tests,
so a sample that drifts from the document fails the test that uses it.
"""

import json
from urllib.parse import parse_qs, urlsplit

import requests

TOKEN = "gb_api_operations_secret"
BASE = "https://api.gitbook.com/v1"
APP = "https://app.gitbook.com"
ORGANIZATION_PERMISSIONS = [
    "view",
    "admin",
    "ownTeam",
    "createContent",
    "createOpenAPISpec",
    "ingestConversations",
    "viewBilling",
    "listMembers",
    "listTeams",
    "listIntegrations",
    "listInstallations",
    "installIntegration",
]
SPACE_PERMISSIONS = [
    "view",
    "access",
    "admin",
    "viewInviteLinks",
    "edit",
    "triggerGitSync",
    "comment",
    "merge",
    "review",
    "installIntegration",
]


def user_json(user_id="user-1"):
    return {
        "object": "user",
        "id": user_id,
        "displayName": "Ada Lovelace",
        "email": "ada@example.com",
        "photoURL": "https://example.com/ada.png",
        "urls": {"location": f"{BASE}/users/{user_id}"},
    }


def organization_json(org_id="org-1", title="Acme Docs"):
    return {
        "object": "organization",
        "id": org_id,
        "title": title,
        "plan": "pro_2024",
        "type": "business",
        "createdAt": "2024-01-02T03:04:05.000Z",
        "inviteLinks": True,
        "emailDomains": ["acme.example"],
        "hostname": "acme",
        "mergeRules": {"type": "none"},
        "urls": {"app": f"{APP}/o/{org_id}", "location": f"{BASE}/orgs/{org_id}"},
        "trial": {"status": "none", "count": 0},
        "permissions": dict.fromkeys(ORGANIZATION_PERMISSIONS, True),
    }


def space_json(space_id="space-1", **overrides):
    space = {
        "object": "space",
        "id": space_id,
        "title": "Handbook",
        "emoji": "📘",
        "visibility": "public",
        "editMode": "live",
        "organization": "org-1",
        "parent": "collection-1",
        "revision": "rev-9",
        "language": "en",
        "createdAt": "2024-01-02T03:04:05.000Z",
        "updatedAt": "2024-02-03T04:05:06.000Z",
        "comments": 4,
        "changeRequests": 7,
        "changeRequestsOpen": 2,
        "changeRequestsDraft": 1,
        "mergeRules": {"type": "inherit"},
        "defaultLevel": "inherit",
        "gitSync": {
            "repoName": "acme/handbook",
            "installationProvider": "github",
            "url": "https://github.com/acme/handbook",
            "updatedAt": "2024-02-01T00:00:00.000Z",
        },
        "urls": {
            "app": f"{APP}/o/org-1/s/{space_id}",
            "location": f"{BASE}/spaces/{space_id}",
            "published": f"https://acme.gitbook.io/{space_id}",
        },
        "permissions": dict.fromkeys(SPACE_PERMISSIONS, True),
    }
    space.update(overrides)
    return space


def collection_json(collection_id="collection-1"):
    return {
        "object": "collection",
        "id": collection_id,
        "title": "Guides",
        "description": "How we work",
        "organization": "org-1",
        "defaultLevel": "inherit",
        "urls": {
            "app": f"{APP}/o/org-1/c/{collection_id}",
            "location": f"{BASE}/collections/{collection_id}",
        },
        "permissions": {"view": True, "admin": True, "viewInviteLinks": False, "create": True},
    }


def page_location_json(page_id="page-1"):
    return {
        "kind": "page",
        "organization": organization_json(),
        "space": space_json(),
        "page": {
            "id": page_id,
            "title": "Getting started",
            "kind": "sheet",
            "type": "document",
            "urls": {"app": f"{APP}/o/org-1/s/space-1/{page_id}"},
            "slug": "getting-started",
            "path": "guides/getting-started",
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
            "document": {"object": "document", "data": {}, "nodes": []},
        },
    }


def link_json(status="broken"):
    return {
        "status": status,
        "relation": "reference",
        "targetReference": {"kind": "url", "url": "https://acme.example/gone"},
        "locationReferences": [page_location_json()],
    }


def import_run_json(run_id="run-1", status="in-progress"):
    return {
        "id": run_id,
        "status": status,
        "startedAt": "2024-03-01T10:00:00.000Z",
        "pages": [
            {
                "id": "page-1",
                "title": "Docs",
                "status": "complete",
                "sourceURL": "https://acme.example/docs",
            },
            {"id": "page-2"},
        ],
    }


def site_json(site_id="site-1"):
    return {
        "object": "site",
        "id": site_id,
        "type": "premium",
        "title": "Acme Docs",
        "visibility": "public",
        "published": True,
        "hostname": "docs.acme.example",
        "createdAt": "2024-01-05T00:00:00.000Z",
        "siteSpaces": 3,
        "features": [],
        "agentsContext": "included",
        "urls": {
            "app": f"{APP}/o/org-1/sites/{site_id}",
            "location": f"{BASE}/orgs/org-1/sites/{site_id}",
            "published": "https://docs.acme.example/",
        },
    }


def finding_json(finding_id="finding-1", finding_type="broken-link"):
    finding = {
        "object": "site-finding",
        "id": finding_id,
        "scan": "scan-1",
        "topic": None,
        "title": "Page not found: /old/install",
        "changeRequests": 0,
        "pages": 1,
        "records": 12,
        "questions": 0,
        "status": "open",
        "type": finding_type,
        "severity": "high",
        "description": {"object": "document", "data": {}, "nodes": []},
        "autoFixable": True,
        "createdAt": "2024-04-01T00:00:00.000Z",
        "updatedAt": "2024-04-02T00:00:00.000Z",
        "urls": {"location": f"{BASE}/orgs/org-1/sites/site-1/findings"},
    }
    if finding_type == "broken-link":
        finding["brokenLinkAction"] = {
            "source": "/old/install",
            "captureWildcard": False,
            "destination": {"kind": "path", "spaceId": "space-1", "path": "install"},
        }
    if finding_type == "outbound-link-error":
        finding["outboundLink"] = {
            "url": "https://partner.example/api",
            "status": "failed",
            "failureKind": "client-error",
            "httpStatus": 404,
            "checkedAt": "2024-04-02T00:00:00.000Z",
        }
    return finding


def redirect_json(redirect_id="redirect-1"):
    return {
        "object": "site-redirect",
        "id": redirect_id,
        "source": "/old/install",
        "destination": {"kind": "site-page", "siteSpaceId": "site-space-1", "pageId": "page-1"},
    }


def page_of(items, next_page=None, count=None, **extra):
    body = {"items": items, **extra}
    if next_page is not None:
        body["next"] = {"page": next_page}
    if count is not None:
        body["count"] = count
    return body


def last_request(api) -> requests.PreparedRequest:
    return api.calls[-1].request


def query_of(request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def body_of(request):
    return json.loads(request.body)
