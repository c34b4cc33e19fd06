"""GDPR hooks: erase blanks the addresses and notes of a contact's sends, calls and
attributions and keeps the rows (campaign figures keep their counts); export lists them;
merge moves them to the survivor."""

from __future__ import annotations

from typing import Any

from crm.models import Contact

from ..models import Attribution, Recipient, Suppression


def contact_erase_hook(contact: Contact) -> None:
    rows = Recipient.objects.filter(contact=contact)
    emails = [e.lower() for e in rows.exclude(email="").values_list("email", flat=True)]
    emails += [e.email.lower() for e in contact.emails.all()]
    rows.update(email="", phone="", call_note="", error="")
    # A suppressed address is the address itself: it goes with the person.
    Suppression.objects.filter(email__in=emails).delete()


def contact_export_hook(contact: Contact) -> dict[str, Any]:
    sends = Recipient.objects.filter(contact=contact).select_related("campaign")
    return {
        "campaign_recipients": [
            {
                "campaign": r.campaign.name,
                "status": r.status,
                "excluded_because": r.exclusion,
                "email": r.email,
                "phone": r.phone,
                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None,
                "opened_at": r.opened_at.isoformat() if r.opened_at else None,
                "clicked_at": r.clicked_at.isoformat() if r.clicked_at else None,
                "unsubscribed_at": r.unsubscribed_at.isoformat() if r.unsubscribed_at else None,
                "call_outcome": r.outcome,
                "call_note": r.call_note,
            }
            for r in sends[:5000]
        ],
        "campaign_attributions": [
            {"campaign_id": a.campaign_id, "kind": a.kind, "occurred_at": a.occurred_at.isoformat()}
            for a in Attribution.objects.filter(contact=contact)[:5000]
        ],
    }


def contact_merge_hook(duplicate: Contact, survivor: Contact) -> None:
    taken = Recipient.objects.filter(contact=survivor).values("campaign_id")
    Recipient.objects.filter(contact=duplicate).exclude(campaign_id__in=taken).update(
        contact=survivor
    )
    Attribution.objects.filter(contact=duplicate).update(contact=survivor)
