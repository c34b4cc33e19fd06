from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.demo import DEMO_DOMAIN, DEMO_PEOPLE, DemoContext, seeders
from accounts.models import User


class Command(BaseCommand):
    help = "Create demo teams, one login per role and every app's demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (deterministic).")
        parser.add_argument(
            "--force", action="store_true", help="Allow with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (used by `make run`).",
        )

    def handle(self, *args: Any, seed: int, force: bool, if_empty: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password; it is refused when "
                "DEBUG is off. Pass --force if this really is a demo instance."
            )
        if if_empty and User.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        ctx = DemoContext(rng=random.Random(seed), registry={}, log=self._log)
        with transaction.atomic():
            for _order, name, seeder in seeders():
                self.stdout.write(f"Seeding {name}...")
                seeder(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password: relais-demo):"))
        for local, _first, _last, roles in DEMO_PEOPLE:
            self.stdout.write(
                f"  {local + '@' + DEMO_DOMAIN:<28} {', '.join(str(r) for r in roles)}"
            )

    def _log(self, message: str) -> None:
        self.stdout.write(f"  {message}")
