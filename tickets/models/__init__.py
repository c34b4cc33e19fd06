"""The service desk: queues, business calendars, SLA policies, tickets and their messages.

Workflows live in `services/`; here are fields, constraints and the indexes the inbox,
the ticket page and the SLA sweep use, one module per concern. Import from here.
"""

from .calendars import (
    BusinessCalendar,
    Holiday,
    OpeningHours,
    Weekday,
)
from .macros import (
    Macro,
    SavedView,
)
from .messages import (
    Attachment,
    Message,
    TicketEvent,
    attachment_path,
)
from .queues import (
    AgentPresence,
    Category,
    Priority,
    Queue,
    SlaPolicy,
)
from .tickets import (
    CHANNEL_ICONS,
    NUMBER_PATTERN,
    Ticket,
)

__all__ = [
    "CHANNEL_ICONS",
    "NUMBER_PATTERN",
    "AgentPresence",
    "Attachment",
    "BusinessCalendar",
    "Category",
    "Holiday",
    "Macro",
    "Message",
    "OpeningHours",
    "Priority",
    "Queue",
    "SavedView",
    "SlaPolicy",
    "Ticket",
    "TicketEvent",
    "Weekday",
    "attachment_path",
]
