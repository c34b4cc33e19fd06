"""Telework forms. They check shape and type; the rules are the services' (their errors
come back on the form through accounts.forms.apply_service_errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Team, User

from .models import (
    Absence,
    Agreement,
    AssetKind,
    Assignment,
    CallUp,
    ContinuityActivation,
    LegalEntity,
    ReserveMember,
)

WORKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]
ALL_DAYS = [*WORKDAYS, (5, _("Saturday")), (6, _("Sunday"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TermsForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Telework days"),
        choices=WORKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    days_per_month = forms.IntegerField(
        label=_("Days per month (occasional)"), min_value=1, max_value=23, required=False
    )
    rhythm = forms.CharField(
        label=_("Rhythm (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. “every other Friday” or “during school holidays”."),
    )
    address = forms.CharField(
        label=_("Place of telework"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The work-accident presumption applies at this address."),
    )
    work_accident_place = forms.BooleanField(
        label=_("This is where I work (work-accident presumption)"), required=False, initial=True
    )
    contact_starts_at = forms.TimeField(label=_("Contact hours from"), widget=TIME, required=False)
    contact_ends_at = forms.TimeField(label=_("Contact hours until"), widget=TIME, required=False)


class RequestForm(TermsForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Agreement.Kind.REGULAR, Agreement.Kind.REGULAR.label),
            (Agreement.Kind.OCCASIONAL, Agreement.Kind.OCCASIONAL.label),
        ],
        initial=Agreement.Kind.REGULAR,
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date (optional)"), widget=DATE, required=False)
    field_order = ["kind", "start_date", "end_date", "weekdays", "days_per_month"]


class ProposeForm(RequestForm):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=User.objects.none())
    field_order = ["employee", "kind", "start_date", "end_date", "weekdays", "days_per_month"]

    def __init__(self, *args: Any, employees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = (
            employees if employees is not None else User.objects.none()
        )  # type: ignore[attr-defined]


class AmendForm(TermsForm):
    effective_from = forms.DateField(label=_("In force from"), widget=DATE)
    change_note = forms.CharField(
        label=_("What changes, and why"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignForm(forms.Form):
    version_number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=32000)
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    accept = forms.BooleanField(label=_("I have read this text and I accept it."))


class EndForm(forms.Form):
    return_to_office_on = forms.DateField(label=_("Back at the office on"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Answer"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemCompleteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    document = forms.FileField(label=_("Document (PDF, PNG, JPEG)"), required=False)


class ImposeForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=User.objects.none())
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("Until"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    address = forms.CharField(label=_("Place (optional)"), max_length=500, required=False)

    def __init__(self, *args: Any, employees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = (
            employees if employees is not None else User.objects.none()
        )  # type: ignore[attr-defined]


class AllowanceForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    entity = forms.ModelChoiceField(
        label=_("Legal entity"), queryset=LegalEntity.objects.order_by("name")
    )


class DeclarationForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label=_("Days teleworked"), coerce=str, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = choices or []  # type: ignore[attr-defined]


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssetKind.choices)
    label = forms.CharField(label=_("Model"), max_length=200)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100)
    cost = forms.DecimalField(
        label=_("Cost (EUR)"), max_digits=9, decimal_places=2, min_value=0, required=False
    )
    purchased_on = forms.DateField(label=_("Purchased on"), widget=DATE, required=False)
    warranty_until = forms.DateField(label=_("Warranty until"), widget=DATE, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"), queryset=User.objects.filter(is_active=True)
    )
    delivered = forms.BooleanField(label=_("Handed over now"), required=False)


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition found"),
        choices=[c for c in Assignment.Condition.choices if c[0] != Assignment.Condition.UNCHECKED],
    )
    power_supply = forms.BooleanField(label=_("Power supply"), required=False)
    cables = forms.BooleanField(label=_("Cables"), required=False)
    bag = forms.BooleanField(label=_("Bag or case"), required=False)
    accessories = forms.BooleanField(label=_("Accessories"), required=False)
    data_wiped = forms.BooleanField(label=_("Data wiped"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)


class AcknowledgeForm(forms.Form):
    rules_hash = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    accept = forms.BooleanField(label=_("I have read the IT usage rules and I accept them."))


class PurchaseForm(forms.Form):
    description = forms.CharField(label=_("What"), max_length=200)
    estimated_amount = forms.DecimalField(
        label=_("Estimated (EUR)"), max_digits=8, decimal_places=2, min_value=0
    )


class ClaimForm(forms.Form):
    purchased_on = forms.DateField(label=_("Bought on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), max_digits=8, decimal_places=2, min_value=0
    )


class ContinuityForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=pgettext_lazy("team scope", "Everyone eligible"),
    )
    reason_kind = forms.ChoiceField(
        label=_("Circumstance"), choices=ContinuityActivation.Reason.choices
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)


class ReserveMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ReserveMember.Category.choices)
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    home_team = forms.ModelChoiceField(
        label=_("Usual team"), queryset=Team.objects.order_by("name"), required=False
    )
    skills = forms.CharField(label=_("Skills (comma-separated)"), max_length=500, required=False)
    languages = forms.CharField(
        label=_("Languages (comma-separated)"), max_length=200, required=False
    )
    consent = forms.BooleanField(label=_("Consent recorded"), required=False)
    consent_note = forms.CharField(label=_("How consent was given"), max_length=300, required=False)
    last_training_on = forms.DateField(label=_("Last training"), widget=DATE, required=False)
    availability = forms.ChoiceField(
        label=_("Availability"), choices=ReserveMember.Availability.choices
    )
    availability_note = forms.CharField(
        label=_("Availability details"), max_length=300, required=False
    )


class CallUpForm(forms.Form):
    needed_from = forms.DateField(label=_("Needed from"), widget=DATE)
    needed_until = forms.DateField(label=_("Needed until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CallUpAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[c for c in CallUp.Answer.choices if c[0] != CallUp.Answer.PENDING],
    )
    note = forms.CharField(label=_("Details"), max_length=300, required=False)


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Absence.Kind.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
