"""Organizations: admins connect, test, rename and remove them; everyone switches."""

from types import SimpleNamespace

import pytest
from django.db import connection as db_connection
from django.urls import reverse

from dashboard.accounts.connections import current_connection
from dashboard.accounts.models import Connection
from dashboard.jobs.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADD_URL = reverse("accounts:organization_add")


def second_organization(fake) -> str:
    return fake.organization_ids[1]


def make_connection(fake, organization_id: str, name: str) -> Connection:
    connection = Connection(name=name, api_url=fake.url, organization_id=organization_id)
    connection.set_token(fake.token)
    connection.save()
    return connection


def check_access(client, api_url: str, token: str, **headers):
    return client.post(
        ADD_URL, {"step": "access", "api_url": api_url, "token": token}, headers=headers
    )


def add_second_organization(client, fake, name: str = ""):
    check_access(client, fake.url, fake.token)
    return client.post(
        ADD_URL, {"step": "pick", "organization": second_organization(fake), "name": name}
    )


def test_an_admin_connects_the_second_organization_the_token_sees(
    as_admin, admin, connection, fake_gitbook
):
    form = as_admin.get(ADD_URL)
    assert f'value="{fake_gitbook.url}"' in form.text  # the API URL defaults to the settings

    checked = check_access(as_admin, fake_gitbook.url, fake_gitbook.token)
    assert checked.status_code == 200
    assert f'<option value="{second_organization(fake_gitbook)}">Acme Archive</option>' in (
        checked.text
    )
    assert "Wayne Enterprises (already connected)" in checked.text

    response = as_admin.post(
        ADD_URL, {"step": "pick", "organization": second_organization(fake_gitbook), "name": ""}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:organizations")
    added = Connection.objects.get(organization_id=second_organization(fake_gitbook))
    assert added.name == "Acme Archive"
    assert added.api_url == fake_gitbook.url
    assert added.created_by == admin
    assert added.token == fake_gitbook.token
    listing = as_admin.get(reverse("accounts:organizations")).text
    assert "Acme Archive" in listing
    assert second_organization(fake_gitbook) in listing


def test_adding_a_connection_is_in_the_audit_log_without_the_token(
    as_admin, admin, connection, fake_gitbook
):
    add_second_organization(as_admin, fake_gitbook, name="Archive")

    entry = AuditEntry.objects.get(action="connection.add")
    assert entry.username == admin.username
    assert entry.target_id == second_organization(fake_gitbook)
    assert entry.after == {
        "name": "Archive",
        "api_url": fake_gitbook.url,
        "organization_id": second_organization(fake_gitbook),
    }
    assert fake_gitbook.token not in str(entry.before) + str(entry.after)


def test_a_wrong_token_shows_the_api_401_message_next_to_the_token_and_creates_nothing(
    as_admin, connection, fake_gitbook
):
    response = check_access(as_admin, fake_gitbook.url, "gb_wrong_token")

    assert response.status_code == 400
    assert (
        '<p class="error" id="id_token-error" role="alert">Invalid or expired access token</p>'
        in response.text
    )
    assert f'value="{fake_gitbook.url}"' in response.text
    assert "gb_wrong_token" not in response.text
    assert list(Connection.objects.all()) == [connection]
    assert not AuditEntry.objects.exists()


def test_an_unreachable_url_is_reported_next_to_the_url_field(as_admin, connection):
    response = check_access(as_admin, "http://127.0.0.1:9/v1", "gb_some_token")

    assert response.status_code == 400
    assert 'id="id_api_url-error"' in response.text
    assert "No answer from http://127.0.0.1:9/v1" in response.text
    assert 'value="http://127.0.0.1:9/v1"' in response.text
    assert Connection.objects.count() == 1


def test_a_url_that_is_not_the_api_is_reported_next_to_the_url_field(
    as_admin, connection, fake_gitbook
):
    not_the_api = fake_gitbook.url.removesuffix("/v1") + "/elsewhere"

    response = check_access(as_admin, not_the_api, fake_gitbook.token)

    assert response.status_code == 400
    assert 'id="id_api_url-error"' in response.text
    assert "usually ends in /v1" in response.text


def test_an_organization_already_connected_cannot_be_added_twice(
    as_admin, connection, fake_gitbook
):
    check_access(as_admin, fake_gitbook.url, fake_gitbook.token)

    response = as_admin.post(
        ADD_URL, {"step": "pick", "organization": fake_gitbook.org_id, "name": ""}
    )

    assert response.status_code == 400
    assert "This organization is already connected." in response.text
    assert Connection.objects.count() == 1


def test_picking_an_organization_without_checking_a_token_first_starts_again(
    as_admin, connection, fake_gitbook
):
    response = as_admin.post(
        ADD_URL, {"step": "pick", "organization": second_organization(fake_gitbook)}, follow=True
    )

    assert "enter the URL and token again" in response.text
    assert Connection.objects.count() == 1


def test_the_add_form_works_over_htmx_and_ends_with_a_client_redirect(
    as_admin, connection, fake_gitbook
):
    refused = check_access(as_admin, fake_gitbook.url, "gb_wrong_token", HX_Request="true")
    assert refused.status_code == 200
    assert "<html" not in refused.text
    assert 'id="add-connection"' in refused.text
    assert "Invalid or expired access token" in refused.text

    checked = check_access(as_admin, fake_gitbook.url, fake_gitbook.token, HX_Request="true")
    assert 'name="organization"' in checked.text

    saved = as_admin.post(
        ADD_URL,
        {"step": "pick", "organization": second_organization(fake_gitbook)},
        headers={"HX-Request": "true"},
    )
    assert saved.headers["HX-Redirect"] == reverse("accounts:organizations")
    assert Connection.objects.filter(organization_id=second_organization(fake_gitbook)).exists()


def test_the_token_is_encrypted_at_rest_and_appears_in_no_page(as_admin, connection, fake_gitbook):
    pages = [
        as_admin.get(ADD_URL),
        check_access(as_admin, fake_gitbook.url, fake_gitbook.token),
        add_second_organization(as_admin, fake_gitbook),
    ]
    added = Connection.objects.get(organization_id=second_organization(fake_gitbook))
    pages += [
        as_admin.get(reverse("accounts:organizations")),
        as_admin.get(reverse("accounts:organization_rename", args=[added.pk])),
        as_admin.get(reverse("accounts:organization_remove", args=[added.pk])),
        as_admin.post(reverse("accounts:organization_check", args=[added.pk]), follow=True),
        as_admin.get(reverse("audit:log")),
        as_admin.get(reverse("audit:csv")),
    ]

    for page in pages:
        body = b"".join(page.streaming_content) if page.streaming else page.content
        assert fake_gitbook.token not in body.decode()
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT token_encrypted FROM accounts_connection")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT session_data FROM django_session")
        sessions = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2
    assert all(fake_gitbook.token not in value for value in stored + sessions)


def test_testing_a_connection_says_ok_when_the_token_reaches_the_organization(as_admin, connection):
    response = as_admin.post(
        reverse("accounts:organization_check", args=[connection.pk]), follow=True
    )

    assert "OK: the token reaches “Wayne Enterprises”." in response.text


def test_testing_a_connection_over_htmx_answers_with_the_result_alone(as_admin, connection):
    response = as_admin.post(
        reverse("accounts:organization_check", args=[connection.pk]),
        headers={"HX-Request": "true"},
    )

    assert response.text.startswith('<span class="check-result ok"')
    assert "Wayne Enterprises" in response.text


def test_testing_a_connection_to_an_unknown_organization_shows_the_api_error(
    as_admin, connection, fake_gitbook
):
    gone = make_connection(fake_gitbook, "no-such-organization", "Gone")

    response = as_admin.post(
        reverse("accounts:organization_check", args=[gone.pk]), headers={"HX-Request": "true"}
    )

    assert 'class="check-result error"' in response.text
    assert "No organization found with id &#x27;no-such-organization&#x27; (HTTP 404)" in (
        response.text
    )


def test_renaming_a_connection_changes_its_name_and_is_audited(as_admin, connection):
    url = reverse("accounts:organization_rename", args=[connection.pk])
    assert 'value="Fake organization"' in as_admin.get(url).text

    response = as_admin.post(url, {"name": "  Production  "})

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Production"
    entry = AuditEntry.objects.get(action="connection.rename")
    assert entry.target_id == connection.organization_id
    assert entry.before["name"] == "Fake organization"
    assert entry.after["name"] == "Production"


def test_a_blank_name_is_refused_next_to_the_field(as_admin, connection):
    response = as_admin.post(
        reverse("accounts:organization_rename", args=[connection.pk]), {"name": "   "}
    )

    assert response.status_code == 400
    assert 'id="id_name-error"' in response.text
    assert "A connection needs a name." in response.text
    connection.refresh_from_db()
    assert connection.name == "Fake organization"


def test_removing_a_connection_asks_first_naming_it_then_removes_it_and_audits(
    as_admin, connection, fake_gitbook
):
    other = make_connection(fake_gitbook, second_organization(fake_gitbook), "Archive")
    url = reverse("accounts:organization_remove", args=[other.pk])

    confirm = as_admin.get(url)
    assert "Remove “Archive”?" in confirm.text
    assert Connection.objects.filter(pk=other.pk).exists()

    response = as_admin.post(url)

    assert response.status_code == 302
    assert not Connection.objects.filter(pk=other.pk).exists()
    entry = AuditEntry.objects.get(action="connection.remove")
    assert entry.target_id == second_organization(fake_gitbook)
    assert entry.before["name"] == "Archive"
    assert entry.after == {}


def test_switching_organization_changes_the_current_connection_and_the_header(
    client, viewer, connection, fake_gitbook
):
    # Sorted after "Fake organization", so not the one shown before switching.
    other = make_connection(fake_gitbook, second_organization(fake_gitbook), "Warehouse")
    client.login(username=viewer.username, password=PASSWORD)
    before = client.get(reverse("jobs:list")).text
    assert f'<option value="{connection.pk}" selected>Fake organization</option>' in before

    response = client.post(
        reverse("accounts:switch_organization"),
        {"connection": other.pk, "next": reverse("jobs:list")},
    )

    assert response.status_code == 302
    assert response.url == reverse("jobs:list")
    assert current_connection(SimpleNamespace(session=client.session)) == other
    after = client.get(reverse("jobs:list")).text
    assert f'<option value="{other.pk}" selected>Warehouse</option>' in after


def test_switching_over_htmx_redirects_the_whole_page(client, viewer, connection, fake_gitbook):
    other = make_connection(fake_gitbook, second_organization(fake_gitbook), "Archive")
    client.login(username=viewer.username, password=PASSWORD)

    response = client.post(
        reverse("accounts:switch_organization"),
        {"connection": other.pk, "next": "/spaces/?q=docs"},
        headers={"HX-Request": "true"},
    )

    assert response.headers["HX-Redirect"] == "/spaces/?q=docs"
    assert client.session["connection_id"] == other.pk


@pytest.mark.parametrize(
    "next_url", ["https://evil.example", "//evil.example/path", "javascript:alert(1)"]
)
def test_a_next_url_off_the_site_is_refused(client, viewer, connection, fake_gitbook, next_url):
    other = make_connection(fake_gitbook, second_organization(fake_gitbook), "Archive")
    client.login(username=viewer.username, password=PASSWORD)

    response = client.post(
        reverse("accounts:switch_organization"), {"connection": other.pk, "next": next_url}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_switching_to_an_unknown_organization_changes_nothing(client, viewer, connection):
    client.login(username=viewer.username, password=PASSWORD)

    response = client.post(
        reverse("accounts:switch_organization"),
        {"connection": "999999", "next": reverse("jobs:list")},
        follow=True,
    )

    assert "There is no such organization." in response.text
    assert "connection_id" not in client.session


def test_the_switcher_shows_only_when_there_is_more_than_one_connection(
    client, viewer, connection, fake_gitbook
):
    client.login(username=viewer.username, password=PASSWORD)
    assert 'class="org-switcher"' not in client.get(reverse("jobs:list")).text

    make_connection(fake_gitbook, second_organization(fake_gitbook), "Archive")

    assert 'class="org-switcher"' in client.get(reverse("jobs:list")).text


def test_only_admins_see_the_organizations_and_users_links(
    client, viewer, operator, admin, connection
):
    links = (reverse("accounts:organizations"), reverse("accounts:users"))
    for persona, shown in ((viewer, False), (operator, False), (admin, True)):
        client.login(username=persona.username, password=PASSWORD)
        page = client.get(reverse("jobs:list")).text
        assert all((f'href="{link}"' in page) == shown for link in links), persona.username


def organization_endpoints(connection_pk: int) -> list[str]:
    return [
        reverse("accounts:organizations"),
        reverse("accounts:organization_add"),
        reverse("accounts:organization_check", args=[connection_pk]),
        reverse("accounts:organization_rename", args=[connection_pk]),
        reverse("accounts:organization_remove", args=[connection_pk]),
    ]


@pytest.mark.parametrize("persona", ["viewer", "operator"])
def test_viewers_and_operators_get_403_on_every_organization_endpoint(
    request, client, connection, fake_gitbook, persona
):
    user = request.getfixturevalue(persona)
    client.login(username=user.username, password=PASSWORD)

    for url in organization_endpoints(connection.pk):
        assert client.get(url).status_code == 403, url
        posted = {
            "step": "access",
            "api_url": fake_gitbook.url,
            "token": fake_gitbook.token,
            "name": "Taken over",
        }
        assert client.post(url, posted).status_code == 403, url

    connection.refresh_from_db()
    assert connection.name == "Fake organization"
    assert Connection.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_switching_from_a_space_page_lands_on_the_spaces_list(client, admin, connection):
    from django.urls import reverse

    from dashboard.accounts.models import Connection

    other = Connection(name="Other", api_url=connection.api_url, organization_id="other-org")
    other.set_token("t")
    other.save()
    client.force_login(admin)

    response = client.post(
        reverse("accounts:switch_organization"),
        {"connection": other.pk, "next": reverse("spaces:detail", args=["some-space"])},
    )

    assert response.url == reverse("spaces:list")
