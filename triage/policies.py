"""The admin's triage policies, cached per process (read for every customer message).

Kept apart from the services so that the model can forget the cache on save without
importing the services (and, through them, the whole desk).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import TriagePolicy

# Policies change rarely and are read for every customer message: cached per process
# for a short while, forgotten at once when one is saved (TriagePolicy.save).
_POLICY_TTL = 30.0
_policies: dict[int | None, TriagePolicy] = {}
_policies_read_at = 0.0


def policy_forget() -> None:
    global _policies_read_at
    _policies_read_at = 0.0


def policy_for(queue_id: int) -> TriagePolicy:
    """The queue's policy, else the default one, else the built-in defaults (unsaved)."""
    from .models import TriagePolicy

    global _policies, _policies_read_at
    now = time.monotonic()
    if now - _policies_read_at > _POLICY_TTL:
        _policies = {p.queue_id: p for p in TriagePolicy.objects.filter(is_active=True)}
        _policies_read_at = now
    return _policies.get(queue_id) or _policies.get(None) or TriagePolicy()
