"""telephony's rows for the erase-and-dump test (tests/test_erasure_dump.py): a call
from the person's number matched to the contact (platform events repeating the number and
the name the platform knows), and one the platform reported with no match."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from crm.tests.erasure_activity import identity
from telephony.models import CallEvent, PhoneCall
from telephony.services.events import EventIn, event_receive

DIALLED = "+33170000000"


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    who = identity(contact)
    start = timezone.now() - dt.timedelta(minutes=10)
    for seconds, kind in ((0, CallEvent.Kind.QUEUED), (30, CallEvent.Kind.ENDED)):
        event = EventIn(
            kind=kind,
            call_id="erasure-call-1",
            occurred_at=start + dt.timedelta(seconds=seconds),
            caller=who.phone,
            dialled=DIALLED,
        )
        payload = {
            "event": kind,
            "caller": who.phone,
            "caller_name": who.full_name,
            "note": f"rappeler {who.national}",
        }
        event_receive(event=event, payload=payload)
    call = PhoneCall.objects.get(external_id="erasure-call-1")
    assert call.contact_id == contact.pk
    unmatched = PhoneCall.objects.create(
        external_id="erasure-call-2",
        caller_number=who.phone,
        dialled_number=DIALLED,
        offered_at=start,
        status=PhoneCall.Status.ENDED,
    )
    CallEvent.objects.create(
        call=unmatched,
        kind=CallEvent.Kind.QUEUED,
        occurred_at=start,
        payload={"caller": who.phone, "cli": who.national},
    )
