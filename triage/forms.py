from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    negative = forms.BooleanField(label=_("Negative"), required=False)
    angry = forms.BooleanField(label=_("Angry"), required=False)
    note = forms.CharField(
        label=_("Why (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
