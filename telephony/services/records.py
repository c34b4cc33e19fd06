"""A call on the customer record: the crm.Call and the timeline row, kept in step.

Written when the call has ended and its caller is a known customer (at the "ended" event,
or later when the agent attaches the customer or a ticket). Later facts (after-call work,
the ticket chosen) update the same two rows: the call is one line on the timeline, not
one per event.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from crm.models import Activity, Call
from crm.services import activity_record

from .. import timeline
from ..models import PhoneCall

_OUTCOMES = {
    PhoneCall.Outcome.ANSWERED: Call.Outcome.ANSWERED,
    PhoneCall.Outcome.ABANDONED: Call.Outcome.ABANDONED,
    PhoneCall.Outcome.VOICEMAIL: Call.Outcome.VOICEMAIL,
}


def _facts(call: PhoneCall) -> dict[str, object]:
    ticket = call.ticket
    return {
        "direction": call.direction,
        "duration_seconds": call.duration_seconds,
        "outcome": call.outcome,
        "dialled": call.dialled_number,
        "line": call.line.label if call.line_id and call.line else "",
        "ticket_id": ticket.pk if ticket else None,
        "ticket_number": ticket.number if ticket else "",
    }


def call_log_on_record(*, call: PhoneCall) -> None:
    """Create or refresh the call's crm.Call and timeline row (inside the caller's
    transaction). Does nothing before the end or without a customer."""
    if call.ended_at is None or call.contact_id is None or not call.outcome:
        return
    duration = call.duration_seconds
    values = {
        "contact_id": call.contact_id,
        "agent_id": call.agent_id,
        "direction": call.direction,
        "number": call.caller_number,
        "started_at": call.offered_at,
        "duration_seconds": duration,
        "talk_seconds": min(call.talk_seconds, duration),
        "hold_seconds": min(call.hold_seconds, duration),
        "after_call_seconds": call.after_call_seconds,
        "outcome": _OUTCOMES[PhoneCall.Outcome(call.outcome)],
        "topic": (f"{call.ticket.number} · {call.ticket.subject}" if call.ticket else "")[:200],
    }
    if call.logged_call_id is None:
        logged = Call.objects.create(**values)
        PhoneCall.objects.filter(pk=call.pk).update(logged_call=logged)
        call.logged_call = logged
        activity_record(
            kind=timeline.PHONE_CALL,
            contact=call.contact,
            actor=call.agent,
            source=call,
            occurred_at=call.offered_at,
            data=_facts(call),
        )
        return
    Call.objects.filter(pk=call.logged_call_id).update(**values)
    activity = (
        Activity.objects.filter(
            source_type=ContentType.objects.get_for_model(PhoneCall),
            source_id=call.pk,
            kind=timeline.PHONE_CALL,
        )
        .only("id", "data", "contact_id")
        .first()
    )
    if activity is None:
        return
    activity.data = _facts(call)
    activity.contact_id = call.contact_id
    activity.summary = timeline.describe_phone_call(activity)[:300]
    activity.save(update_fields=["data", "contact", "summary"])
