"""A small rota world: two teams, each with its supervisor and agents, and a queue each
(team A has a second queue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from tickets.models import Queue
from tickets.tests.factories import QueueFactory

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 11, 16)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of November 2026, Paris time."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


@dataclass
class Rota:
    supervisor: Any
    agent: Any
    agent2: Any
    team: Any
    queue: Queue
    queue2: Queue
    other_supervisor: Any
    other_agent: Any
    other_team: Any
    other_queue: Queue
    admin: Any


def build_rota() -> Rota:
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    agent = UserFactory(roles=[Role.AGENT], first_name="Camille")
    agent2 = UserFactory(roles=[Role.AGENT], first_name="Lou")
    team = TeamFactory(name="Service client", members=[agent, agent2])
    team.lead = supervisor
    team.save()
    other_supervisor = UserFactory(roles=[Role.SUPERVISOR])
    other_agent = UserFactory(roles=[Role.AGENT])
    other_team = TeamFactory(name="Recouvrement", members=[other_supervisor, other_agent])
    return Rota(
        supervisor=supervisor,
        agent=agent,
        agent2=agent2,
        team=team,
        queue=QueueFactory(name="Clients", team=team),
        queue2=QueueFactory(name="Réclamations", team=team),
        other_supervisor=other_supervisor,
        other_agent=other_agent,
        other_team=other_team,
        other_queue=QueueFactory(name="Impayés", team=other_team),
        admin=UserFactory(roles=[Role.ADMIN]),
    )
