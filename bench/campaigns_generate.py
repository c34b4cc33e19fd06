"""`python -m bench campaigns-generate`: a customer record for the campaigns benchmark.

The contacts, organisations, tags and timeline (with its consents) come from
`crm-generate` (run first, same options); on top of it every contact gets an email
consent decision in one set-based INSERT: about 70 % given, 10 % withdrawn later, the
rest none (so that a campaign's snapshot has real exclusions to write), and a marketing
user to own the campaigns.
"""

from __future__ import annotations

import argparse
import time

from . import crm_generate
from .crm_rows import CrmPlan

MARKETING_EMAIL = "bench-marketing@relais.example"
PASSWORD = "bench-campaigns-password"  # noqa: S105 - a throwaway benchmark database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--activities", type=int, default=400_000)
    parser.add_argument(
        "--heavy-contact-activities", type=int, default=CrmPlan.heavy_contact_activities
    )
    parser.add_argument("--seed", type=int, default=CrmPlan.seed)
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--skip-crm", action="store_true", help="the crm rows are already there")


def email_consents() -> int:
    """Email consents for the generated contacts, in one statement (idempotent: only
    contacts without an email decision yet)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO crm_consent (contact_id, channel, status, source, proof,
                                     recorded_at, recorded_by_id)
            SELECT c.id, 'email', 'given', 'bench', '',
                   now() - (c.id % 700) * interval '1 day', NULL
            FROM crm_contact c
            WHERE c.id % 10 < 8
              AND NOT EXISTS (SELECT 1 FROM crm_consent k
                              WHERE k.contact_id = c.id AND k.channel = 'email')
            """
        )
        given = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO crm_consent (contact_id, channel, status, source, proof,
                                     recorded_at, recorded_by_id)
            SELECT c.id, 'email', 'withdrawn', 'bench', '', now() - interval '1 hour', NULL
            FROM crm_contact c WHERE c.id % 10 = 7
            """
        )
        # Fresh statistics: the planner otherwise sees the table before these rows.
        cursor.execute("ANALYZE crm_consent")
    return given


def marketing_user() -> int:
    from accounts.models import User
    from accounts.services import user_create

    user = User.objects.filter(email=MARKETING_EMAIL).first()
    if user is None:
        user = user_create(
            email=MARKETING_EMAIL, first_name="Marie", last_name="Marketing", password=PASSWORD,
            roles=["marketing"],
        )  # fmt: skip
    return user.pk


def main(args: argparse.Namespace) -> None:
    if not args.skip_crm:
        crm_generate.main(args)
    else:
        from .djangoenv import configure

        configure(args.database_url)
    started = time.perf_counter()
    given = email_consents()
    marketing_user()
    print(f"  email consents: {given} given, in {time.perf_counter() - started:.1f} s")
