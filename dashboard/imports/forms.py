from collections.abc import Callable

from django import forms

from dashboard.imports.models import ImportRun
from dashboard.imports.sources import (
    MAX_TITLE_LENGTH,
    ListedSite,
    ListTooLong,
    SourceRefused,
    check_source_url,
    read_site_list,
)

MAX_BATCH = 500
MAX_UPLOAD_BYTES = 1_000_000
ID_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"
ID_MESSAGE = "An id has only letters, digits, - and _."

URL_HELP = "An http:// or https:// address. GitBook does not import from internal or private hosts."
FAKE_URL_HELP = " This organization is the fake GitBook, so sites on 127.0.0.1 are allowed."


class ImportForm(forms.Form):
    TARGETS = [("new", "A new space"), ("existing", "An existing space")]

    url = forms.CharField(
        label="Website address",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    target = forms.ChoiceField(
        label="Import into", choices=TARGETS, initial="new", widget=forms.RadioSelect
    )
    new_title = forms.CharField(
        label="New space title", required=False, max_length=MAX_TITLE_LENGTH
    )
    new_collection = forms.ChoiceField(label="In collection", required=False, choices=[])
    space = forms.CharField(label="Space", required=False, max_length=100)
    space_query = forms.CharField(label="Find a space", required=False, max_length=100)
    change_request = forms.RegexField(
        label="Change request id (optional)",
        regex=ID_PATTERN,
        required=False,
        error_messages={"invalid": ID_MESSAGE},
    )
    page = forms.RegexField(
        label="Page id (optional)",
        regex=ID_PATTERN,
        required=False,
        error_messages={"invalid": ID_MESSAGE},
    )
    enhance = forms.BooleanField(
        label="Enhance the imported content (GitBook's AI clean-up)", required=False, initial=True
    )

    def __init__(
        self,
        *args,
        collections=(),
        allow_loopback: bool = False,
        find_space: Callable[[str], dict | None] = lambda space_id: None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["new_collection"].choices = [("", "Top level")] + list(collections)
        self.fields["url"].help_text = URL_HELP + (FAKE_URL_HELP if allow_loopback else "")
        self.allow_loopback = allow_loopback
        self.find_space = find_space
        self.space_row: dict | None = None

    def clean_url(self) -> str:
        try:
            return check_source_url(self.cleaned_data["url"], allow_loopback=self.allow_loopback)
        except SourceRefused as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == "new":
            cleaned["new_title"] = (cleaned.get("new_title") or "").strip()
            if not cleaned["new_title"]:
                self.add_error("new_title", "Give the new space a title.")
            for name in ("change_request", "page"):
                if cleaned.get(name):
                    self.add_error(name, "A new space has no change requests or pages yet.")
        elif cleaned.get("target") == "existing":
            space_id = (cleaned.get("space") or "").strip()
            self.space_row = self.find_space(space_id) if space_id else None
            if not space_id:
                self.add_error("space", "Pick the space to import into.")
            elif self.space_row is None:
                self.add_error("space", "There is no such space in this organization.")
        return cleaned


class BulkImportForm(forms.Form):
    urls = forms.CharField(
        label="Websites, one per line (or CSV: url,title,collection)",
        required=False,
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    file = forms.FileField(label="Or upload a list (.txt or .csv)", required=False)
    collection = forms.ChoiceField(
        label="Put the new spaces in", required=False, choices=[], help_text=""
    )
    enhance = forms.BooleanField(label="Enhance the imported content", required=False, initial=True)

    def __init__(self, *args, collections=(), allow_loopback: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.collections = list(collections)
        self.fields["collection"].choices = [("", "Top level")] + self.collections
        self.fields[
            "collection"
        ].help_text = "Unless a CSV row names another collection (by title or id)."
        self.fields["urls"].help_text = (
            "Each website goes into a new space. "
            + URL_HELP
            + (FAKE_URL_HELP if allow_loopback else "")
        )
        self.allow_loopback = allow_loopback
        self.sites: list[ListedSite] = []

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        text = "\n".join(part for part in (cleaned.get("urls"), cleaned.get("file")) if part)
        if not text.strip():
            raise forms.ValidationError("Paste the websites to import, or choose a file.")
        try:
            sites = read_site_list(
                text,
                allow_loopback=self.allow_loopback,
                collections=self.collections,
                default_collection=cleaned.get("collection") or "",
                limit=MAX_BATCH,
            )
        except ListTooLong as exc:
            raise forms.ValidationError(
                f"At most {MAX_BATCH} websites at a time; this list has {exc.count}."
            ) from None
        if not sites:
            raise forms.ValidationError("The list has no website in it.")
        self.sites = sites
        return cleaned


class ImportFilterForm(forms.Form):
    STATUSES = [("", "Any status"), ("active", "Running")] + list(ImportRun.Status.choices)

    status = forms.ChoiceField(required=False, choices=STATUSES)
    space = forms.CharField(required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> dict:
        """The filters that parse; the others are ignored rather than refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "space": (data.get("space") or "").strip(),
            "page": data.get("page") or 1,
        }
