"""``GitBookClient``: one thin method per GitBook API operation the console uses.

Every call goes through ``GitBookClient.request``; ``transport.py`` holds the
retry policy. The operations on spaces and collections are in ``spaces.py``,
those on sites in ``sites.py``; users, organizations and imports are here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from . import models
from .models import parse_model, parse_page
from .pagination import iter_items
from .sites import SiteOperations
from .spaces import UNSET, Position, SpaceOperations
from .transport import ApiResponse, Pacer, RateLimitInfo, TimeoutSeconds, Transport, segment

__all__ = [
    "UNSET",
    "ApiResponse",
    "GitBookClient",
    "Pacer",
    "Position",
    "RateLimitInfo",
]


class GitBookClient(SpaceOperations, SiteOperations):
    """A client for the GitBook REST API.

    >>> client = GitBookClient(token="gb_api_...", base_url="https://api.gitbook.com/v1")

    ``rate_limit`` holds the latest ``X-RateLimit-*`` headers seen. ``pacer``
    is told before every attempt and after every answer, so a limiter shared
    by several workers can pace them. ``sleep``, ``clock`` and ``rng`` are
    there for tests. One client per thread: it wraps a ``requests.Session``.
    """

    def __init__(
        self,
        token: str,
        base_url: str = "https://api.gitbook.com/v1",
        timeout: TimeoutSeconds = 10.0,
        max_retries: int = 3,
        session: requests.Session | None = None,
        pacer: Pacer | None = None,
        user_agent: str = "GitBookConsole/0.1",
        *,
        max_rate_limit_wait: float = 30.0,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ):
        self._transport = Transport(
            token=token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            session=session,
            pacer=pacer,
            user_agent=user_agent,
            sleep=sleep,
            clock=clock,
            rng=rng or random.Random(),
        )

    def __repr__(self) -> str:
        return f"GitBookClient(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def session(self) -> requests.Session:
        return self._transport.session

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The latest ``X-RateLimit-*`` headers the API sent, or None before any."""
        return self._transport.rate_limit

    def close(self) -> None:
        self._transport.session.close()

    def __enter__(self) -> GitBookClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: TimeoutSeconds | None = None,
    ) -> ApiResponse:
        """Send one call (``path`` relative to ``base_url``) and return status, JSON, headers.

        Raises a ``GitBookError`` subclass for any failure; None-valued params are dropped
        and list values repeat the parameter.

        >>> client.request("GET", "/orgs", params={"limit": 10}).data["items"]
        """
        return self._transport.request(method, path, params=params, json=json, timeout=timeout)

    def get_current_user(self) -> models.User:
        """The user who owns the token.
        GET /user (getAuthenticatedUser)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/users

        >>> client.get_current_user().display_name
        """
        return parse_model(models.User.from_api, self.request("GET", "/user").data)

    def list_organizations_page(
        self, page: str | None = None, limit: int | None = None
    ) -> models.Page[models.Organization]:
        """One page of the organizations the user belongs to.
        GET /orgs (listOrganizationsForAuthenticatedUser)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/organizations

        >>> client.list_organizations_page(limit=100).items
        """
        response = self.request("GET", "/orgs", params={"page": page, "limit": limit})
        return parse_page(response.data, models.Organization.from_api)

    def list_organizations(self, limit: int | None = 1000) -> Iterator[models.Organization]:
        """Every organization of the user, fetching pages as needed.

        >>> [org.title for org in client.list_organizations()]
        """
        return iter_items(lambda cursor: self.list_organizations_page(page=cursor, limit=limit))

    def get_organization(self, org_id: str) -> models.Organization:
        """One organization.
        GET /orgs/{organizationId} (getOrganizationById)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/organizations

        >>> client.get_organization("org-id").title
        """
        response = self.request("GET", f"/orgs/{segment(org_id)}")
        return parse_model(models.Organization.from_api, response.data)

    def start_import(
        self,
        org_id: str,
        *,
        url: str,
        space: str,
        change_request: str | None = None,
        page: str | None = None,
        enhance: bool = True,
    ) -> models.ImportRun:
        """Start importing a website into a space (or a change request or page of it).
        POST /org/{organizationId}/imports (startImportRun)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/imports

        >>> client.start_import("org-id", url="https://example.com/docs", space="space-id").status
        """
        target = {"space": space}
        if change_request is not None:
            target["changeRequest"] = change_request
        if page is not None:
            target["page"] = page
        body = {"source": {"type": "website", "url": url}, "target": target, "enhance": enhance}
        response = self.request("POST", f"/org/{segment(org_id)}/imports", json=body)
        return parse_model(models.ImportRun.from_api, response.data)

    def get_import_run(self, org_id: str, run_id: str) -> models.ImportRun:
        """One import run, with its status and pages.
        GET /org/{organizationId}/imports/{importRunId} (getImportRun)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/imports

        >>> client.get_import_run("org-id", "run-id").is_finished
        """
        response = self.request("GET", f"/org/{segment(org_id)}/imports/{segment(run_id)}")
        return parse_model(models.ImportRun.from_api, response.data)

    def list_import_runs_page(
        self,
        org_id: str,
        *,
        space: str | None = None,
        status: str | None = None,
        change_request: str | None = None,
        site: str | None = None,
        page: str | None = None,
        limit: int | None = None,
    ) -> models.Page[models.ImportRun]:
        """One page of import runs, newest first; ``status="active"`` is pending or in progress.
        GET /org/{organizationId}/imports (listImportRuns)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/imports

        >>> client.list_import_runs_page("org-id", space="space-id", status="active").items
        """
        params = {
            "space": space,
            "status": status,
            "changeRequest": change_request,
            "site": site,
            "page": page,
            "limit": limit,
        }
        response = self.request("GET", f"/org/{segment(org_id)}/imports", params=params)
        return parse_page(response.data, models.ImportRun.from_api)

    def list_import_runs(
        self,
        org_id: str,
        *,
        space: str | None = None,
        status: str | None = None,
        change_request: str | None = None,
        site: str | None = None,
        limit: int | None = 1000,
    ) -> Iterator[models.ImportRun]:
        """Every import run matching the filters, fetching pages as needed.

        >>> [run.id for run in client.list_import_runs("org-id", status="active")]
        """
        return iter_items(
            lambda cursor: self.list_import_runs_page(
                org_id,
                space=space,
                status=status,
                change_request=change_request,
                site=site,
                page=cursor,
                limit=limit,
            )
        )

    def cancel_import_run(self, org_id: str, run_id: str) -> models.ImportRun:
        """Cancel an import run; API 0.146.0 answers 201 and 0.202.0 answers 200.
        POST /org/{organizationId}/imports/{importRunId}/cancel (cancelImportRun)
        https://gitbook.com/docs/developers/gitbook-api/api-reference/imports

        >>> client.cancel_import_run("org-id", "run-id").status
        """
        path = f"/org/{segment(org_id)}/imports/{segment(run_id)}/cancel"
        response = self.request("POST", path)
        if response.data is None:
            # An answer without a body still means cancelled; read the run back.
            return self.get_import_run(org_id, run_id)
        return parse_model(models.ImportRun.from_api, response.data)
