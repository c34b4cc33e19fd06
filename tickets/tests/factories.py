"""Factories and a ready-made desk for the service-desk tests.

`desk()` builds what most tests need through the real services: a 24/7 calendar (SLA
arithmetic is then plain minutes), a service team with an agent and a lead, a queue with
policies. `TicketFactory` writes rows directly for list and query-count tests; use
`services.ticket_create` when a test needs the timeline and events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.models import (
    BusinessCalendar,
    Category,
    Macro,
    Message,
    Priority,
    Queue,
    SlaPolicy,
    Ticket,
)

ALWAYS_OPEN = [(d, dt.time(0, 0), dt.time(23, 59, 59, 999999)) for d in range(7)]
OFFICE_HOURS = [(d, dt.time(9, 0), dt.time(18, 0)) for d in range(5)]


class CalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar

    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "Europe/Paris"
    holiday_country = ""


def calendar(
    *, hours: list[Any] | None = None, name: str | None = None, **kwargs: Any
) -> BusinessCalendar:
    return services.calendar_create(
        name=name or f"Calendar {BusinessCalendar.objects.count() + 1}",
        hours=ALWAYS_OPEN if hours is None else hours,
        holiday_country=kwargs.pop("holiday_country", ""),
        **kwargs,
    )


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Queue {n}")
    team = factory.SubFactory(TeamFactory)
    calendar = factory.LazyFunction(lambda: calendar())


def policy(queue: Queue, priority: int = Priority.NORMAL, first: int = 60, resolution: int = 480,
           warn: int = 30) -> SlaPolicy:  # fmt: skip
    services.sla_forget()
    return SlaPolicy.objects.create(
        queue=queue,
        priority=priority,
        first_response_minutes=first,
        resolution_minutes=resolution,
        warn_before_minutes=warn,
    )


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row (no message, no SLA fields, no timeline)."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Ticket subject {n}")
    queue = factory.SubFactory(QueueFactory)
    contact = factory.SubFactory(ContactFactory)
    team = factory.LazyAttribute(lambda t: t.queue.team)
    status = Ticket.Status.OPEN


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    body_text = factory.Sequence(lambda n: f"Message {n}")
    body_html = factory.LazyAttribute(lambda m: f"<p>{m.body_text}</p>")
    created_at = factory.LazyFunction(timezone.now)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class MacroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Macro

    name = factory.Sequence(lambda n: f"Macro {n}")
    body = "Bonjour {{ contact.first_name }}, votre demande {{ ticket.number }} est traitée."


@dataclass
class Desk:
    team: Team
    lead: User
    agent: User
    other_agent: User
    supervisor: User
    queue: Queue
    outsider: User  # an agent of another team, who must not see this queue
    other_queue: Queue
    it_queue: Queue
    it_agent: User


def desk() -> Desk:
    lead = UserFactory(roles=[Role.AGENT], first_name="Léa", last_name="Chef")
    agent = UserFactory(roles=[Role.AGENT], first_name="Alice", last_name="Agent")
    other_agent = UserFactory(roles=[Role.AGENT], first_name="Bruno", last_name="Agent")
    supervisor = UserFactory(roles=[Role.SUPERVISOR], first_name="Sam", last_name="Superviseur")
    outsider = UserFactory(roles=[Role.AGENT], first_name="Oscar", last_name="Ailleurs")
    it_agent = UserFactory(roles=[Role.IT], first_name="Ines", last_name="Informatique")
    team = TeamFactory(name="Service client", members=[lead, agent, other_agent], lead=lead)
    other_team = TeamFactory(name="Réclamations", members=[outsider])
    it_team = TeamFactory(name="Informatique", kind=Team.Kind.IT, members=[it_agent])
    cal = calendar()
    queue = QueueFactory(name="Service client", team=team, calendar=cal)
    other_queue = QueueFactory(name="Réclamations", team=other_team, calendar=cal)
    it_queue = QueueFactory(name="Support IT", team=it_team, calendar=cal, kind=Queue.Kind.IT)
    for q in (queue, other_queue, it_queue):
        for priority in Priority.values:
            policy(q, priority)
    return Desk(team, lead, agent, other_agent, supervisor, queue, outsider, other_queue,
                it_queue, it_agent)  # fmt: skip


def open_ticket(desk: Desk, **kwargs: Any) -> Ticket:
    """A ticket through the real service (message, SLA, event, timeline)."""
    defaults: dict[str, Any] = {
        "queue": desk.queue,
        "subject": "Ma box ne fonctionne plus",
        "body": "Bonjour, plus d'internet depuis hier soir.",
        "channel": Ticket.Channel.EMAIL,
    }
    defaults.update(kwargs)
    if "contact" not in defaults and "requester_user" not in defaults:
        defaults["contact"] = ContactFactory()
    return services.ticket_create(**defaults)
