"""The console's own settings: organization connections and users (admins
only), and the organization switcher every user has in the header."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from dashboard.accounts import admin_service
from dashboard.accounts.connections import SESSION_KEY
from dashboard.accounts.forms import (
    ConnectionAccessForm,
    ConnectionRenameForm,
    OrganizationPickForm,
    OrganizationSwitchForm,
    RoleForm,
    UserCreateForm,
)
from dashboard.accounts.models import Connection, User
from dashboard.accounts.roles import admin_required

# The role check comes first on every view here, so a viewer or operator gets
# a 403 whatever the method, not a 405 that tells them the page exists.


def form_status(request: HttpRequest, form) -> int:
    # htmx does not swap a 4xx answer, so it gets the form with its errors as a 200.
    return 400 if form.errors and not request.htmx else 200


@admin_required
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = Connection.objects.select_related("created_by")
    return render(request, "accounts/organizations.html", {"organizations": organizations})


@admin_required
@require_http_methods(["GET", "POST"])
# Kept out of the error report e-mailed to ADMINS. Every frame below holds the
# token under some name (token, the client's headers), so all their variables are.
@sensitive_post_parameters("token")
@sensitive_variables()
def organization_add(request: HttpRequest) -> HttpResponse:
    """Two steps: check the URL and token, then pick one of the organizations it sees."""
    if request.method == "GET":
        admin_service.forget_pending_connection(request.session)
        return render_add(request, access_form=ConnectionAccessForm())

    if request.POST.get("step") == "pick":
        pending = admin_service.pending_connection(request.session)
        if pending is None:
            messages.error(request, "That form expired: enter the URL and token again.")
            return redirect("accounts:organization_add")
        pick_form = OrganizationPickForm(
            request.POST, organizations=pending["organizations"], api_url=pending["api_url"]
        )
        if pick_form.is_valid():
            try:
                connection = admin_service.add_connection(
                    request.user,
                    api_url=pending["api_url"],
                    token_encrypted=pending["token_encrypted"],
                    organization_id=pick_form.cleaned_data["organization"],
                    name=pick_form.cleaned_data["name"],
                )
            except admin_service.Refused as refusal:
                pick_form.add_error("organization", str(refusal))
            else:
                admin_service.forget_pending_connection(request.session)
                messages.success(request, f"Connected “{connection.name}”.")
                if request.htmx:
                    return HttpResponseClientRedirect(reverse("accounts:organizations"))
                return redirect("accounts:organizations")
        return render_add(request, pick_form=pick_form, api_url=pending["api_url"])

    access_form = ConnectionAccessForm(request.POST)
    if access_form.is_valid():
        api_url = access_form.cleaned_data["api_url"]
        token = access_form.cleaned_data["token"]
        try:
            organizations = admin_service.organizations_for(api_url, token)
        except admin_service.AccessProblem as problem:
            access_form.add_error(problem.field, problem.message)
        else:
            admin_service.hold_pending_connection(request.session, api_url, token, organizations)
            pick_form = OrganizationPickForm(organizations=organizations, api_url=api_url)
            return render_add(request, pick_form=pick_form, api_url=api_url)
    return render_add(request, access_form=access_form)


def render_add(request: HttpRequest, **context) -> HttpResponse:
    form = context.get("pick_form") or context.get("access_form")
    template = "accounts/organization_add.html"
    if request.htmx:
        template += "#add-form"
    return render(request, template, context, status=form_status(request, form))


@admin_required
@require_POST
def organization_check(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    ok, message = admin_service.check_connection(connection)
    if request.htmx:
        context = {"connection": connection, "ok": ok, "message": message}
        return render(request, "accounts/organizations.html#check-result", context)
    if ok:
        messages.success(request, f"{connection.name}: {message}")
    else:
        messages.error(request, f"{connection.name}: {message}")
    return redirect("accounts:organizations")


@admin_required
@require_http_methods(["GET", "POST"])
def organization_rename(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    if request.method == "POST":
        form = ConnectionRenameForm(request.POST)
        if form.is_valid():
            admin_service.rename_connection(request.user, connection, form.cleaned_data["name"])
            messages.success(request, f"Renamed to “{connection.name}”.")
            return redirect("accounts:organizations")
    else:
        form = ConnectionRenameForm(initial={"name": connection.name})
    return render(
        request,
        "accounts/organization_rename.html",
        {"form": form, "connection": connection},
        status=form_status(request, form),
    )


@admin_required
@require_http_methods(["GET", "POST"])
def organization_remove(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    if request.method == "POST":
        name = connection.name
        admin_service.remove_connection(request.user, connection)
        if request.session.get(SESSION_KEY) == pk:
            del request.session[SESSION_KEY]
        messages.success(request, f"Removed “{name}”.")
        return redirect("accounts:organizations")
    return render(request, "accounts/organization_remove.html", {"connection": connection})


@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    """Any signed-in user may choose which organization their pages show."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    target = section_of(target)
    form = OrganizationSwitchForm(request.POST)
    if form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["connection"].pk
    else:
        messages.error(request, "There is no such organization.")
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


def section_of(path: str) -> str:
    """The section's start page: a space or job of one organization means
    nothing in another, so switching from one lands on its list instead."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return reverse("home")
    if match.app_name in ("spaces", "jobs") and match.url_name != "list":
        return reverse(f"{match.app_name}:list")
    return path


@admin_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    return render_users(request)


def render_users(
    request: HttpRequest, *, refused: User | None = None, message: str = ""
) -> HttpResponse:
    """The users page, or one row of it for htmx, with a refusal next to that row."""
    context = {
        "refused_pk": refused.pk if refused else None,
        "refused_message": message,
        "roles": RoleForm.base_fields["role"].choices,
    }
    if request.htmx and refused is not None:
        context["member"] = User.objects.get(pk=refused.pk)
        return render(request, "accounts/users.html#user-row", context)
    context["members"] = User.objects.order_by("username")
    return render(request, "accounts/users.html", context, status=400 if message else 200)


def user_changed(request: HttpRequest, member: User, note: str) -> HttpResponse:
    if request.htmx:
        member.refresh_from_db()
        context = {"member": member, "roles": RoleForm.base_fields["role"].choices, "note": note}
        return render(request, "accounts/users.html#user-row", context)
    messages.success(request, note)
    return redirect("accounts:users")


@admin_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@sensitive_variables()
def user_add(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = admin_service.create_user(
            request.user,
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            password=form.cleaned_data["password1"],
        )
        messages.success(request, f"Created {user.get_username()} ({user.get_role_display()}).")
        return redirect("accounts:users")
    return render(
        request, "accounts/user_add.html", {"form": form}, status=form_status(request, form)
    )


@admin_required
@require_POST
def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return render_users(request, refused=member, message="Pick one of the roles.")
    try:
        admin_service.change_role(request.user, member, form.cleaned_data["role"])
    except admin_service.Refused as refusal:
        return render_users(request, refused=member, message=str(refusal))
    member.refresh_from_db()
    return user_changed(
        request, member, f"{member.get_username()} is now {member.get_role_display()}."
    )


@admin_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk)
    try:
        admin_service.set_active(request.user, member, False)
    except admin_service.Refused as refusal:
        return render_users(request, refused=member, message=str(refusal))
    return user_changed(request, member, f"{member.get_username()} can no longer log in.")


@admin_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk)
    admin_service.set_active(request.user, member, True)
    return user_changed(request, member, f"{member.get_username()} can log in again.")


@require_POST
def log_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this user, on every device, this one included."""
    request.user.log_out_everywhere()
    logout(request)
    messages.success(request, "You are logged out on every device.")
    return redirect("login")
