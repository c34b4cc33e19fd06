"""The organisation form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Organisation


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separated by commas.")
    )

    class Meta:
        model = Organisation
        fields = [
            "name", "legal_id", "sector", "size", "website", "address_line1", "address_line2",
            "postal_code", "city", "region", "country",
        ]  # fmt: skip

    def service_kwargs(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["tags"] = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        return data
