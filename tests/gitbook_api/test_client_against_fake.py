"""The real client drives the fake GitBook over HTTP; exchanges checked against the document."""

import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from gitbook_api import DeleteOutcome, GitBookClient, errors
from gitbook_api.fake import FakeConfig, FakeGitBook
from tests.openapi_check import check_request, check_response, checking_session


def start_fake(**config):
    fake = FakeGitBook(FakeConfig(seed=11, spaces=30, links_per_space=12, **config))
    server = fake.serve(host="127.0.0.1", port=0)
    return fake, server


@pytest.fixture(scope="module")
def fake():
    fake, server = start_fake()
    fake.url = server.url
    yield fake
    server.stop()


@pytest.fixture(scope="module")
def current_fake():
    """The API as it is today (0.202.0): no space links or transfer, cancel answers 200."""
    fake, server = start_fake(api_version="current")
    fake.url = server.url
    yield fake
    server.stop()


def make_client(fake, *, session=None, token=None) -> GitBookClient:
    return GitBookClient(
        token=token or fake.token,
        base_url=fake.url,
        session=session or checking_session(requests.Session()),
        sleep=lambda seconds: None,
    )


@pytest.fixture
def client(fake):
    with make_client(fake) as client:
        yield client


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """A three-page website on 127.0.0.1 for the fake to import."""
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text(
        "<html><head><title>Home</title></head>"
        '<body><a href="install.html">Install</a> <a href="usage.html">Usage</a></body></html>'
    )
    (root / "install.html").write_text("<html><head><title>Install</title></head></html>")
    (root / "usage.html").write_text("<html><head><title>Usage</title></head></html>")
    handler = partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def a_space(client, fake):
    return next(iter(client.list_spaces(fake.org_id)))


def a_new_space(client, fake, title="Scratch space"):
    return client.create_space(fake.org_id, title=title, emoji="🧪")


# Users and organizations


def test_get_current_user(client):
    user = client.get_current_user()

    assert user.id
    assert user.display_name


def test_list_and_get_organizations(client, fake):
    organizations = list(client.list_organizations())

    assert fake.org_id in [org.id for org in organizations]
    assert client.get_organization(fake.org_id).title


# Spaces


def test_list_spaces_follows_every_page(client, fake):
    first = client.list_spaces_page(fake.org_id, limit=7)
    everything = list(client.list_spaces(fake.org_id, limit=7))

    assert first.next_page is not None
    assert len(everything) == first.count
    assert len({space.id for space in everything}) == len(everything)


def test_get_space(client, fake):
    listed = a_space(client, fake)

    space = client.get_space(listed.id)

    assert space.id == listed.id
    assert space.title == listed.title
    assert space.created_at is not None


def test_create_update_delete_and_restore_a_space(client, fake):
    space = a_new_space(client, fake, "Lifecycle")
    assert space.title == "Lifecycle"

    updated = client.update_space(space.id, title="Lifecycle renamed", edit_mode="locked")
    assert (updated.title, updated.edit_mode) == ("Lifecycle renamed", "locked")
    assert client.update_space(space.id, emoji=None).emoji in (None, "")

    assert client.delete_space(space.id) is DeleteOutcome.DELETED
    assert client.delete_space(space.id) is DeleteOutcome.ALREADY_GONE

    restored = client.restore_space(space.id)
    assert restored.id == space.id
    assert not restored.is_deleted


def test_duplicate_a_space(client, fake):
    space = a_new_space(client, fake, "Original")

    copy = client.duplicate_space(space.id)

    assert copy.id != space.id
    assert copy.organization == fake.org_id


def test_move_a_space_into_a_collection_and_back(client, fake):
    collection = next(iter(client.list_collections(fake.org_id)))
    space = a_new_space(client, fake, "Mover")

    moved = client.move_space(space.id, parent=collection.id)
    assert moved.parent == collection.id

    with pytest.raises(errors.Conflict):
        client.move_space(space.id, parent=collection.id)

    back = client.move_space(space.id, parent=None)
    assert back.parent is None


def test_move_a_space_before_a_sibling(client, fake):
    first = a_new_space(client, fake, "First")
    second = a_new_space(client, fake, "Second")

    moved = client.move_space(second.id, parent=None, before=("space", first.id))

    assert moved.id == second.id


def test_transfer_a_space_to_another_organization(client, fake):
    other = next(org for org in client.list_organizations() if org.id != fake.org_id)
    space = a_new_space(client, fake, "Traveller")

    transferred = client.transfer_space(space.id, organization=other.id)

    assert transferred.organization == other.id
    with pytest.raises(errors.Conflict):
        client.transfer_space(space.id, organization=other.id)


# Links and collections


def test_list_broken_links_of_a_space_with_stats(client, fake):
    spaces = list(client.list_spaces(fake.org_id))
    pages = [client.list_space_links_page(space.id, status="broken") for space in spaces]

    with_broken = [page for page in pages if page.items]
    assert with_broken, "the fake seeds some broken links"
    page = with_broken[0]
    assert page.stats.total >= page.stats.broken > 0
    assert all(link.is_broken for link in page.items)
    assert all(link.locations for link in page.items)


def test_list_every_link_of_a_space(client, fake):
    space = a_space(client, fake)

    links = list(client.list_space_links(space.id, limit=5))

    assert len(links) == client.list_space_links_page(space.id).stats.total


def test_collections_and_their_spaces(client, fake):
    collections = list(client.list_collections(fake.org_id, nested=True))
    assert collections

    collection = client.get_collection(collections[0].id)
    assert collection.title == collections[0].title
    spaces = list(client.list_collection_spaces(collection.id))
    assert all(space.parent == collection.id for space in spaces)
    assert client.list_collections_page(fake.org_id, nested=False).items


# Imports


def test_an_import_runs_to_completion(client, fake, small_site):
    space = a_new_space(client, fake, "Imported")

    run = client.start_import(fake.org_id, url=small_site, space=space.id)
    assert run.status in ("pending", "in-progress")
    assert fake.wait_for_imports()
    fake.clock.advance(minutes=1)

    done = client.get_import_run(fake.org_id, run.id)
    assert done.status == "completed", done.reason
    assert sorted(page.title for page in done.pages) == ["Home", "Install", "Usage"]
    listed = list(client.list_import_runs(fake.org_id, space=space.id))
    assert [listed_run.id for listed_run in listed] == [run.id]


def test_cancel_an_import_on_api_0_146_answers_201(client, fake, small_site):
    space = a_new_space(client, fake, "Cancelled import")
    run = client.start_import(fake.org_id, url=small_site, space=space.id)

    cancelled = client.cancel_import_run(fake.org_id, run.id)

    assert cancelled.status == "cancelled"
    assert client.get_import_run(fake.org_id, run.id).status == "cancelled"


def test_list_active_import_runs(client, fake):
    page = client.list_import_runs_page(fake.org_id, status="active", limit=5)

    assert all(run.status in ("pending", "in-progress") for run in page.items)


def test_cancel_an_import_on_the_current_api_answers_200(current_fake, small_site):
    # The vendored document lists 201 only, so only the request is checked here.
    session = requests.Session()
    session.hooks["response"].append(lambda response, **kwargs: check_request(response.request))
    client = make_client(current_fake, session=session)
    space = client.create_space(current_fake.org_id, title="Cancel me")
    run = client.start_import(current_fake.org_id, url=small_site, space=space.id)

    cancelled = client.cancel_import_run(current_fake.org_id, run.id)

    assert cancelled.status == "cancelled"
    with pytest.raises(errors.BadRequest):
        client.cancel_import_run(current_fake.org_id, run.id)


def test_the_current_api_has_no_space_links(current_fake):
    client = make_client(current_fake)
    space = next(iter(client.list_spaces(current_fake.org_id)))

    with pytest.raises(errors.NotFound):
        client.list_space_links_page(space.id)


# Sites, findings, redirects


def a_site_with_broken_link_fixes(client, fake):
    for site in client.list_sites(fake.org_id):
        findings = list(
            client.list_site_findings(fake.org_id, site.id, types="broken-link", status="open")
        )
        fixable = [finding for finding in findings if finding.broken_link_action]
        if fixable:
            return site, fixable
    pytest.fail("the fake seeds broken-link findings with a fix")


def test_list_sites(client, fake):
    sites = list(client.list_sites(fake.org_id))

    assert sites
    published = client.list_sites_page(fake.org_id, published=True).items
    assert all(site.published for site in published)


def test_list_findings_of_both_link_kinds(client, fake):
    site = next(iter(client.list_sites(fake.org_id)))

    findings = list(
        client.list_site_findings(
            fake.org_id, site.id, types=["broken-link", "outbound-link-error"]
        )
    )

    assert {finding.type for finding in findings} <= {"broken-link", "outbound-link-error"}
    for finding in findings:
        if finding.type == "outbound-link-error":
            assert finding.outbound_link.url


def test_a_broken_link_finding_is_fixed_by_its_redirect(client, fake):
    site, (finding, *_) = a_site_with_broken_link_fixes(client, fake)

    redirect = client.create_site_redirect(
        fake.org_id, site.id, **finding.broken_link_action.redirect_kwargs()
    )

    assert redirect.source == finding.broken_link_action.source
    sources = [r.source for r in client.list_site_redirects(fake.org_id, site.id)]
    assert redirect.source in sources
    page = client.list_site_redirects_page(fake.org_id, site.id, search=redirect.source)
    assert [r.id for r in page.items] == [redirect.id]


# Errors


def test_a_title_too_long_is_a_bad_request_with_the_apis_message(fake):
    # The request breaks the document on purpose; only the answer is checked.
    session = requests.Session()
    session.hooks["response"].append(
        lambda response, **kwargs: check_response(response.request, response)
    )
    client = make_client(fake, session=session)

    with pytest.raises(errors.BadRequest) as raised:
        client.create_space(fake.org_id, title="x" * 51)

    assert "title" in raised.value.message
    assert "50" in raised.value.message


def test_an_unknown_space_is_not_found(client):
    with pytest.raises(errors.NotFound) as raised:
        client.get_space("no-such-space")

    assert raised.value.message


def test_a_wrong_token_is_unauthorized(fake):
    client = make_client(fake, token="gb_api_wrong")

    with pytest.raises(errors.Unauthorized):
        client.get_current_user()


# Transport behaviour against the fake's knobs


@pytest.fixture
def knob_fake():
    fake, server = start_fake()
    fake.url = server.url
    yield fake
    server.stop()


def test_every_answer_of_the_fake_updates_the_rate_limit(client):
    client.get_current_user()

    assert client.rate_limit is not None
    assert client.rate_limit.limit >= client.rate_limit.remaining >= 0


def test_the_fakes_rate_limit_raises_rate_limited_when_the_wait_is_too_long(knob_fake):
    knob_fake.configure(rate_limit="2/60")
    client = GitBookClient(
        token=knob_fake.token,
        base_url=knob_fake.url,
        max_rate_limit_wait=0,
        session=checking_session(requests.Session()),
    )
    client.get_current_user()
    client.get_current_user()

    with pytest.raises(errors.RateLimited) as raised:
        client.get_current_user()

    assert 0 < raised.value.retry_after <= 60
    assert "rate limit" in raised.value.message
    assert client.rate_limit.remaining == 0


def test_the_fakes_rate_limit_is_waited_out_when_short(knob_fake):
    knob_fake.configure(rate_limit="2/1")
    slept = []
    client = GitBookClient(
        token=knob_fake.token,
        base_url=knob_fake.url,
        session=checking_session(requests.Session()),
        sleep=lambda seconds: (slept.append(seconds), time.sleep(seconds)),
    )

    # Five quick calls cannot all fit in two one-second windows of two calls each.
    users = [client.get_current_user() for _ in range(5)]

    assert len(users) == 5
    assert slept, "some call had to wait for the next window"
    assert all(wait <= 2.2 for wait in slept)


def test_injected_server_errors_on_reads_are_retried_away(knob_fake):
    knob_fake.configure(fault_rate=0.3, fault_kinds=["502", "503"])
    client = GitBookClient(
        token=knob_fake.token,
        base_url=knob_fake.url,
        max_retries=8,
        session=checking_session(requests.Session()),
        sleep=lambda seconds: None,
    )

    spaces = list(client.list_spaces(knob_fake.org_id, limit=5))

    assert len(spaces) == 30
    assert knob_fake.stats()["faults"] > 0


def test_a_create_whose_answer_is_lost_is_not_sent_twice(knob_fake):
    knob_fake.configure(fault_rate=1.0, fault_kinds=["drop"])
    client = make_client(knob_fake)
    knob_fake.reset_stats()

    with pytest.raises(errors.TransportError) as raised:
        client.create_space(knob_fake.org_id, title="Only once")

    assert raised.value.sent is True
    assert knob_fake.stats()["requests"] == {"createSpace": 1}


def test_a_read_that_times_out_is_retried(knob_fake):
    knob_fake.configure(fault_rate=1.0, fault_kinds=["timeout"], fault_timeout_s=1.0)
    client = GitBookClient(
        token=knob_fake.token,
        base_url=knob_fake.url,
        timeout=0.2,
        max_retries=2,
        sleep=lambda seconds: None,
    )
    knob_fake.reset_stats()

    with pytest.raises(errors.TransportError) as raised:
        client.get_current_user()

    assert raised.value.retryable is True
    assert knob_fake.stats()["requests"] == {"getAuthenticatedUser": 3}
