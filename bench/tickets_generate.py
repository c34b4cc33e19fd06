"""`python -m bench tickets-generate`: a full-size service desk in PostgreSQL, in minutes.

Runs on a database that `crm-generate` filled (the tickets' customers are its contacts).
The desk itself (business calendar with French public holidays, teams and agents, queues,
SLA policies, categories, tags) is created through the services; tickets, messages, tags
and creation events come from `bench.tickets_rows` (pure Python, seeded) and are streamed
with COPY in one transaction, secondary indexes dropped and rebuilt at the end, foreign-key
triggers skipped (`session_replication_role = replica`, superuser only) as
`crm-generate` does; `verify` re-checks references and counters after the load.

Idempotent: every tickets table is emptied first (TRUNCATE ... CASCADE); users and teams
are found again by their e-mail address and name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name, ensure_database
from .tickets_rows import DeskRefs, QueueRef, TicketsPlan, build_skeleton, iter_ticket_batches
from .timing import PhaseTimer

RESULTS_DIR = Path(__file__).resolve().parent / "results"
AGENT_EMAIL = "bench-desk-{team:02d}-{n:02d}@relais.example"
CALENDAR_NAME = "Bureaux (lun.-ven. 9 h-18 h, jours fériés français)"

TEAMS = [
    "Service client", "Facturation", "Réclamations", "Support Internet", "Support mobile",
    "Rétention", "Grands comptes", "Logistique", "Service après-vente",
]  # fmt: skip
IT_TEAM = "Informatique interne"
# (queue name, team index, relative volume); the last queue is the IT helpdesk.
QUEUES = [
    ("Service client", 0, 20), ("Facturation", 1, 14), ("Réclamations", 2, 10),
    ("Support Internet", 3, 16), ("Support mobile", 4, 10), ("Résiliations", 5, 6),
    ("Grands comptes", 6, 4), ("Livraisons", 7, 7), ("Service après-vente", 8, 6),
    ("Déménagements", 0, 3), ("Fidélisation", 5, 1),
]  # fmt: skip
IT_QUEUE = "Support IT interne"
# priority -> (first response, resolution, warn before), business minutes
POLICIES = {4: (30, 240, 15), 3: (60, 540, 30), 2: (240, 1620, 60), 1: (540, 2700, 120)}
QUEUE_SLA_FACTORS = [1.0, 1.0, 1.5, 1.0, 1.0, 2.0, 0.5, 1.5, 2.0, 1.0, 2.0]
SERVICE_CATEGORIES = [
    "Accès internet", "Téléphonie mobile", "Facture", "Paiement", "Remboursement",
    "Livraison", "Produit défectueux", "Résiliation", "Déménagement", "Espace client",
    "Contrat", "Données personnelles", "Installation", "Réclamation",
]  # fmt: skip
IT_CATEGORIES = ["Poste de travail", "Comptes et accès", "Téléphonie", "Imprimantes", "Logiciels"]
TICKET_TAGS = ["urgent-client", "rappel-demandé", "escalade-n2", "incident-réseau",
               "geste-commercial", "doublon", "presse", "médiateur"]  # fmt: skip

LOADED_MODELS = ["tickets.Ticket", "tickets.Message", "tickets.Ticket_tags", "tickets.TicketEvent"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--tickets", type=int, default=TicketsPlan.tickets)
    parser.add_argument("--active", type=int, default=TicketsPlan.active)
    parser.add_argument("--messages", type=int, default=TicketsPlan.messages)
    parser.add_argument(
        "--heavy-ticket-messages", type=int, default=TicketsPlan.heavy_ticket_messages
    )
    parser.add_argument("--teams", type=int, default=TicketsPlan.teams)
    parser.add_argument("--agents-per-team", type=int, default=TicketsPlan.agents_per_team)
    parser.add_argument("--seed", type=int, default=TicketsPlan.seed)
    parser.add_argument(
        "--now",
        default="",
        help="the moment the data describes, ISO 8601 UTC (default: the current hour); "
        "the same --seed and --now give the same rows",
    )


# --- The desk, through the services (shared with the smoke test) -------------------------
def desk_setup(plan: TicketsPlan, *, contacts_limit: int | None = None) -> DeskRefs:
    """Calendar, teams, agents, queues, policies, categories and tags; returns their ids."""
    import holidays as holidays_lib

    from accounts.models import Team, User
    from accounts.services import team_create, user_create
    from crm import services as crm_services
    from crm.models import Contact
    from tickets import services
    from tickets.models import AgentPresence, Category, Holiday, Queue, SlaPolicy
    from tickets.sla import cache as sla_cache

    rng = plan.rng("desk")
    office = [(d, dt.time(9, 0), dt.time(18, 0)) for d in range(5)]
    calendar = services.calendar_create(
        name=CALENDAR_NAME,
        hours=office,
        holiday_country="FR",
        load_holidays_through=max(plan.now.year + 1, dt.date.today().year + 1),
    )
    # The service loads public holidays from last year on; the history goes further back.
    older = holidays_lib.country_holidays(
        "FR", years=range(plan.start.year, plan.now.year + 1), language="fr"
    )
    Holiday.objects.bulk_create(
        [Holiday(calendar=calendar, date=d, name=str(n)[:100]) for d, n in older.items()],
        ignore_conflicts=True,
    )
    sla_cache.forget()

    def agent(team_number: int, n: int, roles: list[str]) -> User:
        email = AGENT_EMAIL.format(team=team_number, n=n)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=None,
                first_name=rng.choice(["Camille", "Léa", "Hugo", "Inès", "Lucas", "Chloé",
                                       "Nathan", "Manon", "Yanis", "Sarah", "Louis", "Emma"]),
                last_name=f"Desk {team_number:02d}-{n:02d}",
                roles=roles,
            )  # fmt: skip
        return user

    team_names = [*TEAMS[: plan.teams - 1], IT_TEAM]
    if plan.teams - 1 > len(TEAMS):
        team_names = [*TEAMS, *(f"Équipe {i}" for i in range(len(TEAMS), plan.teams - 1)),
                      IT_TEAM]  # fmt: skip
    teams: list[Team] = []
    team_agents: dict[int, list[int]] = {}
    presences = []
    for number, name in enumerate(team_names, start=1):
        is_it = name == IT_TEAM
        members = [
            agent(number, n, ["it"] if is_it else ["agent"])
            for n in range(1, plan.agents_per_team + 1)
        ]
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = team_create(
                name=name,
                kind=Team.Kind.IT if is_it else Team.Kind.SERVICE,
                lead=members[0],
                members=members,
            )
        teams.append(team)
        team_agents[team.pk] = [m.pk for m in members]
        presences += [
            AgentPresence(user=m, status="available" if rng.random() < 0.6 else "away")
            for m in members
        ]
    AgentPresence.objects.bulk_create(presences, ignore_conflicts=True)

    service_teams = teams[:-1]
    queues: list[QueueRef] = []
    for position, (name, team_index, weight) in enumerate(QUEUES):
        team = service_teams[team_index % len(service_teams)]
        queue = Queue.objects.create(
            name=name,
            team=team,
            calendar=calendar,
            email_address=f"q{position + 1}@desk.relais.example",
        )
        if position in (2, 9):  # complaints and moves are shared with another team
            others = [t for t in service_teams[:2] if t.pk != team.pk]
            if others:
                queue.visible_to.add(others[0])
        factor = QUEUE_SLA_FACTORS[position % len(QUEUE_SLA_FACTORS)]
        queues.append(_queue_ref(queue, weight, factor, SlaPolicy))
    it_queue = Queue.objects.create(
        name=IT_QUEUE, kind=Queue.Kind.IT, team=teams[-1], calendar=calendar,
        email_address="it@desk.relais.example",
    )  # fmt: skip
    total = sum(q[2] for q in QUEUES)
    queues.append(_queue_ref(it_queue, total * 0.03 / 0.97, 1.0, SlaPolicy))
    services.sla_forget()

    categories = {
        "service": [
            Category.objects.create(name=n, queue_kind="service").pk for n in SERVICE_CATEGORIES
        ],
        "it": [Category.objects.create(name=n, queue_kind="it").pk for n in IT_CATEGORIES],
    }
    tag_ids = [t.pk for t in crm_services.tags_resolve(names=TICKET_TAGS)]
    contacts_qs = Contact.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    contacts = list(contacts_qs.order_by("pk").values_list("pk", "organisation_id"))
    if contacts_limit:
        contacts = contacts[:contacts_limit]
    if not contacts:
        raise SystemExit("No contacts: run `python -m bench crm-generate` on this database first.")
    # A few customers write much more often than the rest (the head of the list).
    plan.rng("contacts").shuffle(contacts)
    service_staff = [u for t in service_teams for u in team_agents[t.pk]]
    return DeskRefs(
        schedule=sla_cache.schedule_for(calendar.pk),
        queues=queues,
        team_agents=team_agents,
        categories=categories,
        contacts=contacts,
        staff_requesters=service_staff,
        tag_ids=tag_ids,
        heavy_assignee_id=team_agents[service_teams[0].pk][1],
    )


def _queue_ref(queue: Any, weight: float, factor: float, SlaPolicy: Any) -> QueueRef:
    policies = {}
    for priority, (first, resolution, warn) in POLICIES.items():
        policy = SlaPolicy.objects.create(
            queue=queue,
            priority=priority,
            first_response_minutes=max(1, round(first * factor)),
            resolution_minutes=max(1, round(resolution * factor)),
            warn_before_minutes=warn,
        )
        policies[priority] = (
            policy.pk,
            policy.first_response_minutes,
            policy.resolution_minutes,
            policy.warn_before_minutes,
        )
    return QueueRef(queue.pk, queue.team_id, queue.kind, weight, policies)


def empty_tickets_tables() -> None:
    """TRUNCATE every table of the tickets app (and what references them)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    tables = sorted({m._meta.db_table for m in apps.get_app_config("tickets").get_models(True)})
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    from tickets import services

    services.sla_forget()


def load_tickets(
    plan: TicketsPlan, desk: DeskRefs, *, loader: Any, chunk: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Build and write every ticket row of `plan`; the tickets tables must be empty."""
    started = time.perf_counter()
    skeleton = build_skeleton(plan)
    report: dict[str, Any] = {
        "rows": {},
        "skeleton_seconds": round(time.perf_counter() - started, 2),
        "build_seconds": 0.0,
        "copy_seconds": 0.0,
        "heavy_ticket_id": skeleton.heavy_ticket_id,
    }
    kwargs = {"chunk": chunk} if chunk else {}
    batches = iter_ticket_batches(plan, desk, skeleton, **kwargs)
    while True:
        t0 = time.perf_counter()
        batch = next(batches, None)
        if batch is None:
            break
        t1 = time.perf_counter()
        for label, count in loader.load_all(batch).items():
            report["rows"][label] = report["rows"].get(label, 0) + count
        t2 = time.perf_counter()
        report["build_seconds"] += t1 - t0
        report["copy_seconds"] += t2 - t1
        if progress:
            print(
                f"    {report['rows'].get('tickets.Ticket', 0):>9,} tickets, "
                f"{report['rows'].get('tickets.Message', 0):>10,} messages "
                f"(build {report['build_seconds']:.0f} s, COPY {report['copy_seconds']:.0f} s)",
                flush=True,
            )
    loader.reset_sequences(LOADED_MODELS)
    report["build_seconds"] = round(report["build_seconds"], 2)
    report["copy_seconds"] = round(report["copy_seconds"], 2)
    return report


# --- The command ------------------------------------------------------------------------
def parse_now(text: str) -> dt.datetime:
    if text:
        moment = dt.datetime.fromisoformat(text)
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)


def main(args: argparse.Namespace) -> None:
    plan = TicketsPlan(
        tickets=args.tickets,
        active=args.active,
        messages=args.messages,
        heavy_ticket_messages=args.heavy_ticket_messages,
        teams=args.teams,
        agents_per_team=args.agents_per_team,
        seed=args.seed,
        now=parse_now(args.now),
    )
    timer = PhaseTimer()
    print(f"tickets-generate into {database_name(args.database_url)}: {plan}", flush=True)
    ensure_database(args.database_url)
    configure(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from .loader import Loader, postgres_indexes_dropped

    plan = TicketsPlan(**{**asdict(plan), "auto_close_days": settings.TICKETS_AUTO_CLOSE_DAYS})
    with timer.phase("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with timer.phase("empty tickets tables"):
        empty_tickets_tables()
    with timer.phase("desk: calendar, teams, agents, queues, policies (services)"):
        desk = desk_setup(plan)
        print(f"    {len(desk.queues)} queues, {len(desk.team_agents)} teams, "
              f"{len(desk.contacts):,} contacts")  # fmt: skip

    loader = Loader()
    tables = [_table(label) for label in LOADED_MODELS]
    with timer.phase("build and COPY rows (indexes rebuilt at the end)"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                print("    not a superuser: foreign keys are checked row by row (slower)")
            with postgres_indexes_dropped(connection, tables) as dropped:
                print(f"    {len(dropped)} secondary indexes dropped for the load")
                report = load_tickets(plan, desk, loader=loader, progress=True)
                index_started = time.perf_counter()
            index_seconds = time.perf_counter() - index_started
        print(f"    indexes rebuilt in {index_seconds:.1f} s")

    with timer.phase("VACUUM ANALYZE"), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        # And everything else: the desk's own rows (tags added to crm_tag, queues, users)
        # came through the services after the last statistics. With stale statistics on
        # crm_tag (13 rows known, 21 there) PostgreSQL merge-joined the inbox's tags
        # prefetch over the whole tickets_ticket_tags (163 ms instead of 0.2 ms); a small
        # table never reaches autovacuum's analyze threshold (50 changed rows) either.
        cursor.execute("ANALYZE")

    with timer.phase("verify"):
        checks = verify(plan, report)
        for name, value in checks.items():
            print(f"    {name}: {value}")

    result = {
        "kind": "tickets-generate",
        "database": database_name(args.database_url),
        "plan": asdict(plan),
        "heavy_ticket_id": report["heavy_ticket_id"],
        "rows": report["rows"],
        "phases_seconds": {k: round(v, 2) for k, v in timer.phases.items()},
        "skeleton_seconds": report["skeleton_seconds"],
        "build_seconds": report["build_seconds"],
        "copy_seconds": report["copy_seconds"],
        "index_rebuild_seconds": round(index_seconds, 2),
        "indexes_rebuilt": dropped,
        "total_seconds": round(timer.total, 2),
        "checks": checks,
        "python": platform.python_version(),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"tickets-generate-{time.strftime('%Y-%m-%d')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"done in {timer.total:.1f} s; heavy ticket #{report['heavy_ticket_id']}; "
          f"report written to {path}")  # fmt: skip


def verify(plan: TicketsPlan, report: dict[str, Any]) -> dict[str, Any]:
    """Counts, references (foreign-key triggers were off), counters, SLA consistency and
    a fingerprint two runs with the same seed and --now must share."""
    from django.db import connection

    checks: dict[str, Any] = {}
    with connection.cursor() as cursor:

        def scalar(query: str, params: list[Any] | None = None) -> Any:
            cursor.execute(query, params or [])
            return cursor.fetchone()[0]

        checks["tickets"] = scalar("SELECT count(*) FROM tickets_ticket")
        checks["messages"] = scalar("SELECT count(*) FROM tickets_message")
        cursor.execute("SELECT status, count(*) FROM tickets_ticket GROUP BY 1 ORDER BY 1")
        checks["status"] = dict(cursor.fetchall())
        checks["heavy_ticket_id"] = report["heavy_ticket_id"]
        checks["heavy_ticket_messages"] = scalar(
            "SELECT count(*) FROM tickets_message WHERE ticket_id = %s", [report["heavy_ticket_id"]]
        )
        checks["running_with_deadline"] = scalar(
            "SELECT count(*) FROM tickets_ticket WHERE sla_next_due_at IS NOT NULL"
        )
        checks["running_breached"] = scalar(
            "SELECT count(*) FROM tickets_ticket WHERE sla_breached_at IS NOT NULL"
        )
        checks["breaching_within_2h_or_breached"] = scalar(
            "SELECT count(*) FROM tickets_ticket WHERE sla_next_due_at <= %s",
            [plan.now + dt.timedelta(hours=2)],
        )
        checks["unassigned_active"] = scalar(
            "SELECT count(*) FROM tickets_ticket WHERE assignee_id IS NULL AND status IN "
            "('new','open','pending_customer','pending_third_party')"
        )
        checks["tagged_tickets"] = scalar(
            "SELECT count(DISTINCT ticket_id) FROM tickets_ticket_tags"
        )
        checks["counter_mismatches"] = scalar(
            "SELECT count(*) FROM tickets_ticket t JOIN (SELECT ticket_id, count(*) AS n, "
            "max(created_at) AS last FROM tickets_message GROUP BY ticket_id) m "
            "ON m.ticket_id = t.id WHERE t.message_count <> m.n OR t.last_message_at <> m.last"
        )
        dangling = {
            "message.ticket_id": "SELECT count(*) FROM tickets_message m WHERE NOT EXISTS "
            "(SELECT 1 FROM tickets_ticket t WHERE t.id = m.ticket_id)",
            "ticket.contact_id": "SELECT count(*) FROM tickets_ticket t WHERE t.contact_id IS "
            "NOT NULL AND NOT EXISTS (SELECT 1 FROM crm_contact c WHERE c.id = t.contact_id)",
            "ticket.assignee_id": "SELECT count(*) FROM tickets_ticket t WHERE t.assignee_id "
            "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = t.assignee_id)",
            "ticket.organisation_id": "SELECT count(*) FROM tickets_ticket t JOIN crm_contact c "
            "ON c.id = t.contact_id WHERE t.organisation_id IS DISTINCT FROM c.organisation_id",
        }
        checks["dangling_references"] = {name: scalar(q) for name, q in dangling.items()}
        checks["fingerprint_tickets"] = scalar(
            "SELECT md5(string_agg(id || ':' || status || ':' || queue_id || ':' || "
            "coalesce(assignee_id, 0) || ':' || extract(epoch FROM created_at)::bigint || ':' "
            "|| coalesce(extract(epoch FROM sla_next_due_at)::bigint, 0) || ':' || subject, "
            "',' ORDER BY id)) FROM tickets_ticket"
        )
        checks["table_sizes"] = {
            t: scalar("SELECT pg_size_pretty(pg_total_relation_size(%s))", [t])
            for t in ("tickets_ticket", "tickets_message")
        }
        checks["database_size"] = scalar(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        )
    problems = [
        checks["tickets"] != plan.tickets,
        checks["messages"] != plan.messages,
        checks["heavy_ticket_messages"] != plan.heavy_ticket_messages,
        checks["counter_mismatches"] != 0,
        any(checks["dangling_references"].values()),
    ]
    if any(problems):
        raise SystemExit(f"Verification failed: {checks}")
    return checks


def _table(label: str) -> str:
    from django.apps import apps

    return apps.get_model(label)._meta.db_table
