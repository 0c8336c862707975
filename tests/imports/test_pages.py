"""The imports pages and forms over HTTP: what is refused before sending, who may do what."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.accounts.models import Connection
from dashboard.imports.models import ImportRun
from dashboard.jobs.models import Job
from tests.imports.conftest import log_in_to
from tests.spaces.helpers import load_index

pytestmark = pytest.mark.django_db


def a_run(connection, **fields) -> ImportRun:
    values = {
        "connection": connection,
        "source_url": "https://docs.example.com/",
        "space_id": "space-1",
        "space_title": "Docs",
        "status": ImportRun.Status.IN_PROGRESS,
        "api_run_id": "run-1",
        "started_at": timezone.now(),
        **fields,
    }
    return ImportRun.objects.create(**values)


def new_space_form(url: str, **extra) -> dict:
    return {"url": url, "target": "new", "new_title": "Imported", "enhance": "on", **extra}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example.com/docs", "Only http:// and https:// websites"),
        ("javascript:alert(1)", "Only http:// and https:// websites"),
        ("file:///etc/passwd", "Only http:// and https:// websites"),
        ("docs.example.com", "Only http:// and https:// websites"),
        ("", "Enter the address of the website"),
        ("http://", "The address has no host name"),
        ("https://user:secret@docs.example.com/", "Leave the user name and password out"),
    ],
)
def test_only_http_and_https_addresses_are_accepted(as_operator, url, message):
    response = as_operator.post(reverse("imports:new"), new_space_form(url))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8/wiki",
        "http://192.168.1.20:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/",
        "http://printer.local/",
        "http://0.0.0.0/",
    ],
)
def test_private_hosts_are_refused_before_anything_is_sent(as_operator, url):
    response = as_operator.post(reverse("imports:new"), new_space_form(url))

    assert response.status_code == 400
    assert "GitBook does not import from internal or private hosts" in response.text
    assert not Job.objects.exists()


@pytest.fixture
def real_gitbook_connection(db, operator, client, settings):
    settings.GITBOOK_USES_FAKE = False
    connection = Connection(
        name="Real GitBook", api_url="https://api.gitbook.com/v1", organization_id="org-real"
    )
    connection.set_token("gb_api_not_used")
    connection.save()
    log_in_to(client, operator, connection)
    return client


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/docs", "http://localhost/", "http://2130706433/", "http://[::1]/"],
)
def test_loopback_is_refused_for_real_gitbook(real_gitbook_connection, url):
    response = real_gitbook_connection.post(reverse("imports:new"), new_space_form(url))

    assert response.status_code == 400
    assert "internal or private hosts" in response.text
    assert "sites on 127.0.0.1 are allowed" not in response.text


def test_loopback_is_allowed_against_the_fake_and_the_form_says_so(as_operator):
    form = as_operator.get(reverse("imports:new")).text
    assert "This organization is the fake GitBook, so sites on 127.0.0.1 are allowed." in form

    response = as_operator.post(reverse("imports:new"), new_space_form("http://127.0.0.1:9/docs"))

    assert response.status_code == 302
    assert Job.objects.get().kind == "imports.start"
    run = ImportRun.objects.get()
    assert (run.source_url, run.new_space, run.space_title) == (
        "http://127.0.0.1:9/docs",
        True,
        "Imported",
    )


@pytest.mark.parametrize(
    "url",
    [
        " ",
        "http://[::1",
        "http://exa mple.com/",
        "http://" + "a" * 5000 + ".com/",
        "http://docs.example.com:99999/",
        "http://xn--/",
        "http://\x00/",
        "😀://docs",
        "http://" + "é" * 300 + ".com/",
        "http://..../",
        "https://" + "a." * 200 + "com/",
    ],
)
def test_garbage_addresses_are_refused_with_a_message_never_a_server_error(as_operator, url):
    response = as_operator.post(reverse("imports:new"), new_space_form(url))

    assert response.status_code == 400
    assert 'class="error"' in response.text


def test_a_unicode_host_is_accepted(as_operator):
    response = as_operator.post(reverse("imports:new"), new_space_form("https://bücher.example/"))

    assert response.status_code == 302


def test_a_new_space_needs_a_title_and_takes_no_change_request_or_page(as_operator):
    response = as_operator.post(
        reverse("imports:new"),
        new_space_form("https://docs.example.com/", new_title=" ", change_request="cr1", page="p1"),
    )

    assert response.status_code == 400
    assert "Give the new space a title." in response.text
    assert response.text.count("A new space has no change requests or pages yet.") == 2


def test_importing_into_an_existing_space_is_confirmed_first(as_operator, fast_connection, fake):
    load_index(fast_connection)
    space = next(s for s in fake.world.spaces.values() if s.org_id == fake.org_id)
    form = {
        "url": "https://docs.example.com/",
        "target": "existing",
        "space": space.id,
        "change_request": "cr-1",
        "enhance": "on",
    }

    asked = as_operator.post(reverse("imports:new"), form)

    assert asked.status_code == 200
    assert f"Import into “{space.title}”?" in asked.text
    assert 'name="change_request" value="cr-1"' in asked.text
    assert not Job.objects.exists()
    as_operator.post(reverse("imports:new"), {**form, "confirmed": "1"})
    run = ImportRun.objects.get()
    assert (run.space_id, run.change_request, run.new_space) == (space.id, "cr-1", False)
    assert Job.objects.get().target_id == space.id


def test_an_unknown_space_is_refused(as_operator, fast_connection):
    load_index(fast_connection)
    response = as_operator.post(
        reverse("imports:new"),
        {"url": "https://docs.example.com/", "target": "existing", "space": "no-such-space"},
    )

    assert response.status_code == 400
    assert "There is no such space in this organization." in response.text


def test_the_space_picker_finds_spaces_by_title(as_operator, fast_connection, fake):
    load_index(fast_connection)
    space = next(s for s in fake.world.spaces.values() if s.org_id == fake.org_id)
    word = space.title.split()[0]

    found = as_operator.get(
        reverse("imports:space_picker"), {"space_query": word}, HTTP_HX_REQUEST="true"
    )

    assert f'name="space" value="{space.id}"' in found.text
    nothing = as_operator.get(reverse("imports:space_picker"), {"space_query": "zzzz-no-title"})
    assert "No space matches." in nothing.text
    preselected = as_operator.get(reverse("imports:new"), {"space": space.id}).text
    assert f'value="{space.id}" form="import-form" checked' in preselected


def test_the_list_filters_by_status_and_space_from_the_url(as_operator, fast_connection):
    a_run(fast_connection, source_url="https://one.example.com/", space_id="s1", space_title="One")
    a_run(
        fast_connection,
        source_url="https://two.example.com/",
        space_id="s2",
        space_title="Two",
        status=ImportRun.Status.FAILED,
        reason="Could not import: HTTP 500",
    )

    failed = as_operator.get(reverse("imports:list"), {"status": "failed"}).text
    one = as_operator.get(reverse("imports:list"), {"space": "s1"}).text
    running = as_operator.get(reverse("imports:list"), {"status": "active"}).text

    assert "two.example.com" in failed and "one.example.com" not in failed
    assert "Could not import: HTTP 500" in failed
    assert "one.example.com" in one and "two.example.com" not in one
    assert "one.example.com" in running and 'hx-trigger="every 1s"' in running
    assert 'hx-trigger="every 1s"' not in failed
    weird = as_operator.get(reverse("imports:list"), {"status": "<b>", "page": "x", "space": "'"})
    assert weird.status_code == 200


def test_the_list_refreshes_itself_as_a_partial_for_htmx(as_operator, fast_connection):
    a_run(fast_connection, pages_known=4, pages_complete=1)

    response = as_operator.get(reverse("imports:list"), HTTP_HX_REQUEST="true")

    assert response.text.lstrip().startswith('<div id="imports-table"')
    assert '<progress max="4" value="1"' in response.text
    assert "1 of 4" in response.text
    assert "HX-Request" in response["Vary"]


def test_source_urls_from_gitbook_become_links_only_when_they_are_http(
    as_operator, fast_connection
):
    run = a_run(
        fast_connection,
        pages=[
            {
                "id": "p1",
                "title": "Good",
                "url": "https://docs.example.com/a",
                "status": "complete",
            },
            {"id": "p2", "title": "Bad", "url": "javascript:alert(1)", "status": "complete"},
            {"id": "p3", "title": "<script>x</script>", "url": "", "status": "pending"},
        ],
    )

    page = as_operator.get(reverse("imports:detail", args=[run.pk])).text

    assert '<a href="https://docs.example.com/a" target="_blank" rel="noopener noreferrer">' in page
    assert 'href="javascript:' not in page
    assert "<script>x</script>" not in page


def test_viewers_see_no_import_controls_and_are_refused(as_viewer, fast_connection):
    failed = a_run(fast_connection, status=ImportRun.Status.FAILED, api_run_id="run-2")
    running = a_run(fast_connection)

    listing = as_viewer.get(reverse("imports:list")).text
    detail = as_viewer.get(reverse("imports:detail", args=[running.pk])).text

    assert "Import a website" not in listing and "Bulk import" not in listing
    assert "Cancel import" not in detail
    assert "Retry import" not in as_viewer.get(reverse("imports:detail", args=[failed.pk])).text
    for url in (reverse("imports:new"), reverse("imports:bulk")):
        assert as_viewer.get(url).status_code == 403
        assert as_viewer.post(url, new_space_form("https://docs.example.com/")).status_code == 403
    assert as_viewer.post(reverse("imports:cancel", args=[running.pk])).status_code == 403
    assert as_viewer.get(reverse("imports:cancel", args=[running.pk])).status_code == 403
    assert as_viewer.post(reverse("imports:retry", args=[failed.pk])).status_code == 403
    assert not Job.objects.exists()


def test_operators_see_cancel_on_running_imports_and_retry_on_failed_ones(
    as_operator, fast_connection
):
    failed = a_run(fast_connection, status=ImportRun.Status.FAILED, api_run_id="run-2")
    running = a_run(fast_connection)

    assert "Cancel import" in as_operator.get(reverse("imports:detail", args=[running.pk])).text
    page = as_operator.get(reverse("imports:detail", args=[failed.pk])).text
    assert "Retry import" in page and "Cancel import" not in page


def test_cancelling_without_javascript_queues_a_job_and_redirects(as_operator, fast_connection):
    run = a_run(fast_connection)

    response = as_operator.post(reverse("imports:cancel", args=[run.pk]))

    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[run.pk])
    job = Job.objects.get()
    assert (job.kind, job.arguments, job.target_id) == (
        "imports.cancel",
        {"run": run.pk},
        "space-1",
    )
    assert job.audit_entries.get().action == "imports.cancel"


def test_a_finished_import_cannot_be_cancelled(as_operator, fast_connection):
    run = a_run(fast_connection, status=ImportRun.Status.COMPLETED)

    response = as_operator.post(reverse("imports:cancel", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert "This import has already finished." in response.text
    assert not Job.objects.exists()


def test_runs_of_another_organization_are_not_shown(as_operator, fake, db):
    other = Connection(name="Other", api_url=fake.url, organization_id="org-other")
    other.set_token(fake.token)
    other.save()
    run = a_run(other, source_url="https://elsewhere.example.com/")

    assert "elsewhere.example.com" not in as_operator.get(reverse("imports:list")).text
    assert as_operator.get(reverse("imports:detail", args=[run.pk])).status_code == 404


def test_the_space_page_shows_its_imports(as_operator, fast_connection, fake):
    load_index(fast_connection)
    space = next(s for s in fake.world.spaces.values() if s.org_id == fake.org_id)
    run = a_run(fast_connection, space_id=space.id, space_title=space.title)

    page = as_operator.get(reverse("spaces:detail", args=[space.id])).text

    assert f'id="import-{run.pk}"' in page
    assert f"{reverse('imports:new')}?space={space.id}" in page
    fragment = as_operator.get(reverse("imports:space", args=[space.id])).text
    assert 'hx-trigger="every 2s"' in fragment


def test_an_import_the_console_refused_is_not_retried_and_says_why(as_operator, fast_connection):
    refused = a_run(
        fast_connection,
        source_url="http://10.0.0.1/",
        space_id="",
        api_run_id="",
        status=ImportRun.Status.FAILED,
        reason="GitBook does not import from internal or private hosts (10.0.0.1).",
    )

    response = as_operator.post(reverse("imports:retry", args=[refused.pk]), follow=True)

    assert "This import cannot be retried: GitBook does not import from internal" in response.text
    assert not Job.objects.exists()
