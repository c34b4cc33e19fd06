"""The admin of the service desk.

Configuration (calendars, queues, SLA policies, categories, macros) is edited here; the
caches of business schedules and SLA policies are dropped after each edit. Tickets are
created and changed through the services, so transitions, SLA clocks, events and the
customer's timeline stay right; messages, attachments and events are written by the
services only.

One module per concern, each registering its models; `__init__` imports them all (Django's
admin autodiscovery imports `tickets.admin`) and re-exports their names.

- `common`: what every ticket admin shares: the messages, the read-only admin, the acting
  user.
- `calendars`: business calendars, opening hours and public holidays.
- `queues`: queues, SLA policies, categories and agents' presence.
- `tickets`: tickets, created and changed through the services.
- `records`: messages, attachments, events and presence: written by the services only,
  read here.
- `macros`: macros and saved views.
"""

from .calendars import (
    BusinessCalendarAdmin,
    BusinessCalendarForm,
    CalendarPartAdmin,
    HolidayAdmin,
    HolidayInline,
    OpeningHoursAdmin,
    OpeningHoursInline,
)
from .common import (
    ERROR_STATUS_REFUSED,
    MESSAGE_HOLIDAYS_LOADED,
    MESSAGE_STATUS_CHANGED,
    ReadOnlyAdmin,
)
from .macros import MacroAdmin, MacroForm, SavedViewAdmin
from .queues import AgentPresenceAdmin, CategoryAdmin, QueueAdmin, SlaPolicyAdmin
from .records import AttachmentAdmin, AttachmentInline, MessageAdmin, TicketEventAdmin
from .tickets import (
    EDITABLE_FIELDS,
    RECORD_FIELDS,
    SLA_FIELDS,
    TicketAddForm,
    TicketAdmin,
    TicketChangeForm,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ERROR_STATUS_REFUSED",
    "MESSAGE_HOLIDAYS_LOADED",
    "MESSAGE_STATUS_CHANGED",
    "RECORD_FIELDS",
    "SLA_FIELDS",
    "AgentPresenceAdmin",
    "AttachmentAdmin",
    "AttachmentInline",
    "BusinessCalendarAdmin",
    "BusinessCalendarForm",
    "CalendarPartAdmin",
    "CategoryAdmin",
    "HolidayAdmin",
    "HolidayInline",
    "MacroAdmin",
    "MacroForm",
    "MessageAdmin",
    "OpeningHoursAdmin",
    "OpeningHoursInline",
    "QueueAdmin",
    "ReadOnlyAdmin",
    "SavedViewAdmin",
    "SlaPolicyAdmin",
    "TicketAddForm",
    "TicketAdmin",
    "TicketChangeForm",
    "TicketEventAdmin",
]
