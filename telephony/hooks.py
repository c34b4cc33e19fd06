"""What other apps plug into calls, without telephony importing them.

- Call ended: called after the transaction that recorded the "ended" event commits,
  once per call, with the call's id (outbound webhooks send "call.ended" from here).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

CallEndedHook = Callable[[int], None]
_call_ended: dict[str, CallEndedHook] = {}


def register_call_ended_hook(name: str, hook: CallEndedHook) -> None:
    _call_ended[name] = hook


def call_ended_hooks() -> list[CallEndedHook]:
    return list(_call_ended.values())


def fire_call_ended(call_id: int) -> None:
    for name, hook in list(_call_ended.items()):
        try:
            hook(call_id)
        except Exception:
            # A subscriber's failure must not fail the platform's request: it already
            # committed, and the platform would retry an event we have stored.
            logger.exception("call ended hook %s failed for call %s", name, call_id)
