"""Forms of the sales pages. They check shape (lengths, choices, ids that resolve); the
rules (consent, routing, allowed moves, the service warning, versions) are the services'
and come back as their ValidationErrors, shown on the same fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Queue

from .models import MAX_AMOUNT, LostReason, Product, Stage, Urgency

WEEKDAYS = [
    ("0", _("Mon")),
    ("1", _("Tue")),
    ("2", _("Wed")),
    ("3", _("Thu")),
    ("4", _("Fri")),
    ("5", _("Sat")),
    ("6", _("Sun")),
]
ERROR_UNKNOWN_PRODUCT = _("Choose a product from the list.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def amount_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Estimated value (EUR)"),
        min_value=0,
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        localize=True,
        **kwargs,
    )


class FlagForm(forms.Form):
    need = forms.CharField(
        label=_("Need"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the customer wants, in their words."),
    )
    product = forms.ModelChoiceField(
        label=_("Product or offer of interest"),
        queryset=Product.objects.filter(is_active=True),
        error_messages={"invalid_choice": ERROR_UNKNOWN_PRODUCT},
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    amount = amount_field(required=False, initial=0)
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DateInput()
    )
    wants_call = forms.BooleanField(
        label=_("The customer asks to be called"), required=False, initial=True
    )
    record_call_consent = forms.BooleanField(
        label=_("The customer agrees to be called by sales (record their consent)"),
        required=False,
    )
    best_days = forms.MultipleChoiceField(
        label=_("Best days to call"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    best_time_from = forms.TimeField(label=_("From"), required=False, widget=TimeInput())
    best_time_to = forms.TimeField(label=_("To"), required=False, widget=TimeInput())
    # Where it came from (hidden: the dialog was opened from that page).
    contact = forms.IntegerField(widget=forms.HiddenInput)
    ticket = forms.IntegerField(widget=forms.HiddenInput, required=False)
    call = forms.IntegerField(widget=forms.HiddenInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "need": data["need"],
            "product": data["product"],
            "urgency": data["urgency"],
            "amount": data["amount"] if data["amount"] is not None else 0,
            "expected_close_date": data["expected_close_date"],
            "wants_call": data["wants_call"],
            "record_call_consent": data["record_call_consent"],
            "best_days": data["best_days"],
            "best_time_from": data["best_time_from"],
            "best_time_to": data["best_time_to"],
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MoveForm(VersionForm):
    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"),
        queryset=LostReason.objects.filter(is_active=True),
        required=False,
    )
    lost_note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # Offer the allowed moves; any stage still validates so the service explains.
            self.fields["stage"].widget.choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in Stage.choices if value in allowed
            ]


class AcknowledgeForm(VersionForm):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What will be done about the service issue before the pitch."),
    )


class HandBackForm(VersionForm):
    reason = forms.CharField(label=_("Why do you hand it back?"), max_length=300)


class ReassignForm(VersionForm):
    rep = forms.ModelChoiceField(label=_("Give it to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, reps: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reps is not None:
            self.fields["rep"].queryset = reps  # type: ignore[attr-defined]


class EditForm(VersionForm):
    amount = amount_field()
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Empty: the stage's default."),
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DateInput()
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_due_at = forms.DateTimeField(
        label=_("Next step due"), required=False, widget=DateTimeInput()
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)

    @classmethod
    def initial_for(cls, opportunity: Any) -> dict[str, Any]:
        return {
            "version": opportunity.version,
            "amount": opportunity.amount,
            "probability": opportunity.probability if opportunity.probability_overridden else None,
            "expected_close_date": opportunity.expected_close_date,
            "next_step": opportunity.next_step,
            "next_step_due_at": opportunity.next_step_due_at,
            "urgency": opportunity.urgency,
        }


class OnboardingForm(forms.Form):
    queue = forms.ModelChoiceField(
        label=_("Service queue"),
        queryset=Queue.objects.filter(is_active=True, kind=Queue.Kind.SERVICE),
    )


SORT_CHOICES = [
    ("updated", _("Recently changed")),
    ("created", _("Newest flags")),
    ("-created", _("Oldest flags")),
    ("amount", _("Largest amount")),
    ("-amount", _("Smallest amount")),
    ("close", _("Closing soonest")),
    ("-close", _("Closing latest")),
    ("probability", _("Most likely")),
    ("stage", _("Stage")),
]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    stage = forms.MultipleChoiceField(label=_("Stage"), choices=Stage.choices, required=False)
    owner = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none(), required=False)
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), required=False
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", "—"), *Urgency.choices], required=False
    )
    close_from = forms.DateField(label=_("Closing from"), required=False, widget=DateInput())
    close_to = forms.DateField(label=_("Closing until"), required=False, widget=DateInput())
    amount_min = forms.DecimalField(
        label=_("Amount from"), required=False, min_value=0, max_value=MAX_AMOUNT, localize=True
    )
    amount_max = forms.DecimalField(
        label=_("Amount up to"), required=False, min_value=0, max_value=MAX_AMOUNT, localize=True
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, reps: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reps is not None:
            self.fields["owner"].queryset = reps  # type: ignore[attr-defined]


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=60)
    query = forms.CharField(widget=forms.HiddenInput, max_length=500, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    group_by = forms.ChoiceField(
        label=_("By"),
        required=False,
        choices=[
            ("agent", _("Flagging agent")),
            ("team", _("Flagging team")),
            ("rep", _("Rep")),
            ("month", _("Month")),
        ],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period must not be before its start."))
            elif (end - start) > dt.timedelta(days=3 * 366):
                self.add_error("end", _("A period is at most three years."))
        return data
