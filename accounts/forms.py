from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .identity import normalise_email
from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "Wrong email address or password. After several failures the account is "
            "locked for a while."
        ),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        # Before authenticate(): django-axes and the address limit see the same identity.
        return normalise_email(self.cleaned_data["username"])


class PasswordResetRequestForm(forms.Form):
    """The email to send a reset link to. Whether it names an account is never shown."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)


class NotificationEmailsForm(forms.Form):
    notification_emails = forms.BooleanField(
        label=User._meta.get_field("notification_emails").verbose_name,
        help_text=User._meta.get_field("notification_emails").help_text,
        required=False,
    )


class TokenActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("rotate", _("Create a new token")), ("revoke", _("Revoke the token"))]
    )


def apply_service_errors(
    form: forms.Form, exc: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on a form: on its fields where they exist (after
    `rename`, for services whose argument names differ from the form's), else on top.
    Views in every app share it, so a service's rule reads the same everywhere."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = rename.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
