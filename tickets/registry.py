"""What later apps plug into the service desk, without tickets importing them.

One module for every plug point, so that a newcomer finds them in one place:

- Customer message hooks: called by the services, inside their transaction, each time a
  message from a customer is stored (the first message of a ticket opened for a
  customer, by any channel: email, web form, call note, API; and every later message from
  them). Emotion triage scores the message here and may raise the ticket's priority or
  move it, through the tickets services. A hook returns True when it changed the ticket
  (the caller reads it again).
- Public reply hooks: called inside the transaction on every public staff reply
  (channels emails it to the customer after commit).
- Resolution hooks: called with (ticket, actor) inside the transaction that resolves a
  ticket (telework marks the equipment of a provisioning ticket as delivered). A hook
  must be idempotent: a ticket reopened and resolved again calls it again.
- Message extras: fragments under a message on the ticket page (the email's sender and
  recipients, "show original", a failed delivery with "retry"; triage's score and the
  words that triggered it). A loader receives the page's messages and the request at
  once and answers {message id: context} in a bounded number of queries.
- Reply hints: one line above the reply box ("the reply goes out from ...").
- Ticket actions and panels: buttons in the ticket's header ("Flag an opportunity", the
  ticket's id in the query string; with `dialog`, htmx opens them in the page's dialog
  and the link still works without JavaScript) and boxes in the side column, shown on
  tickets with a customer. A panel's context runs a bounded number of queries and
  returns {} when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Message, Ticket

# --- Hooks called by the services ------------------------------------------------------

CustomerMessageHook = Callable[["Message"], bool]
PublicReplyHook = Callable[["Message"], None]
ResolutionHook = Callable[[Any, Any], None]
# (user, old status or "", new status, moment): supervision keeps the presence history.
PresenceHook = Callable[[Any, str, str, Any], None]

_customer_message_hooks: dict[str, CustomerMessageHook] = {}
_public_reply_hooks: dict[str, PublicReplyHook] = {}
_resolution_hooks: dict[str, ResolutionHook] = {}


def register_customer_message_hook(name: str, hook: CustomerMessageHook) -> None:
    _customer_message_hooks[name] = hook


def customer_message_received(message: Message) -> bool:
    """Run every customer message hook; True when one of them changed the ticket."""
    changed = False
    for hook in list(_customer_message_hooks.values()):
        changed = bool(hook(message)) or changed
    return changed


def register_public_reply_hook(name: str, hook: PublicReplyHook) -> None:
    _public_reply_hooks[name] = hook


def public_reply_hooks() -> list[PublicReplyHook]:
    return list(_public_reply_hooks.values())


def register_resolution_hook(name: str, hook: ResolutionHook) -> None:
    _resolution_hooks[name] = hook


def resolution_hooks() -> list[ResolutionHook]:
    return list(_resolution_hooks.values())


# --- What the ticket page shows from other apps ----------------------------------------

ReplyHint = Callable[["Ticket"], str]
MessageLoader = Callable[[Sequence["Message"], "HttpRequest"], dict[int, dict[str, Any]]]


@dataclass(frozen=True)
class MessageExtra:
    key: str
    template: str
    loader: MessageLoader
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


@dataclass(frozen=True)
class TicketAction:
    key: str
    label: Any
    url_name: str
    icon: str = "plus-lg"
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50
    dialog: bool = True

    def url_for(self, ticket_id: int) -> str:
        return f"{reverse(self.url_name)}?ticket={ticket_id}"


@dataclass(frozen=True)
class TicketPanel:
    key: str
    title: Any
    template: str
    context: Callable[[Ticket, HttpRequest], dict[str, Any]]
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


_message_extras: dict[str, MessageExtra] = {}
_reply_hints: dict[str, ReplyHint] = {}
_actions: dict[str, TicketAction] = {}
_panels: dict[str, TicketPanel] = {}


def register_message_extra(extra: MessageExtra) -> None:
    _message_extras[extra.key] = extra


def message_extras() -> list[MessageExtra]:
    return sorted(_message_extras.values(), key=lambda e: (e.order, e.key))


def register_reply_hint(name: str, hint: ReplyHint) -> None:
    _reply_hints[name] = hint


def reply_hints(ticket: Ticket) -> list[str]:
    return [text for hint in _reply_hints.values() if (text := hint(ticket))]


def register_ticket_action(action: TicketAction) -> None:
    _actions[action.key] = action


def ticket_actions() -> list[TicketAction]:
    return sorted(_actions.values(), key=lambda a: (a.order, a.key))


def register_ticket_panel(panel: TicketPanel) -> None:
    _panels[panel.key] = panel


def ticket_panels() -> list[TicketPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


_presence_hooks: dict[str, PresenceHook] = {}


def register_presence_hook(name: str, hook: PresenceHook) -> None:
    """Called inside presence_set's transaction whenever an agent's presence changes."""
    _presence_hooks[name] = hook


def presence_hooks() -> list[PresenceHook]:
    return list(_presence_hooks.values())
