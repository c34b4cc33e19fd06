"""The ticket lines on the customer's timeline, rendered in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.timeline import ActivityKind

if TYPE_CHECKING:
    from crm.models import Activity

TICKET_CREATED = "ticket_created"
TICKET_REPLIED = "ticket_replied"
TICKET_CUSTOMER_MESSAGE = "ticket_customer_message"
TICKET_STATUS = "ticket_status"
TICKET_RESOLVED = "ticket_resolved"
TICKET_SLA_BREACHED = "ticket_sla_breached"


def _status_label(code: str) -> str:
    from .models import Ticket

    return str(Ticket.Status(code).label)


def _channel_label(code: str) -> str:
    from .models import Ticket

    return str(Ticket.Channel(code).label)


def describe_created(activity: Activity) -> str:
    return gettext("Ticket %(number)s opened (%(channel)s): %(subject)s") % {
        "number": activity.data["number"],
        "channel": _channel_label(activity.data["channel"]),
        "subject": activity.data["subject"],
    }


def describe_replied(activity: Activity) -> str:
    return gettext("Reply on %(number)s: %(excerpt)s") % {
        "number": activity.data["number"],
        "excerpt": activity.data["excerpt"],
    }


def describe_customer_message(activity: Activity) -> str:
    return gettext("Customer wrote on %(number)s: %(excerpt)s") % {
        "number": activity.data["number"],
        "excerpt": activity.data["excerpt"],
    }


def describe_status(activity: Activity) -> str:
    return gettext("%(number)s: %(old)s → %(new)s") % {
        "number": activity.data["number"],
        "old": _status_label(activity.data["old"]),
        "new": _status_label(activity.data["new"]),
    }


def describe_resolved(activity: Activity) -> str:
    return gettext("Ticket %(number)s resolved: %(subject)s") % {
        "number": activity.data["number"],
        "subject": activity.data["subject"],
    }


def describe_breached(activity: Activity) -> str:
    return gettext("SLA breached on %(number)s: %(subject)s") % {
        "number": activity.data["number"],
        "subject": activity.data["subject"],
    }


TICKET_KINDS = [
    ActivityKind(TICKET_CREATED, _("Ticket opened"), "ticket", "tickets:detail", describe_created),
    ActivityKind(TICKET_REPLIED, _("Ticket reply"), "reply", "tickets:detail", describe_replied),
    ActivityKind(TICKET_CUSTOMER_MESSAGE, _("Customer message"), "envelope",
                 "tickets:detail", describe_customer_message),
    ActivityKind(TICKET_STATUS, _("Ticket status"), "arrow-left-right", "tickets:detail",
                 describe_status),
    ActivityKind(TICKET_RESOLVED, _("Ticket resolved"), "check2-circle", "tickets:detail",
                 describe_resolved),
    ActivityKind(TICKET_SLA_BREACHED, _("SLA breached"), "alarm", "tickets:detail",
                 describe_breached),
]  # fmt: skip
