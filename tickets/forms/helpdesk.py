"""Forms of the internal IT helpdesk as the requester sees it: raising a request and
answering the IT team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.fields import MultipleFileField

from .. import selectors, services
from ..models import Category, Priority, Queue

ATTACHMENTS_HELP = format_lazy(
    _("Up to {count} files: PDF, images, text, office documents or zip."),
    count=services.MAX_ATTACHMENTS,
)


class ITRequestForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        help_text=_("In a few words, e.g. “My headset no longer works”."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("I do not know"),
    )
    priority = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        help_text=_("Urgent: you cannot work at all."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=services.MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens, since when, and what you already tried."),
    )
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENTS_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories_for(kind=Queue.Kind.IT)  # type: ignore[attr-defined]


class RequesterReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=services.MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENTS_HELP)
