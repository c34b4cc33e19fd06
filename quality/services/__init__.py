"""Supervision's writes, one module per concern:

- `live`: presence history, and the supervisor's actions from the live view (which call
  the desk's own services);
- `rota`: the agents' scheduled shifts (create, update, delete, copy a week).
"""

from __future__ import annotations

from .live import (
    BULK_LIMIT,
    ERROR_NO_TICKETS,
    ERROR_TOO_MANY,
    agent_set_away,
    presence_span_record,
    tickets_reassign,
)
from .rota import (
    ERROR_BREAK,
    ERROR_ENDS_BEFORE,
    ERROR_NOT_MEMBER,
    ERROR_OVERLAP,
    ERROR_QUEUE_TEAM,
    ERROR_TOO_LONG,
    MAX_SHIFT_HOURS,
    shift_check,
    shift_create,
    shift_delete,
    shift_update,
    shifts_copy_week,
)

__all__ = [
    "BULK_LIMIT",
    "ERROR_BREAK",
    "ERROR_ENDS_BEFORE",
    "ERROR_NOT_MEMBER",
    "ERROR_NO_TICKETS",
    "ERROR_OVERLAP",
    "ERROR_QUEUE_TEAM",
    "ERROR_TOO_LONG",
    "ERROR_TOO_MANY",
    "MAX_SHIFT_HOURS",
    "agent_set_away",
    "presence_span_record",
    "shift_check",
    "shift_create",
    "shift_delete",
    "shift_update",
    "shifts_copy_week",
    "tickets_reassign",
]
