"""Supervision's demo data: a month of phone history on the queues with lines, the
agents' presence on working days, thresholds, shrinkage, the ticket facts, and a rota
for this week and the next (so the staffing plan shows gaps and surpluses)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.demo import DemoContext
from accounts.models import User
from telephony.models import PhoneCall
from tickets.models import Queue, Ticket

from .kpis.facts import facts_refresh
from .models import KpiSettings, PresenceSpan, QueueThreshold, Shift, ShrinkageFactor

DAYS = 30


def seed_rota(ctx: DemoContext) -> int:
    """Weekdays of this week and the next: each member of a phone queue's team on an
    early (08:00-16:00) or late (10:00-18:00) shift with a 45-minute break, one of them
    off each day, so that the busy half hours come out short and the quiet ones over.
    The shifts follow the rota's rules by construction (members, no overlap, 8 h)."""
    if Shift.objects.exists():
        return 0
    rng = ctx.rng
    zone = timezone.get_current_timezone()
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    teams = {q.team for q in Queue.objects.filter(phone_lines__isnull=False).select_related("team")}
    shifts: list[Shift] = []
    for team in sorted(teams, key=lambda t: t.pk):
        members = list(team.members.filter(is_active=True).order_by("pk"))
        for offset in range(14):
            day = monday + dt.timedelta(days=offset)
            if day.weekday() >= 5 or not members:
                continue
            off = rng.randrange(len(members)) if len(members) > 1 else None
            for i, agent in enumerate(members):
                if i == off:
                    continue
                hour = 8 if (i + offset) % 2 else 10
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
                shifts.append(
                    Shift(
                        agent=agent,
                        team=team,
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=8),
                        break_minutes=45,
                    )
                )
    Shift.objects.bulk_create(shifts)
    return len(shifts)


def seed_supervision(ctx: DemoContext) -> None:
    ctx.log(f"supervision: {seed_rota(ctx)} shifts on the rota")
    if PhoneCall.objects.filter(external_id__startswith="hist-").exists():
        ctx.log("supervision history already present")
        return
    rng = ctx.rng
    KpiSettings.current()
    for name, percent in (("Pauses et réunions", 12), ("Formation", 5), ("Absences", 8)):
        ShrinkageFactor.objects.get_or_create(name=name, defaults={"percent": percent})
    queues = list(Queue.objects.filter(phone_lines__isnull=False).distinct()) or list(
        Queue.objects.filter(kind=Queue.Kind.SERVICE)[:1]
    )
    for queue in queues:
        for metric, warn, alert in (
            ("backlog", 30, 60),
            ("unassigned", 5, 15),
            ("breaching", 3, 8),
            ("calls_waiting", 3, 6),
            ("longest_wait_s", 60, 180),
        ):
            QueueThreshold.objects.get_or_create(
                queue=queue, metric=metric, defaults={"warn_at": warn, "alert_at": alert}
            )
    agents: list[User] = list(ctx.registry.get("agents") or [])
    agents = agents or list(User.objects.filter(groups__name="agent")[:8])
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    calls: list[PhoneCall] = []
    spans: list[PresenceSpan] = []
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() >= 5:
            continue
        opens = dt.datetime.combine(day, dt.time(9), tzinfo=zone)
        for agent in agents:
            start = opens + dt.timedelta(minutes=rng.randint(0, 30))
            lunch = dt.datetime.combine(day, dt.time(12, 30), tzinfo=zone)
            back_at = lunch + dt.timedelta(hours=1)
            end = dt.datetime.combine(day, dt.time(17, 30), tzinfo=zone)
            spans += [
                PresenceSpan(user=agent, status="available", started_at=start, ended_at=lunch),
                PresenceSpan(user=agent, status="away", started_at=lunch, ended_at=back_at),
                PresenceSpan(user=agent, status="available", started_at=back_at, ended_at=end),
            ]
        for queue in queues:
            for slot in range(18):  # 09:00-18:00, busier mid-morning and after lunch
                weight = 1.6 if slot in (2, 3, 4, 10, 11) else 1.0
                for n in range(rng.randint(2, 6) if weight == 1.0 else rng.randint(5, 10)):
                    offered = opens + dt.timedelta(
                        minutes=30 * slot + rng.randint(0, 29), seconds=rng.randint(0, 59)
                    )
                    wait = rng.randint(2, 90)
                    key = f"hist-{queue.pk}-{day:%Y%m%d}-{slot:02d}-{n}"
                    if rng.random() < 0.08:
                        calls.append(
                            PhoneCall(
                                external_id=key,
                                dialled_number="+33100000000",
                                queue=queue,
                                offered_at=offered,
                                ended_at=offered + dt.timedelta(seconds=wait),
                                status=PhoneCall.Status.ENDED,
                                outcome=PhoneCall.Outcome.ABANDONED,
                                wait_seconds=wait,
                            )
                        )
                        continue
                    talk, hold, acw = (
                        rng.randint(60, 420),
                        rng.choice([0, 0, 30]),
                        rng.randint(10, 90),
                    )
                    answered = offered + dt.timedelta(seconds=wait)
                    calls.append(
                        PhoneCall(
                            external_id=key,
                            dialled_number="+33100000000",
                            queue=queue,
                            agent=rng.choice(agents) if agents else None,
                            offered_at=offered,
                            answered_at=answered,
                            ended_at=answered + dt.timedelta(seconds=talk + hold),
                            wrapup_ended_at=answered + dt.timedelta(seconds=talk + hold + acw),
                            status=PhoneCall.Status.ENDED,
                            outcome=PhoneCall.Outcome.ANSWERED,
                            wait_seconds=wait,
                            talk_seconds=talk,
                            hold_seconds=hold,
                            after_call_seconds=acw,
                        )
                    )
    PhoneCall.objects.bulk_create(calls, batch_size=1000)
    PresenceSpan.objects.bulk_create(spans, batch_size=1000)
    facts = facts_refresh(ticket_ids=Ticket.objects.values_list("pk", flat=True))
    ctx.log(
        f"supervision: {len(calls)} historical calls, {len(spans)} presence spans, "
        f"{facts} ticket facts"
    )
