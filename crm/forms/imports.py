"""The CSV upload form (the file's checks are crm.imports')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportJob


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=ImportJob.Kind.choices,
        initial=ImportJob.Kind.CONTACTS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Comma- or semicolon-separated, UTF-8 or Windows (Excel) encoding, the first "
            "line naming the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )
