"""The choices the ticket page offers that do not change per request (queues, categories,
the people a queue's tickets may be given to), cached across requests and processes.

Every key carries a *generation*, a token in the shared cache that any change to what
the choices are made of replaces (signals below: queues and their teams, categories,
teams and their members, users, roles): a new generation, new keys, the old entries
are never read again and expire. The cache holds labels and ids only, never a decision:
which queues a user may choose is still filtered per request by
`selectors.visible_queue_ids` (their own teams, read fresh), and the services check
every assignment, so a choice offered from a stale entry is refused with its message.
Issue 10: these three lists were four queries and a quarter of the properties form.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import Team, User

from .models import Category, Queue
from .permissions import TICKETS_ASSIGNABLE

GENERATION_KEY = "tickets:choices:generation"
TIMEOUT = 60 * 60  # an entry lives an hour at most, whatever happens
# Saving only these fields of a user changes nothing offered (every login saves last_login).
HARMLESS_USER_FIELDS = frozenset({"last_login", "password"})

T = TypeVar("T")


def generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY) or ""
    return str(token)


def invalidate() -> None:
    """A new generation: every cached choice is read again from the database."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _cached(name: str, load: Callable[[], T]) -> T:
    key = f"tickets:choices:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TIMEOUT)
    return value  # type: ignore[no-any-return]


def queue_choices(*, queue_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(pk, name) of the given queues, by name: the user's own list is the caller's
    (`visible_queue_ids`), the names come from the cache."""
    every = _cached(
        "queues", lambda: list(Queue.objects.order_by("name", "pk").values_list("pk", "name"))
    )
    wanted = set(queue_ids)
    return [(pk, name) for pk, name in every if pk in wanted]


def category_choices(*, kind: str) -> list[tuple[int, str]]:
    return _cached(
        f"categories:{kind}",
        lambda: list(
            Category.objects.filter(queue_kind=kind).order_by("name").values_list("pk", "name")
        ),
    )


def assignable_choices(*, queue_id: int) -> list[tuple[int, str]]:
    """(pk, label) of who a queue's tickets may be given to: active desk staff of the team
    working it or of a team it is shared with (`selectors.assignable_users`)."""

    def load() -> list[tuple[int, str]]:
        team_id = Queue.objects.filter(pk=queue_id).values_list("team_id", flat=True).first()
        people = (
            User.objects.filter(is_active=True)
            .filter(Q(teams=team_id) | Q(teams__visible_queues=queue_id))
            .filter(groups__name__in=TICKETS_ASSIGNABLE)
            .distinct()
            .order_by("first_name", "last_name", "pk")
        )
        return [(user.pk, user.get_full_name() or user.email) for user in people]

    return _cached(f"assignable:{queue_id}", load)


def _on_change(sender: Any, **kwargs: Any) -> None:
    invalidate()


def _on_user_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= HARMLESS_USER_FIELDS:
        return
    invalidate()


def connect() -> None:
    """Called once from TicketsConfig.ready()."""
    for model in (Queue, Category, Team, Group):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"tickets-choices-{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"tickets-choices-d-{model}")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="tickets-choices-user")
    post_delete.connect(_on_change, sender=User, dispatch_uid="tickets-choices-user-d")
    for through in (Team.members.through, Queue.visible_to.through, User.groups.through):
        m2m_changed.connect(_on_change, sender=through, dispatch_uid=f"tickets-choices-{through}")
