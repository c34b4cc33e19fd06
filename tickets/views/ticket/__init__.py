"""One ticket, as the agent works it: the page, its conversation, the reply box, the
properties panel, take / merge / next, macros, attachments, and logging a new ticket.

Each write is form -> service -> redirect (or, for htmx, the page's fragment again). The
services decide every rule; their ValidationErrors come back on the forms.

One module per group of pages; `__init__` re-exports the views (`tickets/urls.py` routes
to `ticket.ticket_detail`...) and the messages tests compare with.

- `common`: what the ticket's views share: the messages, the desk ticket lookup, the reply
  box and the page's context.
- `page`: the ticket page and its message list.
- `replies`: replies, notes and the macro preview.
- `actions`: properties, take, merge and next.
- `create`: logging a ticket (phone, counter, post).
- `attachments`: attachment downloads, after the permission check.
"""

from .actions import ticket_merge, ticket_next, ticket_properties, ticket_take
from .attachments import attachment_download
from .common import (
    CUSTOMER_TIMELINE_ROWS,
    ERROR_BAD_POSITION,
    ERROR_MACRO_GONE,
    ERROR_MERGE_TARGET,
    TEMPLATE,
)
from .create import ticket_create
from .page import ticket_detail, ticket_messages
from .replies import macro_preview, ticket_reply

__all__ = [
    "CUSTOMER_TIMELINE_ROWS",
    "ERROR_BAD_POSITION",
    "ERROR_MACRO_GONE",
    "ERROR_MERGE_TARGET",
    "TEMPLATE",
    "attachment_download",
    "macro_preview",
    "ticket_create",
    "ticket_detail",
    "ticket_merge",
    "ticket_messages",
    "ticket_next",
    "ticket_properties",
    "ticket_reply",
    "ticket_take",
]
