"""Campaign rows mentioning the contact's identifiers (tests/test_erasure_dump.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from campaigns.models import Campaign, DeliveryEvent, Recipient, Suppression


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    email = contact.emails.values_list("email", flat=True).first() or ""
    phone = str(contact.phones.values_list("number", flat=True).first() or "")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Erasure campaign",
        channel="mixed",
        owner=staff.get("marketing") or staff["admin"],
        starts_on=today,
        ends_on=today + timedelta(days=1),
        status="running",
    )
    recipient = Recipient.objects.create(
        campaign=campaign,
        contact=contact,
        email=email,
        phone=phone,
        status="sent",
        sent_at=timezone.now(),
        outcome="call_back",
        call_note=f"Rappeler {contact.first_name} {contact.last_name} au {phone} ({email})",
        error=f"550 {email} unknown",
    )
    DeliveryEvent.objects.create(recipient=recipient, kind="delivered", event_id="erasure-1")
    if email:
        Suppression.objects.get_or_create(email=email.lower(), defaults={"reason": "bounced"})
