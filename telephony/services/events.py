"""Events from the telephony platform: stored once, and the call's fields derived from them.

Platforms retry and sometimes deliver out of order (an "answered" overtaking its
"ringing"). So each event only records its own fact (a time, the agent), and the call's
status, outcome and durations are recomputed from all the facts every time
(`_derive`). The same event delivered twice is refused with `DuplicateEventError` and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import ContactPhone

from .. import events as call_events
from .. import hooks
from ..models import AgentExtension, CallEvent, PhoneCall, PhoneLine
from .records import call_log_on_record

ERROR_DUPLICATE = _("This event was already received for this call: nothing was changed.")
ERROR_UNKNOWN_AGENT = _("Unknown agent: no active user has this extension or login.")
ERROR_AGENT_REQUIRED = _("This event needs the agent (agent_extension or agent_login).")
ERROR_FIRST_EVENT_NUMBERS = _(
    "The first event of a call needs the dialled number (and the caller's, or “anonymous”)."
)
ERROR_EVENT_AFTER_END = _("The call has already ended: “%(event)s” cannot follow.")
ERROR_NUMBER_CHANGED = _("The call's numbers cannot change once the call is known.")

# Events after which the agent is known to be on the call.
AGENT_EVENTS = frozenset({CallEvent.Kind.RINGING, CallEvent.Kind.ANSWERED})
REPEATABLE = frozenset({CallEvent.Kind.HOLD, CallEvent.Kind.UNHOLD, CallEvent.Kind.TRANSFERRED})
# After "ended", only the end of after-call work may still come.
AFTER_END = frozenset({CallEvent.Kind.ENDED, CallEvent.Kind.WRAPUP_END})


class DuplicateEventError(ValidationError):
    def __init__(self) -> None:
        super().__init__(ERROR_DUPLICATE, code="duplicate")


@dataclass(frozen=True)
class EventIn:
    """A validated event (telephony.serializers.EventInSerializer builds it)."""

    kind: str
    call_id: str
    occurred_at: dt.datetime
    direction: str = PhoneCall.Direction.INBOUND
    caller: str | None = None  # E.164, "" when withheld, None when not sent
    dialled: str | None = None
    agent_extension: str = ""
    agent_login: str = ""
    sequence: int | None = None
    reason: str = ""


def agent_resolve(*, extension: str = "", login: str = "") -> User | None:
    """The active user behind an extension or a login (email); None when neither is sent."""
    if not extension and not login:
        return None
    user: User | None = None
    if extension:
        found = (
            AgentExtension.objects.select_related("user")
            .filter(extension=extension, user__is_active=True)
            .first()
        )
        user = found.user if found else None
    if user is None and login:
        user = User.objects.filter(email__iexact=login, is_active=True).first()
    if user is None:
        raise ValidationError({"agent": ERROR_UNKNOWN_AGENT}, code="unknown_agent")
    return user


def caller_match(e164: str) -> tuple[int | None, int]:
    """(contact id when exactly one active customer has this number, how many have it)."""
    if not e164:
        return None, 0
    ids = list(
        ContactPhone.objects.filter(
            number=e164, contact__merged_into__isnull=True, contact__erased_at__isnull=True
        )
        .values_list("contact_id", flat=True)
        .distinct()[:10]
    )
    return (ids[0] if len(ids) == 1 else None), len(ids)


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max(0, int((end - start).total_seconds()))


def _hold(call: PhoneCall, events: list[CallEvent]) -> tuple[int, dt.datetime | None]:
    """Seconds on hold so far and, if the call is on hold now, since when."""
    total = 0
    since: dt.datetime | None = None
    for event in sorted(events, key=lambda e: (e.occurred_at, e.pk or 0)):
        if event.kind == CallEvent.Kind.HOLD and since is None:
            since = event.occurred_at
        elif event.kind == CallEvent.Kind.UNHOLD and since is not None:
            total += _seconds(since, event.occurred_at)
            since = None
    if since is not None and call.ended_at is not None:
        total += _seconds(since, call.ended_at)
        since = None
    return total, since


def _derive(call: PhoneCall, hold_events: list[CallEvent]) -> None:
    """Status, outcome and durations from the recorded times."""
    Status, Outcome = PhoneCall.Status, PhoneCall.Outcome
    call.hold_seconds, call.hold_started_at = _hold(call, hold_events)
    if call.ended_at is not None:
        if call.answered_at is not None:
            call.outcome = Outcome.ANSWERED
            call.status = Status.ENDED if call.wrapup_ended_at else Status.WRAP_UP
        else:
            call.outcome = (
                Outcome.VOICEMAIL if call.end_reason == "voicemail" else Outcome.ABANDONED
            )
            call.status = Status.ENDED
    elif call.answered_at is not None:
        call.status = Status.ON_HOLD if call.hold_started_at else Status.TALKING
    elif call.ringing_at is not None:
        call.status = Status.RINGING
    else:
        call.status = Status.QUEUED
    call.wait_seconds = _seconds(call.offered_at, call.answered_at or call.ended_at)
    talk = _seconds(call.answered_at, call.ended_at) - call.hold_seconds
    call.talk_seconds = max(0, talk) if call.answered_at else 0
    call.after_call_seconds = _seconds(call.ended_at, call.wrapup_ended_at)


def _earliest(current: dt.datetime | None, new: dt.datetime) -> dt.datetime:
    return new if current is None or new < current else current


def _get_or_create_call(event: EventIn) -> tuple[PhoneCall, bool]:
    call = PhoneCall.objects.select_for_update().filter(external_id=event.call_id).first()
    if call is not None:
        return call, False
    if event.dialled is None or event.caller is None:
        raise ValidationError(ERROR_FIRST_EVENT_NUMBERS, code="numbers_required")
    line = PhoneLine.objects.filter(number=event.dialled, is_active=True).first()
    contact_id, matches = caller_match(event.caller)
    call = PhoneCall(
        external_id=event.call_id,
        direction=event.direction,
        caller_number=event.caller,
        dialled_number=event.dialled,
        line=line,
        queue_id=line.queue_id if line else None,
        contact_id=contact_id,
        match_count=matches,
        offered_at=event.occurred_at,
    )
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError:
        # Two first events of the same call at once: the other one created it.
        return PhoneCall.objects.select_for_update().get(external_id=event.call_id), False
    return call, True


def event_receive(*, event: EventIn, payload: dict[str, Any]) -> tuple[PhoneCall, CallEvent]:
    """Record one platform event and update its call. Raises ValidationError (4xx)."""
    agent = agent_resolve(extension=event.agent_extension, login=event.agent_login)
    if event.kind in AGENT_EVENTS and agent is None:
        raise ValidationError({"agent": ERROR_AGENT_REQUIRED}, code="agent_required")
    sequence = event.sequence
    if sequence is None:
        # A repeatable event without a sequence is told apart by its time (ms).
        sequence = int(event.occurred_at.timestamp() * 1000) if event.kind in REPEATABLE else 0
    with transaction.atomic():
        call, created = _get_or_create_call(event)
        if not created:
            if event.dialled is not None and event.dialled != call.dialled_number:
                raise ValidationError({"dialled": ERROR_NUMBER_CHANGED}, code="numbers_changed")
            if CallEvent.objects.filter(call=call, kind=event.kind, sequence=sequence).exists():
                raise DuplicateEventError()
            # Late deliveries of what happened before the end are fine; nothing but the
            # end of after-call work can happen after it.
            if (
                call.ended_at is not None
                and event.kind not in AFTER_END
                and event.occurred_at > call.ended_at
            ):
                raise ValidationError(
                    ERROR_EVENT_AFTER_END % {"event": event.kind}, code="after_end"
                )
        try:
            with transaction.atomic():
                stored = CallEvent.objects.create(
                    call=call,
                    kind=event.kind,
                    sequence=sequence,
                    occurred_at=event.occurred_at,
                    payload=payload,
                )
        except IntegrityError:
            raise DuplicateEventError() from None
        was_ended = call.ended_at is not None
        _apply(call, event, agent)
        hold_events = list(
            CallEvent.objects.filter(
                call=call, kind__in=[CallEvent.Kind.HOLD, CallEvent.Kind.UNHOLD]
            ).only("kind", "occurred_at")
        )
        _derive(call, hold_events)
        call.updated_at = timezone.now()
        call.save()
        if call.ended_at is not None:
            call_log_on_record(call=call)
        if call.ended_at is not None and not was_ended:
            call_events.emit_call_ended(call)
            call_id = call.pk
            transaction.on_commit(lambda: hooks.fire_call_ended(call_id))
    return call, stored


def _apply(call: PhoneCall, event: EventIn, agent: User | None) -> None:
    Kind = CallEvent.Kind
    at = event.occurred_at
    call.offered_at = min(call.offered_at, at)
    if agent is not None and event.kind in (*AGENT_EVENTS, Kind.TRANSFERRED):
        if call.agent_id != agent.pk:
            call.pop_closed_at = None  # a new agent gets the screen pop
        call.agent = agent
    elif agent is not None and call.agent_id is None:
        call.agent = agent
    if event.kind == Kind.RINGING:
        call.ringing_at = _earliest(call.ringing_at, at)
    elif event.kind == Kind.ANSWERED:
        call.answered_at = _earliest(call.answered_at, at)
        call.ringing_at = _earliest(call.ringing_at, at)
    elif event.kind == Kind.ENDED:
        call.ended_at = at
        call.end_reason = event.reason
    elif event.kind == Kind.WRAPUP_END:
        call.wrapup_ended_at = at
