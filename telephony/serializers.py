"""Input and output of the telephony API, kept apart."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import CallEvent, PhoneCall
from .numbers import is_withheld, to_e164
from .services import EventIn

ERROR_NOT_A_NUMBER = _("“%(value)s” is not a phone number.")
ERROR_CALL_ID = _("A call id is 1 to 100 characters: letters, digits and . _ : @ - only.")
ERROR_IN_FUTURE = _("The event cannot be in the future (check the platform's clock).")
ERROR_TOO_OLD = _("The event is more than 7 days old.")
ERROR_SEQUENCE = _("The sequence is a whole number from 0 to 2^53.")

CALL_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,100}$")
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_AGE = dt.timedelta(days=7)


class _PhoneField(serializers.CharField):
    """A number in any format, read into E.164; `allow_withheld` accepts "anonymous"."""

    def __init__(self, *, allow_withheld: bool = False, **kwargs: Any) -> None:
        self.allow_withheld = allow_withheld
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("allow_blank", allow_withheld)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        if self.allow_withheld and is_withheld(text):
            return ""
        e164 = to_e164(text)
        if e164 is None:
            raise serializers.ValidationError(ERROR_NOT_A_NUMBER % {"value": text[:40]})
        return e164


class EventInSerializer(serializers.Serializer[Any]):
    event = serializers.ChoiceField(choices=CallEvent.Kind.choices)
    call_id = serializers.CharField(max_length=100)
    occurred_at = serializers.DateTimeField(
        help_text=_("When it happened on the platform (ISO 8601 with a time zone).")
    )
    direction = serializers.ChoiceField(
        choices=PhoneCall.Direction.choices, default=PhoneCall.Direction.INBOUND
    )
    caller = _PhoneField(
        allow_withheld=True,
        required=False,
        help_text=_("The caller's number in any format, or “anonymous” when withheld."),
    )
    dialled = _PhoneField(required=False, help_text=_("The number the customer dialled."))
    agent_extension = serializers.CharField(max_length=20, required=False, allow_blank=True)
    agent_login = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    sequence = serializers.IntegerField(
        min_value=0, max_value=2**53, required=False, help_text=_("Orders repeated events.")
    )
    reason = serializers.ChoiceField(
        choices=[
            ("caller_hangup", "caller_hangup"),
            ("agent_hangup", "agent_hangup"),
            ("timeout", "timeout"),
            ("voicemail", "voicemail"),
            ("transferred", "transferred"),
            ("error", "error"),
        ],
        required=False,
    )

    def validate_call_id(self, value: str) -> str:
        if not CALL_ID.match(value):
            raise serializers.ValidationError(ERROR_CALL_ID)
        return value

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        now = timezone.now()
        if value > now + CLOCK_SKEW:
            raise serializers.ValidationError(ERROR_IN_FUTURE)
        if value < now - MAX_AGE:
            raise serializers.ValidationError(ERROR_TOO_OLD)
        return value

    def to_event(self) -> EventIn:
        data = self.validated_data
        return EventIn(
            kind=data["event"],
            call_id=data["call_id"],
            occurred_at=data["occurred_at"],
            direction=data["direction"],
            caller=data.get("caller"),
            dialled=data.get("dialled"),
            agent_extension=data.get("agent_extension", "").strip(),
            agent_login=data.get("agent_login", "").strip(),
            sequence=data.get("sequence"),
            reason=data.get("reason", ""),
        )


class EventOutSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    call = serializers.IntegerField()
    call_status = serializers.CharField()
    contact = serializers.IntegerField(allow_null=True)


class LookupInSerializer(serializers.Serializer[Any]):
    number = _PhoneField(help_text=_("The number to look up, in any format."))


class MatchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    is_vip = serializers.BooleanField()
    open_tickets = serializers.IntegerField(source="open_ticket_count")
    url = serializers.SerializerMethodField()

    def get_url(self, contact: Any) -> str:
        request = self.context.get("request")
        path = str(contact.get_absolute_url())
        return request.build_absolute_uri(path) if request else path


class LookupOutSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    count = serializers.IntegerField()
    matches = MatchSerializer(many=True)


class PhoneCallSerializer(serializers.ModelSerializer[PhoneCall]):
    duration_seconds = serializers.IntegerField(read_only=True)
    handling_seconds = serializers.IntegerField(read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", default=None, read_only=True)

    class Meta:
        model = PhoneCall
        fields = [
            "id",
            "external_id",
            "direction",
            "caller_number",
            "dialled_number",
            "line",
            "queue",
            "contact",
            "match_count",
            "agent",
            "status",
            "outcome",
            "end_reason",
            "offered_at",
            "ringing_at",
            "answered_at",
            "ended_at",
            "wrapup_ended_at",
            "wait_seconds",
            "talk_seconds",
            "hold_seconds",
            "after_call_seconds",
            "duration_seconds",
            "handling_seconds",
            "ticket",
            "ticket_number",
        ]
        read_only_fields = fields


class CallFilterSerializer(serializers.Serializer[Any]):
    queue = serializers.IntegerField(required=False, min_value=1)
    agent = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=PhoneCall.Status.choices, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
