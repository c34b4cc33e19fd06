"""`python -m bench sales-generate`: 200,000 opportunities on a `crm-generate` database.

A sales floor (teams of reps with leads, a calendar of office hours, products, lost
reasons, routing rules) is made through the ORM; the opportunities are built here (pure
Python, seeded) and streamed with COPY by `bench.loader`. A year of flags: every stage,
acceptance delays in business hours, amounts, probabilities and expected close dates
spread so that the kanban, the list, the forecast and the KPIs all have work to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name, ensure_database
from .timing import PhaseTimer

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REP_EMAIL = "bench-rep-{team:02d}-{rep:02d}@relais.example"
LEAD_EMAIL = "bench-sales-lead-{team:02d}@relais.example"
AGENT_EMAIL = "bench-flagger-{n:02d}@relais.example"
PASSWORD = "bench-sales-password"  # noqa: S105 - a throwaway benchmark database
STAGES = ["new", "contacted", "qualified", "proposal", "won", "lost"]
STAGE_WEIGHTS = [8, 12, 12, 10, 33, 25]
PROBABILITY = {"new": 10, "contacted": 20, "qualified": 40, "proposal": 60, "won": 100, "lost": 0}
PRODUCTS = [
    ("Fibre Pro", "Fibre"), ("Fibre Entreprise", "Fibre"), ("Fibre Résidence", "Fibre"),
    ("Mobile Flotte", "Mobile"), ("Mobile 5G", "Mobile"), ("Standard cloud", "Téléphonie"),
    ("Centre de contact", "Téléphonie"), ("Sauvegarde", "Services"),
    ("Assistance 24/7", "Services"), ("Cybersécurité", "Services"),
]  # fmt: skip


@dataclass(frozen=True)
class SalesPlan:
    opportunities: int = 200_000
    teams: int = 4
    reps_per_team: int = 10
    flaggers: int = 40
    days: int = 365
    seed: int = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--opportunities", type=int, default=SalesPlan.opportunities)
    parser.add_argument("--seed", type=int, default=SalesPlan.seed)


@dataclass
class Floor:
    teams: list[int]
    leads: list[int]
    reps: dict[int, list[int]]  # team id -> rep ids
    flaggers: list[int]
    flagger_team: int
    products: list[int]
    lost_reasons: list[int]
    calendar_id: int


def floor_setup(plan: SalesPlan) -> Floor:
    """The sales floor, through the ORM (idempotent: found again on a second run)."""
    from accounts.models import Team, User
    from accounts.roles import Role
    from accounts.services import team_create, user_create
    from sales.models import (
        LostReason,
        Product,
        RoutingRule,
        SalesTeamPolicy,
        ServiceWarningSettings,
    )
    from tickets.models import BusinessCalendar
    from tickets.services import calendar_create

    def user(email: str, roles: list[str]) -> User:
        found = User.objects.filter(email=email).first()
        return found or user_create(
            email=email, password=PASSWORD, first_name="Bench", last_name=email.split("@")[0],
            roles=roles,
        )  # fmt: skip

    calendar = BusinessCalendar.objects.filter(name="Bench ventes").first() or calendar_create(
        name="Bench ventes",
        hours=[(d, dt.time(9), dt.time(18)) for d in range(5)],
        holiday_country="",
    )
    teams, leads, reps = [], [], {}
    for t in range(1, plan.teams + 1):
        lead = user(LEAD_EMAIL.format(team=t), [Role.SALES])
        members = [
            user(REP_EMAIL.format(team=t, rep=r), [Role.SALES])
            for r in range(1, plan.reps_per_team + 1)
        ]
        team = Team.objects.filter(name=f"Bench ventes {t}").first() or team_create(
            name=f"Bench ventes {t}", kind=Team.Kind.SALES, lead=lead, members=members
        )
        SalesTeamPolicy.objects.get_or_create(
            team=team, defaults={"calendar": calendar, "accept_within_minutes": 240}
        )
        teams.append(team.pk)
        leads.append(lead.pk)
        reps[team.pk] = [m.pk for m in members]
    flaggers = [user(AGENT_EMAIL.format(n=n), [Role.AGENT]) for n in range(1, plan.flaggers + 1)]
    service = Team.objects.filter(name="Bench service").first() or team_create(
        name="Bench service", kind=Team.Kind.SERVICE, members=flaggers
    )
    products = [
        Product.objects.get_or_create(name=name, defaults={"product_line": line})[0].pk
        for name, line in PRODUCTS
    ]
    reasons = [
        LostReason.objects.get_or_create(name=name)[0].pk
        for name in ("Prix", "Concurrent", "Budget", "Injoignable", "Reporté")
    ]
    # Territories: a few départements per team, then product lines, then round robin.
    departements = [["75", "92", "93", "94"], ["69", "38", "42"], ["13", "83", "06"], ["33", "31"]]
    for position, (team_id, codes) in enumerate(zip(teams, departements, strict=False), 1):
        RoutingRule.objects.get_or_create(
            name=f"Bench territoire {position}",
            defaults={"position": position * 10, "departements": ", ".join(codes),
                      "team_id": team_id},
        )  # fmt: skip
    RoutingRule.objects.get_or_create(
        name="Bench mobile",
        defaults={"position": 100, "product_line": "Mobile", "team_id": teams[0]},
    )
    ServiceWarningSettings.objects.get_or_create(pk=1)
    return Floor(teams, leads, reps, [f.pk for f in flaggers], service.pk, products, reasons,
                 calendar.pk)  # fmt: skip


def _business_seconds(start: dt.datetime, end: dt.datetime, schedule: Any) -> int:
    return int(schedule.between(start, end))


def build_rows(plan: SalesPlan, floor: Floor, contacts: list[tuple[int, int | None]],
               now: dt.datetime) -> Any:  # fmt: skip
    """The opportunity rows (tuples for COPY), seeded."""
    from tickets.sla import Schedule

    from .crm_rows import Table

    schedule = Schedule.build(
        time_zone="Europe/Paris",
        intervals=[(d, dt.time(9), dt.time(18)) for d in range(5)],
    )
    rng = random.Random(plan.seed)
    columns = (
        "contact_id", "organisation_id", "flagged_by_id", "flagged_team_id", "need",
        "product_id", "urgency", "amount", "wants_call", "best_days", "stage", "probability",
        "probability_overridden", "expected_close_date", "next_step", "team_id", "owner_id",
        "routing_reason", "assigned_at", "acceptance_due_at", "accepted_at",
        "acceptance_seconds", "escalated_at", "lost_reason_id", "closed_at", "version",
        "created_at", "updated_at", "warning_ack_keys",
    )  # fmt: skip
    table = Table("sales.Opportunity", columns)
    needs = ["Veut une offre pour ses bureaux", "Compare avec un concurrent",
             "Ouvre un nouveau site", "Facture trop élevée, cherche mieux"]  # fmt: skip
    for _ in range(plan.opportunities):
        contact_id, organisation_id = rng.choice(contacts)
        team = rng.choice(floor.teams)
        owner = rng.choice(floor.reps[team])
        stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
        created = now - dt.timedelta(days=rng.random() * plan.days)
        if stage == "new":
            created = now - dt.timedelta(hours=rng.random() * 72)
        due = schedule.add(created, 4 * 3600)
        accepted = acceptance = None
        escalated = None
        if stage != "new" or rng.random() < 0.3:
            accepted = min(
                now, created + dt.timedelta(minutes=rng.choice([20, 60, 120, 300, 900, 3000]))
            )
            acceptance = _business_seconds(created, accepted, schedule)
        elif due is not None and due < now:
            escalated = due
        updated = min(now, (accepted or created) + dt.timedelta(days=rng.random() * 20))
        closed = updated if stage in ("won", "lost") else None
        close_date = (updated if closed else now + dt.timedelta(days=rng.randint(-15, 120))).date()
        amount = Decimal(rng.randrange(300, 40_000, 50))
        table.rows.append(
            (
                contact_id, organisation_id, rng.choice(floor.flaggers), floor.flagger_team,
                rng.choice(needs), rng.choice(floor.products),
                rng.choice(["low", "normal", "normal", "high"]), amount, True,
                rng.choice(["01234", "024", ""]), stage, PROBABILITY[stage], False, close_date,
                "", team, owner, "round_robin", created, due, accepted, acceptance, escalated,
                rng.choice(floor.lost_reasons) if stage == "lost" else None, closed, 1,
                created, updated, "[]",
            )
        )  # fmt: skip
    return table


def main(args: argparse.Namespace) -> None:
    plan = SalesPlan(opportunities=args.opportunities, seed=args.seed)
    timer = PhaseTimer()
    print(f"sales-generate into {database_name(args.database_url)}: {plan}", flush=True)
    ensure_database(args.database_url)
    configure(args.database_url)

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from crm.models import Contact
    from sales.models import Opportunity

    from .loader import Loader

    with timer.phase("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    if not Contact.objects.exists():
        raise SystemExit("No customer record: run `python -m bench crm-generate` first.")
    with timer.phase("sales floor"):
        floor = floor_setup(plan)
    with timer.phase("empty the opportunities"), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE sales_opportunityevent, sales_opportunity RESTART IDENTITY CASCADE"
        )
    contacts = list(Contact.objects.active().values_list("pk", "organisation_id").order_by("pk"))
    now = timezone.now()
    with timer.phase("build rows"):
        table = build_rows(plan, floor, contacts, now)
    with timer.phase("COPY"), transaction.atomic():
        Loader().load(table)
        Loader().reset_sequences(["sales.Opportunity"])
    with timer.phase("VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) sales_opportunity")
    count = Opportunity.objects.count()
    result = {
        "kind": "sales-generate",
        "database": database_name(args.database_url),
        "plan": asdict(plan),
        "opportunities": count,
        "phases_seconds": {k: round(v, 2) for k, v in timer.phases.items()},
        "total_seconds": round(timer.total, 2),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"sales-generate-{time.strftime('%Y-%m-%d')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{count:,} opportunities in {timer.total:.1f} s; report written to {path}")
