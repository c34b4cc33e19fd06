"""Writes for telephony: platform events (`events`), the agent's actions on a call
(`calls`) and the call's rows on the customer record (`records`)."""

from __future__ import annotations

from .calls import (
    ERROR_CONTACT_INACTIVE,
    ERROR_NO_CUSTOMER,
    ERROR_NO_QUEUE,
    ERROR_NOT_YOUR_CALL,
    ERROR_QUEUE_FORBIDDEN,
    ERROR_TICKET_OTHER_CUSTOMER,
    call_attach_contact,
    call_close_pop,
    call_create_contact,
    call_create_ticket,
    call_link_ticket,
    wrapup_sweep,
)
from .events import (
    ERROR_AGENT_REQUIRED,
    ERROR_DUPLICATE,
    ERROR_EVENT_AFTER_END,
    ERROR_FIRST_EVENT_NUMBERS,
    ERROR_NUMBER_CHANGED,
    ERROR_UNKNOWN_AGENT,
    DuplicateEventError,
    EventIn,
    agent_resolve,
    caller_match,
    event_receive,
)
from .records import call_log_on_record

__all__ = [
    "ERROR_AGENT_REQUIRED",
    "ERROR_CONTACT_INACTIVE",
    "ERROR_DUPLICATE",
    "ERROR_EVENT_AFTER_END",
    "ERROR_FIRST_EVENT_NUMBERS",
    "ERROR_NOT_YOUR_CALL",
    "ERROR_NO_CUSTOMER",
    "ERROR_NO_QUEUE",
    "ERROR_NUMBER_CHANGED",
    "ERROR_QUEUE_FORBIDDEN",
    "ERROR_TICKET_OTHER_CUSTOMER",
    "ERROR_UNKNOWN_AGENT",
    "DuplicateEventError",
    "EventIn",
    "agent_resolve",
    "call_attach_contact",
    "call_close_pop",
    "call_create_contact",
    "call_create_ticket",
    "call_link_ticket",
    "call_log_on_record",
    "caller_match",
    "event_receive",
    "wrapup_sweep",
]
