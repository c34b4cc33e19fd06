"""Integration events: what an app announces to the outside world (ticket created, call
ended...). Apps declare their event types and emit them; subscribers (outbound webhooks)
listen. Plumbing only: no app is imported here, so every app may emit.

`emit` is called inside the transaction that made the change; subscribers must defer
their work to `transaction.on_commit` so a rolled-back change announces nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventType:
    code: str  # "ticket.created"
    label: Any  # translated lazily
    app: str


Subscriber = Callable[[str, dict[str, Any]], None]

_types: dict[str, EventType] = {}
_subscribers: dict[str, Subscriber] = {}


def register_event_type(code: str, label: Any, *, app: str) -> None:
    _types[code] = EventType(code=code, label=label, app=app)


def event_types() -> list[EventType]:
    return sorted(_types.values(), key=lambda t: t.code)


def event_choices() -> list[tuple[str, Any]]:
    return [(t.code, t.label) for t in event_types()]


def subscribe(name: str, subscriber: Subscriber) -> None:
    _subscribers[name] = subscriber


def emit(code: str, payload: dict[str, Any]) -> None:
    if code not in _types:
        raise KeyError(f"Unknown event type {code!r}: register it first")
    for subscriber in list(_subscribers.values()):
        subscriber(code, payload)
