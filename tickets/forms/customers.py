"""The inline "create a new customer" of "Log a ticket" (tickets/views/customers.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_EMAIL_OR_PHONE = _("Give an email address or a phone number.")


class QuickContactForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.errors:
            raise ValidationError(ERROR_EMAIL_OR_PHONE)
        return data
