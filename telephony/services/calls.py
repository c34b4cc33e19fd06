"""What the agent does from the screen pop: who the caller is, which ticket the call is
about, and when the call is done with (the end of after-call work)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import Contact
from crm.services import contact_create
from tickets.models import Queue, Ticket
from tickets.selectors import visible_queue_ids
from tickets.services import ticket_create

from ..models import CallEvent, PhoneCall
from .events import _derive
from .records import call_log_on_record

ERROR_NOT_YOUR_CALL = _("This call is not yours.")
ERROR_CONTACT_INACTIVE = _("This customer was merged or erased; choose the record it leads to.")
ERROR_TICKET_OTHER_CUSTOMER = _("This ticket belongs to another customer.")
ERROR_NO_QUEUE = _("Choose the queue for the new ticket.")
ERROR_QUEUE_FORBIDDEN = _("You do not work this queue.")
ERROR_NO_CUSTOMER = _("Say who the caller is first (choose or create the customer).")
ERROR_NOTE_TOO_LONG = _("The call note is too long (at most %(limit)d characters).")

MAX_NOTE_CHARS = 20_000


def _lock(call: PhoneCall) -> PhoneCall:
    return (
        PhoneCall.objects.select_for_update(of=("self",))
        .select_related("contact", "ticket", "line", "queue", "agent")
        .get(pk=call.pk)
    )


def _refresh(call: PhoneCall) -> None:
    hold_events = list(
        CallEvent.objects.filter(
            call=call, kind__in=[CallEvent.Kind.HOLD, CallEvent.Kind.UNHOLD]
        ).only("kind", "occurred_at")
    )
    _derive(call, hold_events)
    call.updated_at = timezone.now()
    call.save()
    call_log_on_record(call=call)


def call_attach_contact(*, call: PhoneCall, contact: Contact, actor: User) -> PhoneCall:
    """The caller is this customer (several share the number, or it was unknown)."""
    if not contact.is_active_record:
        raise ValidationError({"contact": ERROR_CONTACT_INACTIVE})
    with transaction.atomic():
        call = _lock(call)
        if call.ticket_id and call.ticket and call.ticket.contact_id not in (None, contact.pk):
            raise ValidationError({"contact": ERROR_TICKET_OTHER_CUSTOMER})
        if call.contact_id != contact.pk:
            call.contact = contact
            _refresh(call)
    return call


def call_create_contact(
    *, call: PhoneCall, actor: User, last_name: str, first_name: str = ""
) -> Contact:
    """A new customer from an unknown caller, with the caller's number."""
    with transaction.atomic():
        contact = contact_create(
            actor=actor,
            last_name=last_name,
            first_name=first_name,
            phones=[call.caller_number] if call.caller_number else [],
        )
        call_attach_contact(call=call, contact=contact, actor=actor)
    return contact


def call_create_ticket(
    *,
    call: PhoneCall,
    actor: User,
    subject: str,
    note: str,
    queue: Queue | None = None,
) -> Ticket:
    """A ticket about this call: the agent's call note is its first message, in the
    queue of the number the customer dialled unless the agent chose another."""
    queue = queue or call.queue
    errors: dict[str, object] = {}
    if call.contact_id is None:
        errors["contact"] = ERROR_NO_CUSTOMER
    if queue is None:
        errors["queue"] = ERROR_NO_QUEUE
    elif queue.pk not in visible_queue_ids(user=actor):
        errors["queue"] = ERROR_QUEUE_FORBIDDEN
    if len(note or "") > MAX_NOTE_CHARS:
        errors["note"] = ERROR_NOTE_TOO_LONG % {"limit": MAX_NOTE_CHARS}
    if errors:
        raise ValidationError(errors)
    assert queue is not None
    with transaction.atomic():
        call = _lock(call)
        ticket = ticket_create(
            queue=queue,
            subject=subject,
            body=note,
            body_format="markdown",
            channel=Ticket.Channel.PHONE,
            contact=call.contact,
            actor=actor,
            assignee=actor,
        )
        call.ticket = ticket
        _refresh(call)
    return ticket


def call_link_ticket(*, call: PhoneCall, ticket: Ticket, actor: User) -> PhoneCall:
    """The call was about this existing ticket."""
    with transaction.atomic():
        call = _lock(call)
        if call.contact_id is not None and ticket.contact_id not in (None, call.contact_id):
            raise ValidationError({"ticket": ERROR_TICKET_OTHER_CUSTOMER})
        if call.contact_id is None and ticket.contact_id is not None:
            call.contact_id = ticket.contact_id
        call.ticket = ticket
        _refresh(call)
    return call


def call_close_pop(*, call: PhoneCall, actor: User, now: dt.datetime | None = None) -> PhoneCall:
    """The agent is done with the call: the pop closes, after-call work ends now (unless
    the platform already said when it did)."""
    now = now or timezone.now()
    with transaction.atomic():
        call = _lock(call)
        call.pop_closed_at = now
        if call.ended_at is not None and call.wrapup_ended_at is None:
            call.wrapup_ended_at = max(now, call.ended_at)
        _refresh(call)
    return call


def wrapup_sweep(*, now: dt.datetime | None = None) -> int:
    """End after-call work the agent never closed, at the configured maximum, so that a
    forgotten pop does not inflate AHT or keep the agent busy in the live view."""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=int(getattr(settings, "TELEPHONY_WRAPUP_MAX_SECONDS", 600)))
    ids = list(
        PhoneCall.objects.filter(
            status=PhoneCall.Status.WRAP_UP, ended_at__lt=now - limit
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        with transaction.atomic():
            call = (
                PhoneCall.objects.select_for_update(of=("self",))
                .select_related("ticket", "line")
                .get(pk=pk)
            )
            if call.status != PhoneCall.Status.WRAP_UP or call.ended_at is None:
                continue
            call.wrapup_ended_at = call.ended_at + limit
            _refresh(call)
    return len(ids)
