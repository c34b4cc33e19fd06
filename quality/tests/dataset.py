"""The hand-built week with known answers (see test_kpis.py for the arithmetic).

Week of Monday 9 November 2026 in Europe/Paris (UTC+1): the desk opens Monday to Friday
09:00-18:00; Wednesday 11 November is a public holiday. Policy (normal priority): first
response within 60 business minutes, resolution within 480.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm.tests.factories import ContactFactory
from telephony.models import PhoneCall
from tickets.models import Holiday, Priority, Queue, Ticket, TicketEvent
from tickets.tests.factories import (
    OFFICE_HOURS,
    CategoryFactory,
    QueueFactory,
    TicketFactory,
    calendar,
    policy,
)

from ..kpis.facts import facts_refresh
from ..models import PresenceSpan

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of November 2026, Paris time."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


@dataclass
class Week:
    queue: Queue
    other_queue: Queue
    agent: Any
    supervisor: Any
    team: Any
    tickets: dict[str, Ticket] = field(default_factory=dict)


def _ticket(
    queue: Queue, created: dt.datetime, steps: list[tuple[dt.datetime, str, str]], **fields: Any
) -> Ticket:
    status = steps[-1][2] if steps else fields.pop("status", Ticket.Status.OPEN)
    ticket = TicketFactory(
        queue=queue, created_at=created, updated_at=created, status=status, **fields
    )
    for occurred_at, old, new in steps:
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.STATUS,
            occurred_at=occurred_at,
            data={"old": old, "new": new},
        )
    return ticket


def build_week() -> Week:
    agent = UserFactory(roles=[Role.AGENT])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    team = TeamFactory(name="Équipe KPI", members=[agent, supervisor], lead=supervisor)
    cal = calendar(hours=OFFICE_HOURS)
    Holiday.objects.create(calendar=cal, date=dt.date(2026, 11, 11), name="Armistice")
    queue = QueueFactory(name="File KPI", team=team, calendar=cal)
    other_queue = QueueFactory(name="Autre file", team=team, calendar=cal)
    for q in (queue, other_queue):
        policy(q, Priority.NORMAL, first=60, resolution=480)
    week = Week(queue, other_queue, agent, supervisor, team)
    N, OP, P, R = "new", "open", "pending_customer", "resolved"
    topic = CategoryFactory(name="Facturation")
    c7 = ContactFactory()
    t = week.tickets
    # T1: a pause waiting on the customer, Monday 11:00 -> Tuesday 10:00.
    t["T1"] = _ticket(
        queue,
        at(9, 10),
        [(at(9, 10, 30), N, OP), (at(9, 11), OP, P), (at(10, 10), P, OP), (at(10, 12, 30), OP, R)],
        first_response_at=at(9, 10, 30),
        resolved_at=at(10, 12, 30),
        assignee=agent,
    )
    # T2: over the weekend (Friday 17:00 -> Monday).
    t["T2"] = _ticket(
        queue,
        at(13, 17),
        [(at(16, 9, 30), N, OP), (at(16, 11), OP, R)],
        first_response_at=at(16, 9, 30),
        resolved_at=at(16, 11),
    )
    # T3: over the public holiday (Tuesday 16:00 -> Thursday).
    t["T3"] = _ticket(
        queue,
        at(10, 16),
        [(at(12, 9, 30), N, OP), (at(12, 10), OP, R)],
        first_response_at=at(12, 9, 30),
        resolved_at=at(12, 10),
    )
    # T4: resolved, reopened by the customer the next day, resolved again.
    t["T4"] = _ticket(
        queue,
        at(9, 9),
        [
            (at(9, 9, 15), N, OP),
            (at(9, 10), OP, R),
            (at(10, 9, 30), R, OP),
            (at(10, 10, 30), OP, R),
        ],
        first_response_at=at(9, 9, 15),
        resolved_at=at(10, 10, 30),
        reopened_count=1,
    )
    # T5: a duplicate merged into T1: counted nowhere.
    t["T5"] = _ticket(
        queue, at(9, 11), [], status=Ticket.Status.CLOSED, merged_into=t["T1"], closed_at=at(9, 12)
    )
    # T6: opened in the other queue, moved to this one: counts here only.
    t["T6"] = _ticket(
        queue,
        at(9, 14),
        [(at(9, 14, 20), N, OP), (at(9, 15), OP, R)],
        first_response_at=at(9, 14, 20),
        resolved_at=at(9, 15),
    )
    TicketEvent.objects.create(
        ticket=t["T6"],
        kind=TicketEvent.Kind.QUEUE,
        occurred_at=at(9, 14, 10),
        data={"old": other_queue.name, "new": queue.name},
    )
    # T7 and T8: the same customer, same topic, four days apart: T7 is not FCR (7 days).
    t["T7"] = _ticket(
        queue,
        at(12, 9),
        [(at(12, 9, 10), N, OP), (at(12, 10), OP, R)],
        first_response_at=at(12, 9, 10),
        resolved_at=at(12, 10),
        contact=c7,
        category=topic,
    )
    t["T8"] = _ticket(queue, at(16, 10), [], status=Ticket.Status.OPEN, contact=c7, category=topic)
    facts_refresh(ticket_ids=[x.pk for x in t.values()])

    def call(n: int, **kw: Any) -> PhoneCall:
        kw.setdefault("queue", queue)
        kw.setdefault("offered_at", at(9, 10, n))
        kw.setdefault("status", PhoneCall.Status.ENDED)
        return PhoneCall.objects.create(
            external_id=f"kpi-{queue.pk}-{n}", dialled_number="+33100000000", **kw
        )

    answered = PhoneCall.Outcome.ANSWERED
    call(
        1,
        outcome=answered,
        agent=agent,
        answered_at=at(9, 10, 1),
        wait_seconds=10,
        talk_seconds=200,
        hold_seconds=20,
        after_call_seconds=30,
    )
    call(
        2,
        outcome=answered,
        agent=agent,
        answered_at=at(9, 10, 2),
        wait_seconds=30,
        talk_seconds=100,
        after_call_seconds=50,
    )
    call(3, outcome=PhoneCall.Outcome.ABANDONED, wait_seconds=3)
    call(4, outcome=PhoneCall.Outcome.ABANDONED, wait_seconds=12)
    call(
        5,
        outcome=answered,
        agent=agent,
        answered_at=at(9, 10, 5),
        wait_seconds=20,
        talk_seconds=90,
        after_call_seconds=10,
    )
    call(6, outcome=PhoneCall.Outcome.VOICEMAIL, wait_seconds=60)
    call(
        7,
        outcome="",
        agent=agent,
        answered_at=at(9, 10, 7),
        wait_seconds=5,
        status=PhoneCall.Status.TALKING,
    )
    call(
        8,
        direction=PhoneCall.Direction.OUTBOUND,
        agent=agent,
        answered_at=at(9, 10, 8),
        talk_seconds=500,
        outcome=answered,
    )
    for status, start, end in (
        ("available", at(9, 9), at(9, 12)),
        ("away", at(9, 12), at(9, 13)),
        ("busy", at(9, 13), at(9, 14)),
    ):
        PresenceSpan.objects.create(user=agent, status=status, started_at=start, ended_at=end)
    return week
