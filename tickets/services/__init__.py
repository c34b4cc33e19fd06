"""Every write on the service desk. Views, API, admin actions and tasks call these, so a
rule (a transition, an SLA clock, a lock) is written once.

Each service validates first, writes inside one transaction, records the ticket's own
event and the customer's timeline row there too, and queues mail after commit.

One module per concern; this package re-exports every public service, error and
constant, so `from tickets import services; services.ticket_create(...)` and
`from tickets.services import ERROR_CLOSED` work whatever module holds them:

- `tickets`: open, update, change status, merge, bulk update, auto-close
- `replies`: staff replies and notes, the requester writing again, and
  `customer_message_receive`, the one way in for customers' own messages (email, form)
- `assignment`: assign, take, round robin, agent presence
- `transitions`: which status may follow which, and applying a change
- `sla`: recomputing deadlines (`sla_apply`) and the sweep
- `calendars`: business calendars and public holidays
- `attachments`: checking and storing files
- `macros`, `saved_views`, `helpdesk` (internal IT requests)
- `hooks`: the desk's part of the customer record's merge, erase and export
- `common`: helpers the modules share (row lock, save, history rows); not re-exported
"""

from __future__ import annotations

from .assignment import (
    ERROR_ASSIGNEE_INACTIVE,
    ERROR_ASSIGNEE_OUTSIDE_TEAM,
    auto_assign_queue,
    auto_assign_waiting,
    presence_set,
    ticket_assign,
    ticket_auto_assign,
    ticket_take,
)
from .attachments import (
    ERROR_ATTACHMENT_COUNT,
    ERROR_ATTACHMENT_EMPTY,
    ERROR_ATTACHMENT_TOO_BIG,
    ERROR_ATTACHMENT_TYPE,
    MAX_ATTACHMENTS,
    attachment_sniff,
    attachments_validate,
)
from .calendars import (
    ERROR_CALENDAR_HOURS,
    ERROR_COUNTRY,
    ERROR_TIME_ZONE,
    calendar_create,
    calendar_load_public_holidays,
)
from .common import (
    ERROR_BODY_REQUIRED,
    ERROR_BODY_TOO_LONG,
    ERROR_CLOSED,
    ERROR_STALE,
    ERROR_TOO_MANY_TAGS,
    EXCERPT,
    MAX_BODY_CHARS,
    MAX_TAGS,
    StaleTicketError,
)
from .helpdesk import (
    ERROR_NO_IT_QUEUE,
    it_request_create,
)
from .hooks import (
    contact_erase_hook,
    contact_export_hook,
    contact_merge_hook,
)
from .macros import (
    ANY_PLACEHOLDER,
    ERROR_MACRO_PLACEHOLDER,
    PLACEHOLDER,
    PLACEHOLDERS,
    macro_apply,
    macro_check,
    macro_delete,
    macro_render,
    macro_save,
)
from .replies import (
    ERROR_REPLIED_MEANWHILE,
    ConcurrentReplyError,
    customer_message_receive,
    ticket_customer_message,
    ticket_reply,
)
from .saved_views import (
    ERROR_SAVED_VIEW_NAME,
    ERROR_SAVED_VIEW_TAKEN,
    saved_view_create,
    saved_view_delete,
)
from .sla import (
    NOTIFY_PER_RECIPIENT,
    SLA_FIELDS,
    SweepResult,
    sla_apply,
    sla_forget,
    sla_policy_for,
    sla_sweep,
)
from .tickets import (
    ERROR_CATEGORY_KIND,
    ERROR_CONTACT_INACTIVE,
    ERROR_INACTIVE_QUEUE,
    ERROR_INTERNAL_STAYS_IT,
    ERROR_MERGE_CLOSED,
    ERROR_MERGE_SELF,
    ERROR_ONE_REQUESTER,
    ERROR_REQUESTER_REQUIRED,
    ERROR_STAFF_ONLY_FOR_IT,
    ERROR_SUBJECT_REQUIRED,
    BulkResult,
    requester_errors,
    ticket_change_status,
    ticket_create,
    ticket_merge,
    ticket_update,
    tickets_auto_close,
    tickets_bulk_update,
)
from .transitions import (
    ERROR_TRANSITION,
    TRANSITIONS,
    Status,
    allowed_statuses,
    transition_allowed,
)

__all__ = [
    "ANY_PLACEHOLDER",
    "ERROR_ASSIGNEE_INACTIVE",
    "ERROR_ASSIGNEE_OUTSIDE_TEAM",
    "ERROR_ATTACHMENT_COUNT",
    "ERROR_ATTACHMENT_EMPTY",
    "ERROR_ATTACHMENT_TOO_BIG",
    "ERROR_ATTACHMENT_TYPE",
    "ERROR_BODY_REQUIRED",
    "ERROR_BODY_TOO_LONG",
    "ERROR_CALENDAR_HOURS",
    "ERROR_CATEGORY_KIND",
    "ERROR_CLOSED",
    "ERROR_CONTACT_INACTIVE",
    "ERROR_COUNTRY",
    "ERROR_INACTIVE_QUEUE",
    "ERROR_INTERNAL_STAYS_IT",
    "ERROR_MACRO_PLACEHOLDER",
    "ERROR_MERGE_CLOSED",
    "ERROR_MERGE_SELF",
    "ERROR_NO_IT_QUEUE",
    "ERROR_ONE_REQUESTER",
    "ERROR_REPLIED_MEANWHILE",
    "ERROR_REQUESTER_REQUIRED",
    "ERROR_SAVED_VIEW_NAME",
    "ERROR_SAVED_VIEW_TAKEN",
    "ERROR_STAFF_ONLY_FOR_IT",
    "ERROR_STALE",
    "ERROR_SUBJECT_REQUIRED",
    "ERROR_TIME_ZONE",
    "ERROR_TOO_MANY_TAGS",
    "ERROR_TRANSITION",
    "EXCERPT",
    "MAX_ATTACHMENTS",
    "MAX_BODY_CHARS",
    "MAX_TAGS",
    "NOTIFY_PER_RECIPIENT",
    "PLACEHOLDER",
    "PLACEHOLDERS",
    "SLA_FIELDS",
    "TRANSITIONS",
    "BulkResult",
    "ConcurrentReplyError",
    "StaleTicketError",
    "Status",
    "SweepResult",
    "allowed_statuses",
    "attachment_sniff",
    "attachments_validate",
    "auto_assign_queue",
    "auto_assign_waiting",
    "calendar_create",
    "calendar_load_public_holidays",
    "contact_erase_hook",
    "contact_export_hook",
    "contact_merge_hook",
    "customer_message_receive",
    "it_request_create",
    "macro_apply",
    "macro_check",
    "macro_delete",
    "macro_render",
    "macro_save",
    "presence_set",
    "requester_errors",
    "saved_view_create",
    "saved_view_delete",
    "sla_apply",
    "sla_forget",
    "sla_policy_for",
    "sla_sweep",
    "ticket_assign",
    "ticket_auto_assign",
    "ticket_change_status",
    "ticket_create",
    "ticket_customer_message",
    "ticket_merge",
    "ticket_reply",
    "ticket_take",
    "ticket_update",
    "tickets_auto_close",
    "tickets_bulk_update",
    "transition_allowed",
]
