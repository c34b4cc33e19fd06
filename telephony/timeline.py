"""The call line on the customer's timeline, rendered in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.timeline import ActivityKind

if TYPE_CHECKING:
    from crm.models import Activity

PHONE_CALL = "phone_call"


def describe_phone_call(activity: Activity) -> str:
    from .models import PhoneCall

    data = activity.data
    minutes, seconds = divmod(int(data["duration_seconds"]), 60)
    if data["direction"] == PhoneCall.Direction.OUTBOUND:
        sentence = gettext("Outbound call, %(minutes)d min %(seconds)02d s, %(outcome)s")
    else:
        sentence = gettext("Inbound call, %(minutes)d min %(seconds)02d s, %(outcome)s")
    text = sentence % {
        "minutes": minutes,
        "seconds": seconds,
        "outcome": str(PhoneCall.Outcome(data["outcome"]).label).lower(),
    }
    if data.get("line"):
        text += " · " + gettext("line %(line)s") % {"line": data["line"]}
    if data.get("ticket_number"):
        text += " · " + gettext("ticket %(number)s") % {"number": data["ticket_number"]}
    return text


TELEPHONY_KINDS = [
    ActivityKind(
        PHONE_CALL,
        _("Phone call"),
        "telephone-inbound",
        "telephony:call_detail",
        describe_phone_call,
    ),
]
