"""The KPI groups' keys as the API shows them, and their labels (names, not ids)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tickets.models import Ticket


def key_out(key: Any) -> Any:
    if isinstance(key, dt.datetime):
        return key.date().isoformat()
    if isinstance(key, dt.date):
        return key.isoformat()
    return key


def group_labels(group_by: str, keys: list[Any]) -> dict[Any, str]:
    from accounts.models import Team, User
    from tickets.models import Queue

    ids = [k for k in keys if k is not None]
    if group_by == "queue":
        return {pk: name for pk, name in Queue.objects.filter(pk__in=ids).values_list("pk", "name")}
    if group_by == "team":
        return {pk: name for pk, name in Team.objects.filter(pk__in=ids).values_list("pk", "name")}
    if group_by == "agent":
        return {u.pk: u.get_full_name() or u.email for u in User.objects.filter(pk__in=ids)}
    if group_by == "channel":
        return {k: str(Ticket.Channel(k).label) for k in ids if k in Ticket.Channel.values}
    return {k: key_out(k) for k in ids}
