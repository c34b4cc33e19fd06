"""The Bloctel opt-out list: numbers imported by marketing from a CSV file (the list the
Bloctel service returns), or added and removed one at a time. Every number is stored in
E.164 through crm's phone normalisation (`crm.search.parse_phone`, French numbers may be
written nationally). A file with one bad line writes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.search import parse_phone

from ..models import BloctelNumber

ERROR_FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
ERROR_FILE_EMPTY = _("The file holds no phone number.")
ERROR_FILE_ENCODING = _("The file is not UTF-8 text (export it as CSV UTF-8).")
ERROR_TOO_MANY = _("The file holds more than %(limit)s numbers: split it.")
ERROR_BAD_LINES = _("Nothing was imported: these lines are not phone numbers: %(lines)s.")
ERROR_NUMBER = _("Enter a valid phone number.")


def _file_error(message: Any, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


HEADERS = {"number", "numero", "numéro", "telephone", "téléphone", "phone", "tel", "msisdn"}
BATCH = 2000


@dataclass(frozen=True)
class ImportResult:
    read: int
    added: int
    already: int
    removed: int


def _number(value: str) -> str | None:
    return parse_phone(value, strict=True)


def bloctel_number_add(*, number: str, actor: User | None) -> BloctelNumber:
    e164 = _number(number or "")
    if e164 is None:
        raise ValidationError({"number": [ERROR_NUMBER]})
    row, _created = BloctelNumber.objects.get_or_create(
        number=e164, defaults={"imported_by": actor}
    )
    return row


def bloctel_number_remove(*, number: BloctelNumber) -> None:
    number.delete()


def _read(upload: UploadedFile) -> list[str]:
    limit = settings.CAMPAIGNS_BLOCTEL_MAX_BYTES
    if (upload.size or 0) > limit:
        raise _file_error(ERROR_FILE_TOO_LARGE % {"limit": filesizeformat(limit)}, "too_large")
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise _file_error(ERROR_FILE_TOO_LARGE % {"limit": filesizeformat(limit)}, "too_large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(ERROR_FILE_ENCODING, "encoding") from None
    if "\x00" in text:
        raise _file_error(ERROR_FILE_ENCODING, "encoding")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = next((d for d in ";\t," if d in first), ",")
    numbers: list[str] = []
    bad: list[str] = []
    for index, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cell = (cells[0] if cells else "").strip()
        if not cell:
            continue
        if index == 1 and cell.casefold() in HEADERS:
            continue
        e164 = _number(cell)
        if e164 is None:
            bad.append(str(index))
        else:
            numbers.append(e164)
    if bad:
        shown = ", ".join(bad[:10]) + ("…" if len(bad) > 10 else "")
        raise _file_error(ERROR_BAD_LINES % {"lines": shown}, "bad_lines")
    if not numbers:
        raise _file_error(ERROR_FILE_EMPTY, "empty")
    if len(numbers) > settings.CAMPAIGNS_BLOCTEL_MAX_ROWS:
        raise _file_error(
            str(ERROR_TOO_MANY) % {"limit": settings.CAMPAIGNS_BLOCTEL_MAX_ROWS}, "too_many"
        )
    return list(dict.fromkeys(numbers))


def bloctel_import(
    *, upload: UploadedFile, actor: User | None, replace: bool = False
) -> ImportResult:
    """Add the file's numbers (or, with `replace`, make the list exactly the file's)."""
    numbers = _read(upload)
    now = timezone.now()
    with transaction.atomic():
        removed = 0
        if replace:
            removed, _detail = BloctelNumber.objects.exclude(number__in=numbers).delete()
        existing: set[str] = set()
        for i in range(0, len(numbers), BATCH):
            existing.update(
                BloctelNumber.objects.filter(number__in=numbers[i : i + BATCH]).values_list(
                    "number", flat=True
                )
            )
        fresh = [
            BloctelNumber(number=n, imported_at=now, imported_by=actor)
            for n in numbers
            if n not in existing
        ]
        BloctelNumber.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
    return ImportResult(
        read=len(numbers), added=len(fresh), already=len(numbers) - len(fresh), removed=removed
    )
