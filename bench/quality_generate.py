"""`python -m bench quality-generate`: supervision's data on a `tickets-generate` database.

Adds, with COPY and set-based SQL (minutes, not hours):
- `--calls` phone calls (default 2,000,000) over the last 365 days, in the desk's queues,
  09:00-18:00 Monday-Friday Paris time, 8 % abandoned (some under 5 s), the rest answered
  by the queue team's agents with wait, talk, hold and after-call seconds;
- one `TicketFact` per ticket. NOTE: computed here in SQL from wall-clock durations (the
  generator's tickets have no status history to walk), not by `quality.kpis.facts`;
  the rows have the shape and the density the KPI queries read, so the timings hold;
- working-day presence spans for every agent (occupancy's denominator);
- a supervisor who leads every team (the widest scope a supervisor can have).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from zoneinfo import ZoneInfo

from .djangoenv import configure, database_name

SUPERVISOR_EMAIL = "bench-supervisor@relais.example"
PARIS = ZoneInfo("Europe/Paris")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--calls", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=14)


def _calls(cursor, queues: list[tuple[int, list[int]]], args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    today = dt.datetime.now(PARIS).date()
    days = [today - dt.timedelta(days=n) for n in range(1, args.days + 1)]
    days = [d for d in days if d.weekday() < 5]
    columns = ("external_id, direction, caller_number, dialled_number, queue_id, agent_id, "
               "status, outcome, end_reason, offered_at, answered_at, ended_at, "
               "wrapup_ended_at, wait_seconds, talk_seconds, hold_seconds, after_call_seconds, "
               "match_count, created_at, updated_at")  # fmt: skip
    written = 0
    with cursor.copy(f"COPY telephony_phonecall ({columns}) FROM STDIN") as copy:
        for n in range(args.calls):
            queue_id, agents = queues[n % len(queues)]
            day = days[rng.randrange(len(days))]
            offered = dt.datetime.combine(day, dt.time(9), tzinfo=PARIS) + dt.timedelta(
                seconds=rng.randrange(9 * 3600)
            )
            wait = int(rng.expovariate(1 / 25))
            if rng.random() < 0.08:
                ended = offered + dt.timedelta(seconds=wait)
                row = (f"bq-{n}", "inbound", "", "+33180000000", queue_id, None, "ended",
                       "abandoned", "caller_hangup", offered, None, ended, None, wait, 0, 0, 0,
                       0, offered, ended)  # fmt: skip
            else:
                talk, hold, acw = (
                    rng.randint(40, 600),
                    rng.choice((0, 0, 0, 40)),
                    rng.randint(5, 90),
                )
                answered = offered + dt.timedelta(seconds=wait)
                ended = answered + dt.timedelta(seconds=talk + hold)
                row = (f"bq-{n}", "inbound", "", "+33180000000", queue_id,
                       agents[rng.randrange(len(agents))] if agents else None, "ended",
                       "answered", "agent_hangup", offered, answered, ended,
                       ended + dt.timedelta(seconds=acw), wait, talk, hold, acw, 1, offered,
                       ended)  # fmt: skip
            copy.write_row(row)
            written += 1
    return written


def main(args: argparse.Namespace) -> None:
    configure(args.database_url)
    from django.db import connection, transaction

    from accounts.models import Team, User
    from accounts.roles import Role
    from accounts.services import user_create
    from tickets.models import Queue

    print(f"quality-generate into {database_name(args.database_url)}", flush=True)
    started = time.perf_counter()
    supervisor = User.objects.filter(email=SUPERVISOR_EMAIL).first() or user_create(
        email=SUPERVISOR_EMAIL, password="bench-" + "s" * 20, first_name="Sam",
        last_name="Superviseur", roles=[Role.SUPERVISOR],
    )  # fmt: skip
    for team in Team.objects.all():
        team.members.add(supervisor)
    queues = [
        (q.pk, list(q.team.members.exclude(pk=supervisor.pk).values_list("pk", flat=True)))
        for q in Queue.objects.select_related("team").order_by("pk")
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("DELETE FROM telephony_phonecall WHERE external_id LIKE 'bq-%%'")
        t0 = time.perf_counter()
        calls = _calls(cursor, queues, args)
        print(f"  {calls:,} calls COPY in {time.perf_counter() - t0:.0f} s", flush=True)
        t0 = time.perf_counter()
        cursor.execute("TRUNCATE quality_ticketfact")
        cursor.execute("""
            INSERT INTO quality_ticketfact (ticket_id, merged, first_response_at,
                first_response_s, resolved_at, resolution_s, fr_sla_at, fr_sla_met,
                res_sla_at, res_sla_met, computed_at)
            SELECT t.id, t.merged_into_id IS NOT NULL, t.first_response_at,
                CASE WHEN t.first_response_at IS NOT NULL
                     THEN GREATEST(0,
                          EXTRACT(EPOCH FROM t.first_response_at - t.created_at))::int END,
                t.resolved_at,
                CASE WHEN t.resolved_at IS NOT NULL
                     THEN GREATEST(0, EXTRACT(EPOCH FROM t.resolved_at - t.created_at))::int END,
                COALESCE(t.first_response_at, t.first_response_due_at),
                CASE WHEN t.first_response_due_at IS NULL THEN NULL
                     ELSE COALESCE(t.first_response_at <= t.first_response_due_at, false) END,
                COALESCE(t.resolved_at, t.resolution_due_at),
                CASE WHEN t.resolution_due_at IS NULL THEN NULL
                     ELSE COALESCE(t.resolved_at <= t.resolution_due_at, false) END,
                now()
            FROM tickets_ticket t
        """)
        print(f"  {cursor.rowcount:,} ticket facts in {time.perf_counter() - t0:.0f} s", flush=True)
        cursor.execute("TRUNCATE quality_presencespan")
        cursor.execute("""
            INSERT INTO quality_presencespan (user_id, status, started_at, ended_at)
            SELECT m.user_id, 'available',
                   (d::date + time '09:00') AT TIME ZONE 'Europe/Paris',
                   (d::date + time '17:30') AT TIME ZONE 'Europe/Paris'
            FROM (SELECT DISTINCT user_id FROM accounts_team_members) m,
                 generate_series(current_date - %s, current_date - 1, interval '1 day') d
            WHERE extract(isodow FROM d) < 6
        """, [args.days])  # fmt: skip
        print(f"  {cursor.rowcount:,} presence spans", flush=True)
    with connection.cursor() as cursor:
        for table in ("telephony_phonecall", "quality_ticketfact", "quality_presencespan"):
            cursor.execute(f"ANALYZE {table}")
    print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
