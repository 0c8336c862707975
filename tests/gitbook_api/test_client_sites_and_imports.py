"""Operations on imports, sites, findings and redirects send what the document allows
and parse what it allows back (mocked at the ``requests`` level).
"""

from datetime import UTC, datetime

import pytest
import requests
import responses

from gitbook_api import GitBookClient, models
from tests.openapi_check import checking_session

from .client_samples import (
    BASE,
    TOKEN,
    body_of,
    finding_json,
    import_run_json,
    last_request,
    page_of,
    query_of,
    redirect_json,
    site_json,
)


@pytest.fixture
def api():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client():
    session = checking_session(requests.Session())
    return GitBookClient(token=TOKEN, session=session, sleep=lambda seconds: None)


# Imports


def test_start_import_sends_the_source_and_target(api, client):
    api.post(f"{BASE}/org/org-1/imports", status=201, json=import_run_json(status="pending"))

    run = client.start_import("org-1", url="https://acme.example/docs", space="space-1")

    assert run.status == "pending"
    assert not run.is_finished
    assert body_of(last_request(api)) == {
        "source": {"type": "website", "url": "https://acme.example/docs"},
        "target": {"space": "space-1"},
        "enhance": True,
    }


def test_start_import_into_a_change_request_page(api, client):
    api.post(f"{BASE}/org/org-1/imports", status=201, json=import_run_json())

    client.start_import(
        "org-1",
        url="https://acme.example/docs",
        space="space-1",
        change_request="cr-1",
        page="page-1",
        enhance=False,
    )

    assert body_of(last_request(api))["target"] == {
        "space": "space-1",
        "changeRequest": "cr-1",
        "page": "page-1",
    }
    assert body_of(last_request(api))["enhance"] is False


def test_get_import_run_parses_its_pages(api, client):
    api.get(f"{BASE}/org/org-1/imports/run-1", json=import_run_json())

    run = client.get_import_run("org-1", "run-1")

    assert run.started_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    first, second = run.pages
    assert (first.id, first.title, first.status) == ("page-1", "Docs", "complete")
    assert first.source_url == "https://acme.example/docs"
    assert (second.id, second.status, second.source_url) == ("page-2", None, None)


def test_list_import_runs_sends_its_filters(api, client):
    api.get(f"{BASE}/org/org-1/imports", json=page_of([import_run_json()], count=1))

    page = client.list_import_runs_page("org-1", space="space-1", status="active", limit=5)

    assert page.items[0].id == "run-1"
    assert query_of(last_request(api)) == {
        "space": ["space-1"],
        "status": ["active"],
        "limit": ["5"],
    }


def test_list_import_runs_iterates_every_page(api, client):
    api.get(f"{BASE}/org/org-1/imports", json=page_of([import_run_json("r1")], "n"))
    api.get(f"{BASE}/org/org-1/imports", json=page_of([import_run_json("r2")]))

    assert [run.id for run in client.list_import_runs("org-1", space="space-1")] == ["r1", "r2"]


def test_cancel_import_run_accepts_201_from_api_0_146(api, client):
    api.post(
        f"{BASE}/org/org-1/imports/run-1/cancel",
        status=201,
        json=import_run_json(status="cancelled"),
    )

    run = client.cancel_import_run("org-1", "run-1")

    assert run.status == "cancelled"
    assert run.is_finished


def test_cancel_import_run_accepts_200_from_api_0_202(api):
    # The vendored document lists only 201, so this exchange is not checked against it.
    api.post(f"{BASE}/org/org-1/imports/run-1/cancel", json=import_run_json(status="cancelled"))
    client = GitBookClient(token=TOKEN)

    assert client.cancel_import_run("org-1", "run-1").status == "cancelled"


# Sites, findings, redirects


def test_list_sites_page_sends_its_filters(api, client):
    api.get(f"{BASE}/orgs/org-1/sites", json=page_of([site_json()], count=1))

    page = client.list_sites_page("org-1", published=True, types=["premium", "basic"])

    (site,) = page.items
    assert site.title == "Acme Docs"
    assert site.published is True
    assert site.site_spaces == 3
    assert site.published_url == "https://docs.acme.example/"
    assert query_of(last_request(api)) == {"published": ["true"], "type": ["premium", "basic"]}


def test_list_sites_iterates_every_page(api, client):
    api.get(f"{BASE}/orgs/org-1/sites", json=page_of([site_json("site-1")], "n"))
    api.get(f"{BASE}/orgs/org-1/sites", json=page_of([site_json("site-2")]))

    assert [site.id for site in client.list_sites("org-1")] == ["site-1", "site-2"]


def test_list_site_findings_repeats_type_in_the_query(api, client):
    url = f"{BASE}/orgs/org-1/sites/site-1/findings"
    api.get(
        url,
        json=page_of([finding_json(), finding_json("finding-2", "outbound-link-error")]),
    )

    page = client.list_site_findings_page(
        "org-1", "site-1", types=["broken-link", "outbound-link-error"], status="open"
    )

    broken, outbound = page.items
    assert broken.type == "broken-link"
    assert broken.topic is None
    assert broken.broken_link_action.source == "/old/install"
    assert broken.broken_link_action.destination == {
        "kind": "path",
        "spaceId": "space-1",
        "path": "install",
    }
    assert outbound.outbound_link.url == "https://partner.example/api"
    assert outbound.outbound_link.http_status == 404
    assert outbound.broken_link_action is None
    assert query_of(last_request(api)) == {
        "type": ["broken-link", "outbound-link-error"],
        "status": ["open"],
    }


def test_list_site_findings_accepts_a_single_type(api, client):
    url = f"{BASE}/orgs/org-1/sites/site-1/findings"
    api.get(url, json=page_of([finding_json()], "n"))
    api.get(url, json=page_of([finding_json("finding-2")]))

    findings = list(client.list_site_findings("org-1", "site-1", types="broken-link"))

    assert [finding.id for finding in findings] == ["finding-1", "finding-2"]
    assert query_of(api.calls[0].request) == {"type": ["broken-link"], "limit": ["1000"]}


def test_list_site_redirects_page_sends_its_filters(api, client):
    api.get(f"{BASE}/orgs/org-1/sites/site-1/redirects", json=page_of([redirect_json()]))

    page = client.list_site_redirects_page("org-1", "site-1", search="/old", draft=False)

    assert page.items[0].source == "/old/install"
    assert page.items[0].destination["kind"] == "site-page"
    assert query_of(last_request(api)) == {"search": ["/old"], "draft": ["false"]}


def test_list_site_redirects_iterates_every_page(api, client):
    url = f"{BASE}/orgs/org-1/sites/site-1/redirects"
    api.get(url, json=page_of([redirect_json()], "n"))
    api.get(url, json=page_of([redirect_json("redirect-2")]))

    redirects = list(client.list_site_redirects("org-1", "site-1"))

    assert [redirect.id for redirect in redirects] == ["redirect-1", "redirect-2"]


def test_a_broken_link_finding_fixes_itself_through_create_site_redirect(api, client):
    url = f"{BASE}/orgs/org-1/sites/site-1/redirects"
    api.post(url, status=201, json=redirect_json())
    action = models.SiteFinding.from_api(finding_json()).broken_link_action

    redirect = client.create_site_redirect("org-1", "site-1", **action.redirect_kwargs())

    assert redirect.id == "redirect-1"
    assert body_of(last_request(api)) == finding_json()["brokenLinkAction"]


def test_create_site_redirect_sends_its_options(api, client):
    url = f"{BASE}/orgs/org-1/sites/site-1/redirects"
    api.post(url, status=201, json=redirect_json())
    destination = {"kind": "site-page", "siteSpaceId": "site-space-1", "pageId": "page-1"}

    client.create_site_redirect(
        "org-1", "site-1", source="/old", destination=destination, draft=True, permanent=True
    )

    assert body_of(last_request(api)) == {
        "source": "/old",
        "destination": destination,
        "draft": True,
        "permanent": True,
    }
