"""Consent, notes and calls on a contact."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import timeline
from ..models import (
    Call,
    Consent,
    Contact,
    Note,
)
from ..search import (
    parse_phone,
)
from .common import (
    CALLS_START_YEAR,
    ERROR_CALL_DURATIONS,
    ERROR_CALL_IN_FUTURE,
    ERROR_CALL_TOO_OLD,
    ERROR_INACTIVE_CONTACT,
    ERROR_INVALID_PHONE,
    ERROR_NOTE_EMPTY,
    activity_record,
)


# --- Consent, notes, calls --------------------------------------------------------------
def consent_record(
    *,
    contact: Contact,
    channel: str,
    status: str,
    source: str,
    proof: str = "",
    actor: User | None,
    recorded_at: datetime | None = None,
) -> Consent:
    """Record a consent decision. History is never rewritten: withdrawing adds a row."""
    _require_active(contact)
    consent = Consent(
        contact=contact,
        channel=channel,
        status=status,
        source=source.strip(),
        proof=proof.strip(),
        recorded_by=actor,
        recorded_at=recorded_at or timezone.now(),
    )
    consent.full_clean()
    with transaction.atomic():
        consent.save()
        activity_record(
            kind=timeline.CONSENT,
            contact=contact,
            actor=actor,
            source=consent,
            occurred_at=consent.recorded_at,
            data={"channel": consent.channel, "status": consent.status, "source": consent.source},
        )
    return consent


def _require_active(contact: Contact) -> None:
    if not contact.is_active_record:
        raise ValidationError(ERROR_INACTIVE_CONTACT)


def note_add(*, contact: Contact, author: User | None, body: str) -> Note:
    _require_active(contact)
    body = body.strip()
    if not body:
        raise ValidationError({"body": ERROR_NOTE_EMPTY})
    note = Note(contact=contact, author=author, body=body)
    note.full_clean()
    with transaction.atomic():
        note.save()
        activity_record(
            kind=timeline.NOTE,
            summary=body.replace("\n", " ")[:300],
            contact=contact,
            actor=author,
            source=note,
            occurred_at=note.created_at,
        )
    return note


def call_log(
    *,
    contact: Contact,
    agent: User | None,
    direction: str,
    started_at: datetime,
    duration_seconds: int,
    outcome: str,
    number: str = "",
    talk_seconds: int = 0,
    hold_seconds: int = 0,
    after_call_seconds: int = 0,
    topic: str = "",
) -> Call:
    _require_active(contact)
    errors: dict[str, Any] = {}
    e164 = ""
    if number and number.strip():
        e164 = parse_phone(number, strict=True) or ""
        if not e164:
            errors["number"] = [ERROR_INVALID_PHONE % {"value": number}]
    if started_at > timezone.now() + timedelta(minutes=5):
        errors["started_at"] = [ERROR_CALL_IN_FUTURE]
    elif started_at.year < CALLS_START_YEAR:
        errors["started_at"] = [ERROR_CALL_TOO_OLD % {"year": CALLS_START_YEAR}]
    call = Call(
        contact=contact,
        agent=agent,
        direction=direction,
        number=e164,
        started_at=started_at,
        duration_seconds=duration_seconds,
        talk_seconds=talk_seconds,
        hold_seconds=hold_seconds,
        after_call_seconds=after_call_seconds,
        outcome=outcome,
        topic=topic.strip(),
    )
    # The durations rule first: it names the field, where the database constraint that
    # backs it would only give a generic message.
    durations_ok = talk_seconds <= duration_seconds and hold_seconds <= duration_seconds
    if not durations_ok:
        errors["talk_seconds"] = [ERROR_CALL_DURATIONS]
    try:
        call.full_clean(validate_constraints=durations_ok)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        call.save()
        activity_record(
            kind=timeline.CALL,
            contact=contact,
            actor=agent,
            source=call,
            occurred_at=started_at,
            data={
                "direction": call.direction,
                "duration_seconds": call.duration_seconds,
                "outcome": call.outcome,
                "topic": call.topic,
            },
        )
    return call
