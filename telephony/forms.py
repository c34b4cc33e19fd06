from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Queue
from tickets.selectors import visible_queue_ids

from .services.calls import MAX_NOTE_CHARS


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")


class PopTicketForm(_Styled):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    note = forms.CharField(
        label=_("Call note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_NOTE_CHARS,
        help_text=_("What the customer said: the ticket's first message."),
    )
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].widget.attrs["class"] = "form-select form-select-sm"
        field = self.fields["queue"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Queue.objects.filter(
            pk__in=visible_queue_ids(user=user), is_active=True, kind=Queue.Kind.SERVICE
        ).order_by("name")


class PopContactForm(_Styled):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)


class PickForm(forms.Form):
    """The customer or the ticket the agent picked in the pop (an id)."""

    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
