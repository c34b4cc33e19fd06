"""Import email from files: .eml files, mbox files, Maildir directories (any mix).

Each message goes through the same service as the mail gateway and IMAP: stored once
(deduplicated), then processed by the worker, or right away with --now.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from channels.inbound.services import inbound_process, inbound_receive
from channels.models import InboundEmail


def _messages(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        if (path / "cur").is_dir() or (path / "new").is_dir():
            box = mailbox.Maildir(str(path), factory=None, create=False)
            for key in box.iterkeys():
                yield f"{path}:{key}", box.get_bytes(key)
            return
        for child in sorted(path.iterdir()):
            if child.is_file() or child.is_dir():
                yield from _messages(child)
        return
    head = path.open("rb").read(5)
    if head.startswith(b"From "):
        box = mailbox.mbox(str(path), factory=None, create=False)
        for key in box.iterkeys():
            yield f"{path}#{key}", box.get_bytes(key)
        return
    yield str(path), path.read_bytes()


class Command(BaseCommand):
    help = "Import .eml files, mbox files or Maildir folders as inbound email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--now", action="store_true", help="process here instead of in the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {"new": 0, "duplicate": 0, "empty": 0}
        for path in options["paths"]:
            if not path.exists():
                raise CommandError(f"{path}: no such file or directory")
            for label, raw in _messages(path):
                try:
                    if options["now"]:
                        with transaction.atomic():
                            row, created = inbound_receive(
                                raw=raw, source=InboundEmail.Source.COMMAND
                            )
                    else:
                        row, created = inbound_receive(raw=raw, source=InboundEmail.Source.COMMAND)
                except ValidationError:
                    counts["empty"] += 1
                    self.stderr.write(f"{label}: empty, skipped")
                    continue
                if options["now"] and created:
                    inbound_process(inbound_id=row.pk)
                    row.refresh_from_db()
                counts["new" if created else "duplicate"] += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{label}: {row.get_status_display()}")
        self.stdout.write(
            f"{counts['new']} new, {counts['duplicate']} already received, {counts['empty']} empty"
        )
