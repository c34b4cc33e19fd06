"""Forms of the contact pages: a contact, a note, a call, a consent decision, a merge, an
erasure, and the contact list's filters. The rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Call, Channel, Consent, ConsentPurpose, Contact, Language, Organisation

ERROR_UNKNOWN_ORGANISATION = _(
    "No organisation is called “%(value)s” (or has that SIREN/SIRET). Create it first."
)
ERROR_EXTERNAL_ID_FORMAT = _("Write one identifier per line as system:value, e.g. erp:C1234.")

MULTILINE_HELP = _("One per line; the first is the primary one.")


def split_lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


class OrganisationNameField(forms.CharField):
    """An organisation typed by name or SIREN/SIRET (the page suggests names as you type)."""

    def clean(self, value: Any) -> Organisation | None:
        text = super().clean(value)
        if not text:
            return None
        compact = "".join(ch for ch in text if ch.isdigit())
        found = None
        if len(compact) in (9, 14) and compact == text.replace(" ", ""):
            found = Organisation.objects.filter(legal_id=compact).first()
        if found is None:
            found = Organisation.objects.filter(name__iexact=text.strip()).order_by("id").first()
        if found is None:
            raise forms.ValidationError(ERROR_UNKNOWN_ORGANISATION, params={"value": text})
        return found


class ContactForm(forms.Form):
    title = forms.ChoiceField(
        label=_("Title"), choices=[("", "—"), *Contact.Title.choices], required=False
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    organisation = OrganisationNameField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                # Suggestions as you type (htmx fills the <datalist>); plain text otherwise.
                "list": "organisation-suggestions",
                "autocomplete": "off",
                "hx-get": format_lazy("{}?format=datalist", reverse_lazy("crm:organisation_list")),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#organisation-suggestions",
                "hx-swap": "outerHTML",
            }
        ),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    emails = forms.CharField(
        label=_("Email addresses"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=MULTILINE_HELP,
    )  # fmt: skip
    phones = forms.CharField(
        label=_("Phone numbers"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=MULTILINE_HELP,
    )  # fmt: skip
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    preferred_channel = forms.ChoiceField(label=_("Preferred channel"), choices=Channel.choices)
    is_vip = forms.BooleanField(label=_("VIP"), required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separated by commas.")
    )
    address_line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="FR")
    external_ids = forms.CharField(
        label=_("External identifiers"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=ERROR_EXTERNAL_ID_FORMAT,
    )  # fmt: skip

    def clean_external_ids(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for line in self.cleaned_data["external_ids"].splitlines():
            if not line.strip():
                continue
            system, sep, value = line.partition(":")
            if not sep or not system.strip() or not value.strip():
                raise forms.ValidationError(ERROR_EXTERNAL_ID_FORMAT)
            result[system.strip()] = value.strip()
        return result

    @classmethod
    def initial_for(cls, contact: Contact) -> dict[str, Any]:
        return {
            "title": contact.title,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "organisation": contact.organisation.name if contact.organisation else "",
            "job_title": contact.job_title,
            "emails": "\n".join(e.email for e in contact.emails.all()),
            "phones": "\n".join(p.number.as_e164 for p in contact.phones.all()),
            "preferred_language": contact.preferred_language,
            "preferred_channel": contact.preferred_channel,
            "is_vip": contact.is_vip,
            "tags": ", ".join(t.name for t in contact.tags.all()),
            "address_line1": contact.address_line1,
            "postal_code": contact.postal_code,
            "city": contact.city,
            "country": contact.country,
            "external_ids": "\n".join(f"{x.system}:{x.value}" for x in contact.external_ids.all()),
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["emails"] = split_lines(data["emails"])
        data["phones"] = [line.strip() for line in data["phones"].splitlines() if line.strip()]
        data["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("What should the next person know?")}
        ),
    )


class CallForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Call.Direction.choices)
    number = forms.CharField(label=_("Number"), max_length=40, required=False)
    started_at = forms.DateTimeField(
        label=_("Started at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    duration_seconds = forms.IntegerField(label=_("Duration (s)"), min_value=0, max_value=86_400)
    talk_seconds = forms.IntegerField(label=_("Talk (s)"), min_value=0, max_value=86_400, initial=0)
    hold_seconds = forms.IntegerField(label=_("Hold (s)"), min_value=0, max_value=86_400, initial=0)
    after_call_seconds = forms.IntegerField(
        label=_("After-call work (s)"), min_value=0, max_value=86_400, initial=0
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Call.Outcome.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)

    @classmethod
    def initial_for(cls, contact: Contact) -> dict[str, Any]:
        phone = next(iter(contact.phones.all()), None)
        return {
            "direction": Call.Direction.INBOUND,
            "number": phone.number.as_e164 if phone else "",
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "outcome": Call.Outcome.ANSWERED,
            "talk_seconds": 0,
            "hold_seconds": 0,
            "after_call_seconds": 0,
        }


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel or purpose"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Decision"), choices=Consent.Status.choices)
    source = forms.CharField(label=_("Source"), max_length=100, initial=_("phone call"))
    proof = forms.CharField(
        label=_("Proof"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(
        label=_("Duplicate contact number"),
        min_value=1,
        help_text=_("The duplicate's timeline, consents, notes and calls move to this contact."),
    )


class EraseForm(forms.Form):
    confirmation = forms.CharField(label=_("Type the contact's full name"), max_length=250)
    reason = forms.CharField(label=_("Reason (request reference)"), max_length=300, required=False)


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *Language.choices], required=False
    )
    vip = forms.ChoiceField(
        label=_("VIP"),
        required=False,
        choices=[("", _("Any")), ("1", _("VIP only")), ("0", _("Not VIP"))],
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
