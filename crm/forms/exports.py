"""The contact export's form: the contact list's filters and the format."""

from __future__ import annotations

from django import forms

from ..models import Language


class ContactExportForm(forms.Form):
    """The contact list's filters (same names as its query string) and the format."""

    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False)
    q = forms.CharField(required=False, max_length=200)
    organisation = forms.IntegerField(required=False, min_value=1)
    tag = forms.CharField(required=False, max_length=50)
    owner = forms.IntegerField(required=False, min_value=1)
    mine = forms.BooleanField(required=False)
    vip = forms.ChoiceField(choices=[("", ""), ("1", "1"), ("0", "0")], required=False)
    language = forms.ChoiceField(choices=[("", ""), *Language.choices], required=False)
