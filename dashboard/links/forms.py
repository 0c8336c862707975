from django import forms
from django.core.validators import validate_email

from dashboard.links.models import LinkHealthSettings
from dashboard.links.reports import RANKING_SORTS, SORTS, ReportQuery
from dashboard.links.targets import KINDS


class ReportFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search targets")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *KINDS.items()])
    page = forms.CharField(required=False, max_length=100, label="On page")
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("occurrences", "Most occurrences"),
            ("newest", "Newest first seen"),
            ("oldest", "Oldest first seen"),
            ("target", "Target A–Z"),
        ],
    )
    show = forms.ChoiceField(
        required=False, choices=[("", "Broken links"), ("ignored", "Ignored targets")]
    )
    number = forms.IntegerField(required=False, min_value=1)

    def to_query(self) -> ReportQuery:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or "occurrences"
        return ReportQuery(
            sort=sort if sort in SORTS else "occurrences",
            kind=data.get("kind") or "",
            page_id=(data.get("page") or "").strip(),
            q=(data.get("q") or "").strip(),
            ignored=data.get("show") == "ignored",
            number=data.get("number") or 1,
        )


class RankingForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    sort = forms.ChoiceField(required=False, choices=[(name, name) for name in RANKING_SORTS])
    number = forms.IntegerField(required=False, min_value=1)

    def values(self) -> tuple[str, str, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return (data.get("q") or "").strip(), data.get("sort") or "broken", data.get("number") or 1


class IgnoreForm(forms.Form):
    scan = forms.IntegerField()
    target = forms.CharField(max_length=40)
    reason = forms.CharField(
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "Why is this fine?"}),
        error_messages={"required": "Say why this target can stay broken."},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why this target can stay broken.")
        return reason


class UnignoreForm(forms.Form):
    scan = forms.IntegerField()
    target = forms.CharField(max_length=40)


class SettingsForm(forms.ModelForm):
    webhook_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Webhook URL",
        help_text="Receives a JSON summary (POST) when broken links go up.",
    )

    class Meta:
        model = LinkHealthSettings
        fields = ["schedule", "alert_emails", "webhook_url"]
        labels = {
            "schedule": "Scan the organization",
            "alert_emails": "E-mail when broken links go up",
        }
        help_texts = {
            "alert_emails": "Addresses separated by commas.",
        }
        widgets = {"alert_emails": forms.TextInput()}

    def clean_alert_emails(self) -> str:
        addresses = [
            part.strip()
            for part in self.cleaned_data["alert_emails"].replace(";", ",").split(",")
            if part.strip()
        ]
        for address in addresses:
            validate_email(address)
        return ", ".join(addresses)

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"].strip()
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("The webhook must be an http or https URL.")
        return url
