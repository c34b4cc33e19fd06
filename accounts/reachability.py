"""When may Relais reach a member of staff? Apps that know (telework: contact hours and the
right to disconnect) register a provider in their AppConfig.ready(); notifications wait
for the next reachable moment and round robin skips people who cannot be reached now.

A provider takes user ids and a moment and returns {user id: when they become reachable}
for the users it holds at that moment (users it does not mention are reachable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

Provider = Callable[[Iterable[int], dt.datetime], dict[int, dt.datetime]]

_providers: dict[str, Provider] = {}


def register_reachability_provider(name: str, provider: Provider) -> None:
    _providers[name] = provider


def unreachable_until(user_ids: Iterable[int], at: dt.datetime) -> dict[int, dt.datetime]:
    """Users who cannot be reached at `at`, with the moment every provider lets them be."""
    ids = list(dict.fromkeys(user_ids))
    held: dict[int, dt.datetime] = {}
    if not ids:
        return held
    for provider in _providers.values():
        for user_id, moment in provider(ids, at).items():
            if moment > at and (user_id not in held or moment > held[user_id]):
                held[user_id] = moment
    return held
