"""The personal data telephony holds about a contact, for merge, erase and export.

A call keeps the caller's number and the raw platform events (which repeat it). Erasure
(declared below, run by crm.erasure) blanks both and keeps the call's times and
durations, which feed the KPIs, as crm keeps the durations of its calls.
"""

from __future__ import annotations

from typing import Any

from crm.models import Contact
from crm.registry import PersonalData, register_personal_data

from .models import PhoneCall


def contact_merge_hook(survivor: Contact, duplicate: Contact) -> None:
    PhoneCall.objects.filter(contact=duplicate).update(contact=survivor)


DECLARATIONS = (
    PersonalData(model="telephony.PhoneCall", contact_path="contact", blank=("caller_number",)),
    PersonalData(model="telephony.CallEvent", contact_path="call__contact", blank=("payload",)),
    # Calls the platform reported before (or without) a match to the contact: found by
    # the number they carry.
    PersonalData(model="telephony.PhoneCall", contact_path=None, blank=("caller_number",)),
    PersonalData(model="telephony.CallEvent", contact_path=None, json=("payload",)),
)


def register() -> None:
    register_personal_data(*DECLARATIONS)


def contact_export_hook(contact: Contact) -> dict[str, Any]:
    return {
        "phone_calls": [
            {
                "offered_at": c.offered_at.isoformat(),
                "caller_number": c.caller_number,
                "dialled_number": c.dialled_number,
                "outcome": c.outcome,
                "duration_seconds": c.duration_seconds,
                "ticket": c.ticket.number if c.ticket else None,
            }
            for c in PhoneCall.objects.filter(contact=contact).select_related("ticket")[:10_000]
        ]
    }
