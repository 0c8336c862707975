from django import forms


class AuditFilterForm(forms.Form):
    """The audit log's filters; a value that does not parse is ignored, not an error."""

    user = forms.CharField(required=False, max_length=150)
    space = forms.CharField(required=False, max_length=300)
    action = forms.CharField(required=False, max_length=50)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
