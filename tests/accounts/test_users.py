"""Users and roles: admins create users, change roles, deactivate and reactivate."""

import pytest
from django.urls import reverse

from dashboard.accounts import admin_service
from dashboard.accounts.models import Role, User
from dashboard.jobs.models import AuditEntry
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ADD_URL = reverse("accounts:user_add")


@pytest.fixture
def as_admin(client, admin):
    client.login(username=admin.username, password=PASSWORD)
    return client


def new_user_form(**overrides) -> dict:
    return {
        "username": "nina-new",
        "email": "nina@example.com",
        "role": "operator",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_the_user_list_shows_each_role_and_last_login(as_admin, admin, viewer):
    page = as_admin.get(reverse("accounts:users")).text

    assert f'id="user-{viewer.pk}"' in page
    assert f'id="user-{admin.pk}"' in page
    assert "never" in page  # the viewer has not logged in
    admin.refresh_from_db()
    assert admin.last_login.strftime("%Y-%m-%d %H:%M") in page


def test_an_admin_creates_a_user_with_a_role_who_can_then_log_in(as_admin, admin, client):
    response = as_admin.post(ADD_URL, new_user_form())

    assert response.status_code == 302
    assert response.url == reverse("accounts:users")
    created = User.objects.get(username="nina-new")
    assert created.role == Role.OPERATOR
    assert created.email == "nina@example.com"
    assert created.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="user.add")
    assert entry.username == admin.username
    assert entry.target_id == "nina-new"
    assert entry.after == {"role": "operator", "email": "nina@example.com"}
    assert PASSWORD not in str(entry.after)


def test_the_email_is_optional(as_admin):
    as_admin.post(ADD_URL, new_user_form(email=""))

    assert User.objects.get(username="nina-new").email == ""


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "This password is entirely numeric."),
        ("password", "This password is too common."),
        ("sh0rt", "This password is too short. It must contain at least 8 characters."),
        ("nina-new-nina", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_gets_the_validator_message_and_keeps_what_was_typed(
    as_admin, password, message
):
    response = as_admin.post(ADD_URL, new_user_form(password1=password, password2=password))

    assert response.status_code == 400
    assert message in response.text
    assert 'id="id_password2-error"' in response.text
    assert 'value="nina-new"' in response.text
    assert 'value="nina@example.com"' in response.text
    assert f'value="{password}"' not in response.text
    assert not User.objects.filter(username="nina-new").exists()


def test_a_confirmation_that_differs_is_refused(as_admin):
    response = as_admin.post(ADD_URL, new_user_form(password2="something else entirely"))

    assert response.status_code == 400
    assert "The two password fields didn’t match." in response.text
    assert not User.objects.filter(username="nina-new").exists()


def test_a_username_taken_in_another_case_is_refused(as_admin, viewer):
    response = as_admin.post(ADD_URL, new_user_form(username=viewer.username.upper()))

    assert response.status_code == 400
    assert "A user with that username already exists." in response.text


def test_changing_a_role_is_saved_and_audited(as_admin, admin, viewer):
    response = as_admin.post(reverse("accounts:user_role", args=[viewer.pk]), {"role": "operator"})

    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == Role.OPERATOR
    entry = AuditEntry.objects.get(action="user.role")
    assert entry.username == admin.username
    assert entry.target_id == viewer.username
    assert entry.before == {"role": "viewer"}
    assert entry.after == {"role": "operator"}


def test_changing_a_role_over_htmx_answers_with_the_updated_row(as_admin, viewer):
    response = as_admin.post(
        reverse("accounts:user_role", args=[viewer.pk]),
        {"role": "admin"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.strip().startswith(f'<tr id="user-{viewer.pk}">')
    assert '<option value="admin" selected>Admin</option>' in response.text
    assert "vera-viewer is now Admin." in response.text


def test_setting_the_same_role_again_records_nothing(as_admin, viewer):
    as_admin.post(reverse("accounts:user_role", args=[viewer.pk]), {"role": "viewer"})

    assert not AuditEntry.objects.exists()


def test_an_unknown_role_is_refused_next_to_the_row(as_admin, viewer):
    response = as_admin.post(reverse("accounts:user_role", args=[viewer.pk]), {"role": "owner"})

    assert response.status_code == 400
    assert "Pick one of the roles." in response.text
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_an_admin_cannot_demote_themselves(as_admin, admin):
    make_user("bob-admin", Role.ADMIN)  # not the last admin: the rule is about oneself

    response = as_admin.post(reverse("accounts:user_role", args=[admin.pk]), {"role": "viewer"})

    assert response.status_code == 400
    assert "You cannot change your own role: ask another admin." in response.text
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert not AuditEntry.objects.exists()


def test_a_refused_change_over_htmx_shows_the_message_in_the_row(as_admin, admin):
    response = as_admin.post(
        reverse("accounts:user_role", args=[admin.pk]),
        {"role": "viewer"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.strip().startswith(f'<tr id="user-{admin.pk}">')
    assert 'role="alert">You cannot change your own role' in response.text


def test_an_admin_cannot_deactivate_themselves(as_admin, admin):
    response = as_admin.post(reverse("accounts:user_deactivate", args=[admin.pk]))

    assert response.status_code == 400
    assert "You cannot deactivate yourself" in response.text
    admin.refresh_from_db()
    assert admin.is_active


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin):
    """One request cannot reach this (its admin is itself an active admin), but two
    racing ones can: here another admin demoted Ada after her request was let in."""
    bob = make_user("bob-admin", Role.ADMIN)
    User.objects.filter(pk=admin.pk).update(role=Role.VIEWER)

    with pytest.raises(admin_service.Refused, match="bob-admin is the last active admin"):
        admin_service.change_role(admin, bob, Role.OPERATOR)
    with pytest.raises(admin_service.Refused, match="bob-admin is the last active admin"):
        admin_service.set_active(admin, bob, False)

    bob.refresh_from_db()
    assert bob.role == Role.ADMIN
    assert bob.is_active


def test_another_admin_can_be_demoted_while_one_admin_remains(as_admin, admin):
    bob = make_user("bob-admin", Role.ADMIN)

    as_admin.post(reverse("accounts:user_role", args=[bob.pk]), {"role": "operator"})

    bob.refresh_from_db()
    assert bob.role == Role.OPERATOR


def test_a_deactivated_user_cannot_log_in_until_reactivated(as_admin, client, viewer):
    as_admin.post(reverse("accounts:user_deactivate", args=[viewer.pk]))
    viewer.refresh_from_db()
    assert not viewer.is_active
    as_admin.post(reverse("accounts:user_reactivate", args=[viewer.pk]))
    viewer.refresh_from_db()

    assert viewer.is_active
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "target_id"))
    assert actions == [
        ("user.deactivate", viewer.username),
        ("user.reactivate", viewer.username),
    ]


def test_a_deactivated_user_is_logged_out_of_the_console(client, admin, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    admin_service.set_active(admin, viewer, False)

    response = client.get(reverse("jobs:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not client.login(username=viewer.username, password=PASSWORD)


def user_endpoints(user_pk: int) -> list[str]:
    return [
        reverse("accounts:users"),
        reverse("accounts:user_add"),
        reverse("accounts:user_role", args=[user_pk]),
        reverse("accounts:user_deactivate", args=[user_pk]),
        reverse("accounts:user_reactivate", args=[user_pk]),
    ]


@pytest.mark.parametrize("persona", ["viewer", "operator"])
def test_viewers_and_operators_get_403_on_every_user_endpoint(request, client, admin, persona):
    user = request.getfixturevalue(persona)
    client.login(username=user.username, password=PASSWORD)

    for url in user_endpoints(admin.pk):
        assert client.get(url).status_code == 403, url
        posted = new_user_form(role="admin")
        assert client.post(url, posted).status_code == 403, url

    admin.refresh_from_db()
    assert admin.is_active
    assert admin.role == Role.ADMIN
    assert not User.objects.filter(username="nina-new").exists()
    user.refresh_from_db()
    assert user.role == persona
    assert not AuditEntry.objects.exists()
