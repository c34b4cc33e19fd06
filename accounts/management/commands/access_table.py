"""`manage.py access_table`: write docs/permissions.md from the apps' access.py tables."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relais.access_table import docs_path, render


class Command(BaseCommand):
    help = "Render the role x URL table (every app's access.py) into docs/permissions.md."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Exit 1 if docs/permissions.md is out of date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = docs_path()
        text = render()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                self.stderr.write(f"{path} is out of date: run manage.py access_table")
                raise SystemExit(1)
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
