"""`python -m bench telework-generate`: 5,000 employees and 3 years of telework.

Two legal entities with their policies (through the services), 100 teams of 50 with a
manager each, HR files, and for every employee a realistic history: regular agreements
(some amended, some ended after their adaptation period), occasional ones, requests at
each step, exceptional telework from a past continuity activation, monthly declarations
for three years, absences, onboarding checklists, equipment with its assignments. Rows
are built in Python from a seeded `random.Random` and written with `bulk_create` in one
transaction; the allowance lines of the current month are then computed by the real
`services.allowance_refresh` (its time is reported).

Idempotent: the telework tables and the bench users are emptied first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import time
from pathlib import Path
from typing import Any

from .djangoenv import configure, database_name, ensure_database
from .timing import PhaseTimer

RESULTS_DIR = Path(__file__).resolve().parent / "results"
EMAIL = "bench-tw-{n:05d}@relais.example"
HR_EMAIL = "bench-tw-hr-{n}@relais.example"
STREETS = [
    "rue des Lilas",
    "avenue Jean Jaurès",
    "rue Garibaldi",
    "quai Saint-Vincent",
    "rue de la République",
    "boulevard des Belges",
    "rue Paul Bert",
    "cours Gambetta",
]
UNUSABLE = "!"
CITIES = ["69003 Lyon", "69100 Villeurbanne", "59000 Lille", "75011 Paris", "13001 Marseille"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--team-size", type=int, default=50)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)


def _workdays(first: dt.date, last: dt.date, calendar: Any) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def generate(args: argparse.Namespace, timer: PhaseTimer) -> dict[str, Any]:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Team, User
    from accounts.roles import Role
    from telework import models as m
    from telework import services
    from telework.dates import WorkCalendar, adaptation_end, add_months, month_end, month_start
    from tickets.models import BusinessCalendar, Queue
    from tickets.services import calendar_create

    rng = random.Random(args.seed)
    today = timezone.localdate()
    origin = month_start(add_months(today, -12 * args.years))
    cal = WorkCalendar("FR")
    counts: dict[str, int] = {}

    with timer.phase("reset"), connection.cursor() as cursor:
        tables = [
            model._meta.db_table
            for model in (
                m.ReadLog,
                m.Signature,
                m.AgreementVersion,
                m.EndRequest,
                m.OnboardingItem,
                m.Assignment,
                m.Purchase,
                m.Declaration,
                m.Absence,
                m.AllowanceLine,
                m.AllowanceExport,
                m.ContinuityMember,
                m.Agreement,
                m.ContinuityActivation,
                m.CallUp,
                m.ReserveMember,
                m.Asset,
                m.OnboardingStep,
                m.PolicyEquipment,
                m.Policy,
                m.EmployeeFile,
                m.LegalEntity,
            )
        ]
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
        else:  # the smoke test on SQLite
            for model in (
                m.ReadLog,
                m.Signature,
                m.EndRequest,
                m.OnboardingItem,
                m.Assignment,
                m.Purchase,
                m.ContinuityMember,
                m.AllowanceLine,
                m.AllowanceExport,
                m.Declaration,
                m.Absence,
                m.Agreement,
                m.ContinuityActivation,
                m.CallUp,
                m.ReserveMember,
                m.Asset,
                m.Policy,
                m.EmployeeFile,
                m.LegalEntity,
            ):
                model.objects.all().delete()
        User.objects.filter(email__startswith="bench-tw-").delete()
        # The IT team keeps its helpdesk queue from one run to the next.
        Team.objects.filter(name__startswith="Télétravail bench ").exclude(
            name="Télétravail bench IT"
        ).delete()

    with timer.phase("people, teams, policies"), transaction.atomic():
        big = services.legal_entity_save(name="Relais Services SAS", siren="552100554")
        north = services.legal_entity_save(name="Relais Nord SARL", siren="732829320")
        policies = {}
        for entity, basis, rates in (
            (big, "charter", "standard"),
            (north, "collective_agreement", "collective"),
        ):
            policies[entity.pk] = services.policy_publish(
                legal_entity=entity,
                actor=None,
                title=f"Télétravail {entity.name}",
                legal_basis=basis,
                cse_opinion_on=dt.date(2023, 6, 1),
                effective_from=origin,
                text_fr="Charte de télétravail de référence.",
                text_en="Reference telework charter.",
                it_rules_fr="Règles d'usage.",
                it_rules_en="Usage rules.",
                allowance_rate_set=rates,
                max_days_per_week=3,
                equipment=[(Role.AGENT, "laptop", 1), (Role.AGENT, "headset", 1)],
            )
        # Rates for the three years (2025's URSSAF scale is shipped by a migration).
        from decimal import Decimal

        for year in range(origin.year, today.year + 1):
            if year != 2025:
                services.rate_save(
                    rate_set="standard",
                    valid_from=dt.date(year, 1, 1),
                    daily_amount=Decimal("2.70"),
                    monthly_cap=Decimal("59.40"),
                )
                services.rate_save(
                    rate_set="collective",
                    valid_from=dt.date(year, 1, 1),
                    daily_amount=Decimal("3.25"),
                    monthly_cap=Decimal("71.50"),
                )
        users = [
            User(
                email=EMAIL.format(n=n),
                first_name=f"Prénom{n}",
                last_name=f"Nom{n:05d}",
                password=UNUSABLE,
            )
            for n in range(args.employees)
        ]
        hr = [
            User(
                email=HR_EMAIL.format(n=n),
                first_name="RH",
                last_name=f"Bench{n}",
                password=UNUSABLE,
            )
            for n in range(5)
        ]
        User.objects.bulk_create(users + hr, batch_size=2000)
        users = list(User.objects.filter(email__startswith="bench-tw-0").order_by("email"))
        hr = list(User.objects.filter(email__startswith="bench-tw-hr-").order_by("email"))
        groups = {
            g.name: g for g in Group.objects.filter(name__in=[Role.AGENT, Role.SUPERVISOR, Role.HR])
        }
        through = User.groups.through
        rows = [through(user_id=u.pk, group_id=groups[Role.AGENT].pk) for u in users]
        rows += [through(user_id=u.pk, group_id=groups[Role.HR].pk) for u in hr]
        teams = []
        for t in range(0, len(users), args.team_size):
            members = users[t : t + args.team_size]
            lead = members[0]
            rows.append(through(user_id=lead.pk, group_id=groups[Role.SUPERVISOR].pk))
            team = Team.objects.create(
                name=f"Télétravail bench {t // args.team_size + 1:03d}", kind="service", lead=lead
            )
            team.members.set(members)
            User.objects.filter(pk__in=[u.pk for u in members[1:]]).update(manager=lead)
            for u in members[1:]:
                u.manager_id = lead.pk
            teams.append(team)
        through.objects.bulk_create(rows, batch_size=5000)
        entity_of = {}
        users_set = set(users)
        files = []
        for index, user in enumerate(users + hr):
            # All 5,000 employees in one entity: its export is the one measured; the
            # second entity (HR staff) shows the export is per legal entity.
            entity = big if user in users_set else north
            entity_of[user.pk] = entity
            files.append(
                m.EmployeeFile(
                    user=user,
                    legal_entity=entity,
                    payroll_number=f"P{index:06d}",
                    carer=index % 97 == 0,
                    disabled_worker=index % 89 == 0,
                )
            )
        m.EmployeeFile.objects.bulk_create(files, batch_size=5000)
        it_team, _created = Team.objects.update_or_create(
            name="Télétravail bench IT", defaults={"kind": "it", "lead": hr[0]}
        )
        if not Queue.objects.filter(kind="it", is_active=True).exists():
            calendar = BusinessCalendar.objects.filter(
                name="Bench télétravail"
            ).first() or calendar_create(
                name="Bench télétravail",
                holiday_country="",
                hours=[(d, dt.time(9), dt.time(18)) for d in range(5)],
            )
            Queue.objects.create(
                name="Support IT (bench télétravail)", kind="it", team=it_team, calendar=calendar
            )
        counts["employees"] = len(users)
        counts["teams"] = len(teams)

    with timer.phase("agreements, versions, signatures, checklists"), transaction.atomic():
        agreements: list[m.Agreement] = []
        plans: list[tuple[m.Agreement, list[tuple[dt.date, list[int]]], str]] = []
        steps = {p: list(p.onboarding_steps.all()) for p in policies.values()}
        for user in users:
            policy = policies[entity_of[user.pk].pk]
            roll = rng.random()
            address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {rng.choice(CITIES)}"
            cursor_day = origin + dt.timedelta(days=rng.randint(0, 200))
            history: list[tuple[str, str, dt.date, dt.date | None]] = []
            if roll < 0.15:  # an agreement that ended, then a new one
                end = cursor_day + dt.timedelta(days=rng.randint(120, 400))
                history.append(("regular", "ended", cursor_day, end))
                cursor_day = end + dt.timedelta(days=rng.randint(30, 120))
            if roll < 0.75:
                history.append(("regular", "active", min(cursor_day, today), None))
            elif roll < 0.82:
                history.append(("occasional", "active", min(cursor_day, today), None))
            elif roll < 0.92:
                status = rng.choice(
                    ["pending_manager", "pending_hr", "pending_signatures", "signed"]
                )
                history.append(
                    ("regular", status, today + dt.timedelta(days=rng.randint(3, 40)), None)
                )
            for kind, status, start, end in history:
                days = (
                    sorted(rng.sample(range(5), rng.choice([1, 2, 2, 3])))
                    if kind == "regular"
                    else []
                )
                versions = [(start, days)]
                if status == "active" and kind == "regular" and rng.random() < 0.3:
                    later = start + dt.timedelta(
                        days=rng.randint(90, max(91, (today - start).days or 91))
                    )
                    if later < today:
                        versions.append(
                            (later, sorted(rng.sample(range(5), rng.choice([1, 2, 3]))))
                        )
                agreement = m.Agreement(
                    employee=user,
                    policy=policy,
                    kind=kind,
                    status=status,
                    initiated_by=user,
                    initiator_party="employee",
                    start_date=start,
                    adaptation_ends_on=adaptation_end(start, 3) if kind == "regular" else None,
                    manager_id=user.manager_id,
                    ends_on=end,
                    return_to_office_on=end + dt.timedelta(days=1) if end else None,
                    activated_at=timezone.make_aware(dt.datetime.combine(start, dt.time(8)))
                    if status in ("active", "ended")
                    else None,
                    created_at=timezone.make_aware(
                        dt.datetime.combine(start - dt.timedelta(days=20), dt.time(10))
                    ),
                    hr_validated_by=hr[0]
                    if status not in ("pending_manager", "pending_hr")
                    else None,
                )
                agreements.append(agreement)
                plans.append((agreement, versions, address))
        m.Agreement.objects.bulk_create(agreements, batch_size=2000)
        versions: list[m.AgreementVersion] = []
        for agreement, spans, address in plans:
            for number, (effective, days) in enumerate(spans, start=1):
                last = number == len(spans)
                if agreement.status in ("pending_manager", "pending_hr", "pending_signatures"):
                    vstatus = "pending"
                else:
                    vstatus = "signed" if last else "superseded"
                text = (
                    f"ACCORD DE TÉLÉTRAVAIL — version {number}\nSalarié : {agreement.employee_id}\n"
                    f"Jours : {days}\nLieu : {address}\nÀ partir du {effective:%d/%m/%Y}\n"
                )
                versions.append(
                    m.AgreementVersion(
                        agreement=agreement,
                        number=number,
                        status=vstatus,
                        weekdays=days,
                        days_per_month=4 if agreement.kind == "occasional" else None,
                        address=address,
                        contact_starts_at=dt.time(9),
                        contact_ends_at=dt.time(17, 30),
                        effective_from=effective,
                        text=text,
                        text_hash=hashlib.sha256(text.encode()).hexdigest(),
                        created_by_id=agreement.employee_id,
                    )
                )
        m.AgreementVersion.objects.bulk_create(versions, batch_size=2000)
        current = {}
        for version in versions:
            current[version.agreement_id] = version
        for agreement in agreements:
            agreement.current_version = current[agreement.pk]
        m.Agreement.objects.bulk_update(agreements, ["current_version"], batch_size=2000)
        signatures = []
        for version in versions:
            if version.status in ("signed", "superseded"):
                signatures.append(
                    m.Signature(
                        version=version,
                        side="employee",
                        signer_id=version.created_by_id,
                        text_hash=version.text_hash,
                    )
                )
                signatures.append(
                    m.Signature(
                        version=version, side="employer", signer=hr[0], text_hash=version.text_hash
                    )
                )
        m.Signature.objects.bulk_create(signatures, batch_size=5000)
        items = []
        now = timezone.now()
        for agreement in agreements:
            if agreement.status in ("pending_manager", "pending_hr"):
                continue
            for step in steps[agreement.policy]:
                done = agreement.status in ("active", "ended", "signed") or rng.random() < 0.5
                items.append(
                    m.OnboardingItem(
                        agreement=agreement,
                        code=step.code,
                        title_fr=step.title_fr,
                        title_en=step.title_en,
                        owner=step.owner,
                        mandatory=step.mandatory,
                        requires_document=False,
                        due_on=agreement.start_date + dt.timedelta(days=step.due_offset_days),
                        order=step.order,
                        done_at=now if done else None,
                    )
                )
        m.OnboardingItem.objects.bulk_create(items, batch_size=5000)
        counts.update(
            agreements=len(agreements),
            versions=len(versions),
            signatures=len(signatures),
            onboarding_items=len(items),
        )

    with timer.phase("declarations, absences, equipment"), transaction.atomic():
        declarations, absences, assets, assignments = [], [], [], []
        months = []
        month = origin
        while month < month_start(today):
            months.append(month)
            month = month_end(month) + dt.timedelta(days=1)
        workdays = {mo: _workdays(mo, month_end(mo), cal) for mo in months}
        by_employee: dict[int, list[m.Agreement]] = {}
        for agreement in agreements:
            by_employee.setdefault(agreement.employee_id, []).append(agreement)
        serial = 0
        for user in users:
            for year_start in range(args.years):
                for _ in range(4):
                    first = origin + dt.timedelta(days=rng.randint(0, 364) + 365 * year_start)
                    if first < today:
                        absences.append(
                            m.Absence(
                                employee=user,
                                kind=rng.choice(["leave", "leave", "absence", "office"]),
                                starts_on=first,
                                ends_on=first + dt.timedelta(days=rng.randint(0, 6)),
                            )
                        )
            live = [a for a in by_employee.get(user.pk, []) if a.status in ("active", "ended")]
            for agreement in live:
                declares = agreement.kind == "occasional" or rng.random() < 0.25
                if not declares:
                    continue
                for mo in months:
                    if mo < month_start(agreement.start_date) or (
                        agreement.ends_on and mo > agreement.ends_on
                    ):
                        continue
                    pool = [
                        d
                        for d in workdays[mo]
                        if d >= agreement.start_date
                        and (not agreement.ends_on or d <= agreement.ends_on)
                    ]
                    chosen = sorted(rng.sample(pool, min(len(pool), rng.randint(2, 8))))
                    declarations.append(
                        m.Declaration(
                            employee=user,
                            month=mo,
                            days=[d.isoformat() for d in chosen],
                            status="approved",
                            decided_by_id=user.manager_id,
                        )
                    )
            if any(a.status == "active" for a in live):
                for kind in ("laptop", "headset"):
                    serial += 1
                    asset = m.Asset(
                        kind=kind,
                        label="Bench",
                        serial_number=f"BTW-{serial:06d}",
                        state="assigned",
                    )
                    assets.append(asset)
                    assignments.append((asset, user, live[-1]))
        for extra in range(500):
            assets.append(
                m.Asset(
                    kind=rng.choice(["laptop", "headset", "screen"]),
                    label="Stock",
                    serial_number=f"BTW-S{extra:05d}",
                )
            )
        m.Declaration.objects.bulk_create(declarations, batch_size=5000)
        m.Absence.objects.bulk_create(absences, batch_size=5000)
        m.Asset.objects.bulk_create(assets, batch_size=5000)
        m.Assignment.objects.bulk_create(
            [
                m.Assignment(
                    asset=a, employee=u, agreement=ag, status="delivered", delivered_at=now
                )
                for a, u, ag in assignments
            ],
            batch_size=5000,
        )
        counts.update(
            declarations=len(declarations),
            absences=len(absences),
            assets=len(assets),
            assignments=len(assignments),
        )

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with timer.phase("VACUUM ANALYZE"), connection.cursor() as cursor:
            for model in (
                m.Agreement,
                m.AgreementVersion,
                m.Absence,
                m.Declaration,
                m.OnboardingItem,
                m.Asset,
                m.Assignment,
                m.EmployeeFile,
            ):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")

    started = time.perf_counter()
    with timer.phase("allowance lines of the month (services.allowance_refresh)"):
        counts["allowance_lines"] = services.allowance_refresh(month=today)
    counts["allowance_refresh_seconds"] = round(time.perf_counter() - started, 2)
    return {"counts": counts, "today": today.isoformat(), "origin": origin.isoformat()}


def main(args: argparse.Namespace) -> None:
    created = ensure_database(args.database_url)
    configure(args.database_url)
    from django.core.management import call_command

    timer = PhaseTimer()
    print(
        f"telework-generate into {database_name(args.database_url)} (created: {created})",
        flush=True,
    )
    with timer.phase("migrate"):
        call_command("migrate", verbosity=0)
    outcome = generate(args, timer)
    outcome["phases_seconds"] = {k: round(v, 1) for k, v in timer.phases.items()}
    outcome["total_seconds"] = round(timer.total, 1)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"telework-generate-{dt.date.today():%Y-%m-%d}.json"
    path.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(outcome["counts"], indent=2), flush=True)
    print(f"written {path.relative_to(RESULTS_DIR.parent.parent)} in {outcome['total_seconds']} s")
