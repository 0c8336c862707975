from django import forms

from dashboard.spaces.listing import EDIT_MODES

TITLE_MAX_LENGTH = 50
DEFAULT_LEVELS = ["inherit", "read", "comment", "edit", "review", "create", "admin"]

# Code points that make up emoji: pictographs, symbols, flags, keycaps,
# skin tones, and the joiners and selectors between them.
EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x2190, 0x21FF),
    (0x2900, 0x297F),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x200D, 0x200D),
    (0xFE0E, 0xFE0F),
    (0x20E3, 0x20E3),
    (0xE0020, 0xE007F),
    (0x0023, 0x0023),
    (0x002A, 0x002A),
    (0x0030, 0x0039),
)


def is_emoji(value: str) -> bool:
    """One emoji, possibly several code points (flags, skin tones, families)."""
    if not value or len(value) > 16 or value.isascii():
        return False
    return all(any(low <= ord(char) <= high for low, high in EMOJI_RANGES) for char in value)


class SpaceEditForm(forms.Form):
    """The fields of a space the console edits; only the ones posted are changed."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, required=False, strip=True)
    emoji = forms.CharField(max_length=16, required=False, strip=True)
    edit_mode = forms.ChoiceField(choices=[(m, m) for m in EDIT_MODES], required=False)
    default_level = forms.ChoiceField(choices=[(v, v) for v in DEFAULT_LEVELS], required=False)
    # The space's updatedAt when the form was shown: a different one on save
    # means someone else changed it meanwhile.
    seen_updated_at = forms.CharField(required=False, widget=forms.HiddenInput)

    API_NAMES = {
        "title": "title",
        "emoji": "emoji",
        "edit_mode": "editMode",
        "default_level": "defaultLevel",
    }

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current or {}

    def clean_title(self):
        title = self.cleaned_data["title"]
        if "title" in self.data and not title:
            raise forms.ValidationError("A space needs a title.")
        return title

    def clean_emoji(self):
        emoji = self.cleaned_data["emoji"]
        if emoji and not is_emoji(emoji):
            raise forms.ValidationError("Use a single emoji, such as 📘, or leave it empty.")
        return emoji

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_updated_at")
        now = self.current.get("updatedAt")
        if seen and now and seen != now:
            # Show the form again against the space as it is now.
            self.data = self.data.copy()
            self.data["seen_updated_at"] = now
            raise forms.ValidationError(
                "Someone changed this space since you opened it (its title is now “%(title)s”). "
                "Check your changes and save again.",
                params={"title": self.current.get("title") or ""},
            )
        return cleaned

    def changes(self) -> dict:
        """The posted fields that differ from the space now, as the API names them."""
        changes = {}
        for field, api_name in self.API_NAMES.items():
            if field not in self.data:
                continue
            value = self.cleaned_data[field]
            if field == "emoji" and value == "":
                value = None  # removes the emoji
            if field in ("edit_mode", "default_level") and not value:
                continue
            if value != self.current.get(api_name):
                changes[api_name] = value
        return changes


class SpaceCreateForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH, strip=True)
    emoji = forms.CharField(max_length=16, required=False, strip=True)
    collection = forms.ChoiceField(required=False, choices=[])

    def __init__(self, *args, collections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = [("", "Top level")] + list(collections)

    clean_emoji = SpaceEditForm.clean_emoji


class MoveForm(forms.Form):
    POSITIONS = [("end", "At the end"), ("before", "Before"), ("after", "After")]

    collection = forms.ChoiceField(required=False, choices=[], label="Move to")
    position = forms.ChoiceField(choices=POSITIONS, initial="end")
    sibling = forms.CharField(required=False, max_length=100, label="Next to")

    def __init__(self, *args, collections=(), siblings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = [("", "Top level")] + list(collections)
        self.siblings = siblings

    def clean(self):
        cleaned = super().clean()
        position = cleaned.get("position")
        sibling = cleaned.get("sibling")
        if position in ("before", "after"):
            if not sibling:
                self.add_error("sibling", "Pick the space to place it next to.")
            elif self.siblings is not None and sibling not in self.siblings(
                cleaned.get("collection") or ""
            ):
                self.add_error("sibling", "That space is not in the chosen collection.")
        return cleaned

    def arguments(self) -> dict:
        arguments = {"parent": self.cleaned_data["collection"] or None}
        position = self.cleaned_data["position"]
        if position in ("before", "after"):
            arguments[position] = ["space", self.cleaned_data["sibling"]]
        return arguments


class DeleteForm(forms.Form):
    confirm_title = forms.CharField(required=False, max_length=300, label="Type the title")

    def __init__(self, *args, title: str, must_type_title: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = title
        self.must_type_title = must_type_title

    def clean_confirm_title(self):
        typed = self.cleaned_data["confirm_title"]
        if self.must_type_title and typed.strip() != self.title.strip():
            raise forms.ValidationError("Type the space's title exactly to confirm.")
        return typed


class RestoreByIdForm(forms.Form):
    space_id = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{1,100}$",
        max_length=100,
        label="Space id",
        error_messages={"invalid": "A space id has only letters, digits, - and _."},
    )


class TransferForm(forms.Form):
    organization = forms.ChoiceField(choices=[], label="To organization")

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = list(organizations)
