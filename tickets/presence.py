"""Who else is on a ticket right now: a colleague viewing it or typing a reply (issue 9).

Stored in the cache, not the database: a presence is a heartbeat every few seconds per
open ticket page, worthless after 30 seconds, and never read for history. One cache entry
per ticket holds {user id: (name, state, time)}; each heartbeat prunes the expired ones and
the entry itself expires with the last heartbeat. Reading the list is one cache get and no
query (the name is stored with the state). Two heartbeats at the same instant may drop one
of them until its next heartbeat (10 s later): acceptable for a hint; the conflict check
on submit stays the guard against lost replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Ticket
from .selectors import visible_queue_ids

TTL_SECONDS = 30
POLL_SECONDS = 10


class State(models.TextChoices):
    VIEWING = "viewing", _("viewing")
    TYPING = "typing", _("typing")


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str
    at: datetime

    @property
    def is_typing(self) -> bool:
        return self.state == State.TYPING


def _key(ticket_id: int) -> str:
    return f"tickets:presence:{ticket_id}"


def _alive(raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    limit = (now - timedelta(seconds=TTL_SECONDS)).timestamp()
    return {uid: entry for uid, entry in raw.items() if entry[2] >= limit}


def presence_ticket_for_user(*, user: Any, pk: int) -> Ticket | None:
    """The ticket (its id only) if the user works its queue, else None: one query."""
    return (
        Ticket.objects.filter(pk=pk, queue_id__in=visible_queue_ids(user=user)).only("pk").first()
    )


def presence_touch(*, ticket_id: int, user: Any, state: str, now: datetime | None = None) -> None:
    """Record that `user` is on the ticket in `state` (viewing or typing)."""
    if state not in State.values:
        raise ValueError(state)
    now = now or timezone.now()
    entries = _alive(cache.get(_key(ticket_id)) or {}, now)
    entries[str(user.pk)] = (str(user), state, now.timestamp())
    cache.set(_key(ticket_id), entries, timeout=TTL_SECONDS)


def presence_for_ticket(
    *, ticket_id: int, exclude_user_id: int | None = None, now: datetime | None = None
) -> list[Presence]:
    """Who is on the ticket (in the last 30 s), typists first, then by name."""
    now = now or timezone.now()
    entries = _alive(cache.get(_key(ticket_id)) or {}, now)
    people = [
        Presence(int(uid), name, state, datetime.fromtimestamp(at, tz=UTC))
        for uid, (name, state, at) in entries.items()
        if int(uid) != exclude_user_id
    ]
    return sorted(people, key=lambda p: (not p.is_typing, p.name))
