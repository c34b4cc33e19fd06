from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.fields import MultipleFileField

from ..models import WebFormTopic

ERROR_MESSAGE_SHORT = _("Tell us a little more (at least 10 characters).")


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: WebFormTopic) -> str:  # type: ignore[override]
        return obj.label((get_language() or "fr")[:2])


class SupportForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    customer_number = forms.CharField(
        label=_("Customer or contract number (optional)"), max_length=50, required=False
    )
    topic = TopicChoiceField(
        label=_("Topic"), queryset=WebFormTopic.objects.none(), empty_label=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False)
    language = forms.ChoiceField(
        label=_("Language for our answers"), choices=[("fr", "Français"), ("en", "English")]
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = WebFormTopic.objects.filter(  # type: ignore[attr-defined]
            is_active=True, queue__is_active=True
        ).select_related("queue")
        self.fields["language"].initial = (get_language() or "fr")[:2]
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(ERROR_MESSAGE_SHORT)
        return message

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class PortalReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False)
