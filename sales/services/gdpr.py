"""The customer record's merge, erase and export hooks for opportunities."""

from __future__ import annotations

from typing import Any

from crm.models import Contact
from crm.registry import PersonalData, register_personal_data

from ..models import Opportunity


def contact_merge_hook(survivor: Contact, duplicate: Contact) -> None:
    Opportunity.objects.filter(contact=duplicate).update(contact=survivor)


# Erasure: the words about the person go (need, notes, comments, next steps, event
# texts); stages, amounts and dates stay so that pipeline and KPIs stay right.
DECLARATIONS = (
    PersonalData(
        model="sales.Opportunity",
        contact_path="contact",
        replace=("need",),
        blank=(
            "next_step",
            "lost_note",
            "warning_ack_comment",
            "best_days",
            "best_time_from",
            "best_time_to",
        ),
        scrub_text=("routing_reason",),
    ),
    PersonalData(
        model="sales.OpportunityEvent",
        contact_path="opportunity__contact",
        json=("data",),
        redact_keys=("reason", "comment", "warnings", "note", "need", "next_step"),
    ),
)


def register_personal_data_declarations() -> None:
    register_personal_data(*DECLARATIONS)


def contact_export_hook(contact: Contact) -> dict[str, Any]:
    return {
        "opportunities": [
            {
                "reference": o.reference,
                "flagged_at": o.created_at.isoformat(),
                "product": str(o.product),
                "need": o.need,
                "stage": o.stage,
                "amount": str(o.amount),
                "wants_call": o.wants_call,
                "best_days": o.best_days,
                "best_time_from": o.best_time_from.isoformat() if o.best_time_from else None,
                "best_time_to": o.best_time_to.isoformat() if o.best_time_to else None,
                "next_step": o.next_step,
                "lost_note": o.lost_note,
            }
            for o in Opportunity.objects.filter(contact=contact).select_related("product")
        ]
    }
