"""Telephony's integration events (relais.events): "call.ended", emitted inside the
transaction that recorded a call's end, once per call; subscribers (outbound webhooks)
defer their work to the commit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from relais import events

from .models import PhoneCall

CALL_ENDED = "call.ended"


def register() -> None:
    events.register_event_type(CALL_ENDED, _("Call ended"), app="telephony")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def call_payload(call: PhoneCall) -> dict[str, Any]:
    """What a subscriber learns of a call: ids and figures, no phone number (a webhook
    receiver that needs the customer's details asks the API with its own token)."""
    return {
        "id": call.pk,
        "external_id": call.external_id,
        "direction": call.direction,
        "status": call.status,
        "outcome": call.outcome,
        "end_reason": call.end_reason,
        "queue_id": call.queue_id,
        "line_id": call.line_id,
        "contact_id": call.contact_id,
        "agent_id": call.agent_id,
        "ticket_id": call.ticket_id,
        "offered_at": _iso(call.offered_at),
        "answered_at": _iso(call.answered_at),
        "ended_at": _iso(call.ended_at),
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "hold_seconds": call.hold_seconds,
    }


def emit_call_ended(call: PhoneCall) -> None:
    events.emit(CALL_ENDED, {"call": call_payload(call)})
