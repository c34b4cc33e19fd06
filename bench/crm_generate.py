"""`python -m bench crm-generate`: a full-size customer record in PostgreSQL, in minutes.

Rows come from `bench.crm_rows` (pure Python, seeded); `bench.loader` streams them with
COPY. For speed the load runs in one transaction that drops the secondary indexes of
the loaded tables and rebuilds them at the end, and skips foreign-key triggers
(`session_replication_role = replica`, superuser only): the rows are consistent by
construction, which the bulk_create path of tests/test_bench_smoke.py checks with every
constraint enforced, and `verify` re-checks the references after the load.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .crm_rows import CrmPlan, SourceTypes
from .djangoenv import configure, database_name, ensure_database
from .timing import PhaseTimer

RESULTS_DIR = Path(__file__).resolve().parent / "results"
STAFF_COUNT = 20
STAFF_EMAIL = "bench-agent-{:02d}@relais.example"

LOADED_MODELS = [
    "crm.Organisation", "crm.Tag", "crm.Organisation_tags", "crm.Contact",
    "crm.ContactEmail", "crm.ContactPhone", "crm.ExternalId", "crm.Contact_tags",
    "crm.Activity", "crm.Note", "crm.Call", "crm.Consent",
]  # fmt: skip


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    build_seconds: dict[str, float] = field(default_factory=dict)
    load_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, counts: dict[str, int], build: float, load: float) -> None:
        for label, count in counts.items():
            self.rows[label] = self.rows.get(label, 0) + count
        self.build_seconds[stage] = self.build_seconds.get(stage, 0.0) + build
        self.load_seconds[stage] = self.load_seconds.get(stage, 0.0) + load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name")
    parser.add_argument("--organisations", type=int, default=CrmPlan.organisations)
    parser.add_argument("--contacts", type=int, default=CrmPlan.contacts)
    parser.add_argument("--activities", type=int, default=CrmPlan.activities)
    parser.add_argument(
        "--heavy-contact-activities", type=int, default=CrmPlan.heavy_contact_activities
    )
    parser.add_argument("--seed", type=int, default=CrmPlan.seed)
    parser.add_argument(
        "--replace",
        action="store_true",
        help="empty the crm tables first if they already hold data (never needed on a new "
        "database)",
    )


# --- Shared by the command and the smoke test ------------------------------------------
def staff_ids(count: int = STAFF_COUNT) -> list[int]:
    """Ids of the agents the generated rows name as actors/owners (created if missing)."""
    from accounts.models import User
    from accounts.services import user_create

    ids = []
    for number in range(1, count + 1):
        email = STAFF_EMAIL.format(number)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=None,
                first_name="Agent",
                last_name=f"Bench {number:02d}",
                roles=["agent"],
            )
        ids.append(user.pk)
    return ids


def source_types() -> SourceTypes:
    from django.contrib.contenttypes.models import ContentType

    from crm.models import Call, Consent, Contact, Note, Organisation

    def type_id(model: Any) -> int:
        return ContentType.objects.get_for_model(model).pk

    return SourceTypes(
        organisation=type_id(Organisation),
        contact=type_id(Contact),
        note=type_id(Note),
        call=type_id(Call),
        consent=type_id(Consent),
    )


def load_crm(
    plan: CrmPlan,
    *,
    loader: Any,
    staff: list[int],
    types: SourceTypes,
    batch_size: int = 100_000,
    progress: bool = False,
) -> LoadReport:
    """Build and write every row of `plan`; the tables must be empty."""
    from .crm_rows import build_contacts, build_organisations, iter_timeline_batches

    report = LoadReport()
    started = time.perf_counter()
    organisations = build_organisations(plan, staff_ids=staff)
    contacts = build_contacts(plan, organisations, staff_ids=staff)
    built = time.perf_counter()
    counts = loader.load_all(
        [organisations.organisations, *contacts.tables(), organisations.organisation_tags]
    )
    loaded = time.perf_counter()
    report.add("organisations and contacts", counts, built - started, loaded - built)

    batches = iter_timeline_batches(
        plan, organisations, contacts, staff_ids=staff, source_types=types, batch_size=batch_size
    )
    while True:
        started = time.perf_counter()
        batch = next(batches, None)
        if batch is None:
            break
        built = time.perf_counter()
        counts = loader.load_all(batch)
        loaded = time.perf_counter()
        report.add("timeline, notes, calls, consents", counts, built - started, loaded - built)
        if progress:
            print(f"    {report.rows.get('crm.Activity', 0):>10,} timeline rows", flush=True)
    loader.reset_sequences(LOADED_MODELS)
    return report


# --- The command ------------------------------------------------------------------------
def main(args: argparse.Namespace) -> None:
    plan = CrmPlan(
        organisations=args.organisations,
        contacts=args.contacts,
        activities=args.activities,
        heavy_contact_activities=args.heavy_contact_activities,
        seed=args.seed,
    )
    timer = PhaseTimer()
    print(f"crm-generate into {database_name(args.database_url)}: {plan}", flush=True)
    with timer.phase("create database"):
        created = ensure_database(args.database_url)
        print(f"    {'created' if created else 'already there'}")
    configure(args.database_url)

    from django.core.management import call_command
    from django.db import connection, transaction

    from crm.models import Contact, Organisation

    from .loader import Loader, postgres_indexes_dropped

    with timer.phase("migrate"):
        call_command("migrate", interactive=False, verbosity=0)

    with timer.phase("empty crm tables"):
        if Contact.objects.exists() or Organisation.objects.exists():
            if not args.replace:
                raise SystemExit(
                    "The database already holds contacts or organisations: pass --replace to "
                    "empty the crm tables (and whatever references them) first."
                )
            _empty_crm_tables()

    with timer.phase("staff users"):
        staff = staff_ids()
        types = source_types()

    loader = Loader()
    tables = [_table(label) for label in LOADED_MODELS]
    with timer.phase("build and COPY rows (indexes rebuilt at the end)"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                print("    not a superuser: foreign keys are checked row by row (slower)")
            with postgres_indexes_dropped(connection, tables) as dropped:
                print(f"    {len(dropped)} secondary indexes dropped for the load")
                report = load_crm(plan, loader=loader, staff=staff, types=types, progress=True)
                index_started = time.perf_counter()
            index_seconds = time.perf_counter() - index_started
        print(f"    indexes rebuilt in {index_seconds:.1f} s")
        for stage in report.build_seconds:
            print(
                f"    {stage}: build {report.build_seconds[stage]:.1f} s, "
                f"COPY {report.load_seconds[stage]:.1f} s"
            )

    with timer.phase("VACUUM ANALYZE"), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")

    with timer.phase("verify"):
        checks = verify(plan, report)
        for name, value in checks.items():
            print(f"    {name}: {value}")

    result = {
        "kind": "crm-generate",
        "database": database_name(args.database_url),
        "plan": asdict(plan),
        "rows": report.rows,
        "phases_seconds": {k: round(v, 2) for k, v in timer.phases.items()},
        "build_seconds": {k: round(v, 2) for k, v in report.build_seconds.items()},
        "copy_seconds": {k: round(v, 2) for k, v in report.load_seconds.items()},
        "index_rebuild_seconds": round(index_seconds, 2),
        "total_seconds": round(timer.total, 2),
        "checks": checks,
        "python": platform.python_version(),
        "faker": _faker_version(),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"crm-generate-{time.strftime('%Y-%m-%d')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"done in {timer.total:.1f} s; report written to {path}")


def verify(plan: CrmPlan, report: LoadReport) -> dict[str, Any]:
    """Counts, references (foreign-key triggers were off) and a fingerprint of the data
    that two runs with the same seed must share."""
    from django.db import connection

    checks: dict[str, Any] = {}
    with connection.cursor() as cursor:

        def scalar(query: str, params: list[Any] | None = None) -> Any:
            cursor.execute(query, params or [])
            return cursor.fetchone()[0]

        checks["activities"] = scalar("SELECT count(*) FROM crm_activity")
        checks["heavy_contact_id"] = plan.heavy_contact_id
        checks["heavy_contact_activities"] = scalar(
            "SELECT count(*) FROM crm_activity WHERE contact_id = %s", [plan.heavy_contact_id]
        )
        checks["contacts_with_organisation"] = scalar(
            "SELECT count(*) FROM crm_contact WHERE organisation_id IS NOT NULL"
        )
        dangling = {
            "crm_activity.contact_id": "SELECT count(*) FROM crm_activity a WHERE a.contact_id "
            "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM crm_contact c WHERE c.id = a.contact_id)",
            "crm_activity.organisation_id": "SELECT count(*) FROM crm_activity a WHERE "
            "a.organisation_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM crm_organisation o WHERE o.id = a.organisation_id)",
            "crm_contact.organisation_id": "SELECT count(*) FROM crm_contact c WHERE "
            "c.organisation_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM crm_organisation o WHERE o.id = c.organisation_id)",
        }
        checks["dangling_references"] = {name: scalar(q) for name, q in dangling.items()}
        checks["denormalised_organisation_mismatches"] = scalar(
            "SELECT count(*) FROM crm_activity a JOIN crm_contact c ON c.id = a.contact_id "
            "WHERE a.organisation_id IS DISTINCT FROM c.organisation_id"
        )
        checks["fingerprint_contacts"] = scalar(
            "SELECT md5(string_agg(id || ':' || search_text, ',' ORDER BY id)) FROM crm_contact"
        )
        checks["fingerprint_activities"] = scalar(
            "SELECT md5(string_agg(id || ':' || coalesce(contact_id, 0) || ':' || kind || ':' "
            "|| extract(epoch FROM occurred_at)::bigint || ':' || coalesce(actor_id, 0) || ':' "
            "|| left(md5(summary), 8), ',' ORDER BY id)) FROM crm_activity"
        )
        checks["database_size"] = scalar(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        )
    problems = [
        checks["activities"] != plan.activities,
        checks["heavy_contact_activities"] != plan.heavy_contact_activities,
        any(checks["dangling_references"].values()),
        checks["denormalised_organisation_mismatches"] != 0,
        report.rows.get("crm.Activity") != plan.activities,
    ]
    if any(problems):
        raise SystemExit(f"Verification failed: {checks}")
    return checks


def _table(label: str) -> str:
    from django.apps import apps

    return apps.get_model(label)._meta.db_table


def _empty_crm_tables() -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    tables = sorted({m._meta.db_table for m in apps.get_app_config("crm").get_models(True)})
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _faker_version() -> str:
    from importlib.metadata import version

    return version("Faker")
