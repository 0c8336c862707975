from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserCreationForm

from dashboard.accounts.models import Connection, Role, User


class ConnectionAccessForm(forms.Form):
    """Step one of adding a connection: where the API is and the token to use."""

    api_url = forms.URLField(
        label="API URL",
        max_length=300,
        assume_scheme="https",
        help_text="The GitBook API address, ending in /v1.",
    )
    token = forms.CharField(
        label="API token",
        strip=True,
        # Never sent back to the browser, not even when the form has errors.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="A GitBook personal access token. It is stored encrypted.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"api_url": settings.GITBOOK_API_URL})
        super().__init__(*args, **kwargs)

    def clean_api_url(self) -> str:
        return self.cleaned_data["api_url"].rstrip("/")


class OrganizationPickForm(forms.Form):
    """Step two: which of the organizations the token sees, and what to call it."""

    organization = forms.ChoiceField(label="Organization")
    name = forms.CharField(
        label="Name",
        max_length=100,
        required=False,
        help_text="Shown in the organization switcher. Empty: the organization's title.",
    )

    def __init__(self, *args, organizations: list[tuple[str, str]], api_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.titles = dict(organizations)
        connected = set(
            Connection.objects.filter(api_url=api_url).values_list("organization_id", flat=True)
        )
        self.connected = connected
        self.fields["organization"].choices = [
            (org_id, f"{title} (already connected)" if org_id in connected else title)
            for org_id, title in organizations
        ]

    def clean_organization(self) -> str:
        organization = self.cleaned_data["organization"]
        if organization in self.connected:
            raise forms.ValidationError("This organization is already connected.")
        return organization

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        organization = self.cleaned_data.get("organization")
        return name or self.titles.get(organization, organization or "")


class ConnectionRenameForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "A connection needs a name."}
    )


class UserCreateForm(UserCreationForm):
    """A console user: Django's username and password checks, plus a role."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "Optional."
        # The validators' own help is HTML; the field partial shows plain text.
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        self.fields["password2"].help_text = "Type the same password again."


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class OrganizationSwitchForm(forms.Form):
    connection = forms.ModelChoiceField(
        queryset=Connection.objects.all(),
        error_messages={"invalid_choice": "There is no such organization."},
    )
