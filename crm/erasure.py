"""Right to erasure, complete by design (docs/privacy.md).

Every app declares, with `crm.registry.register_personal_data`, the fields of its models
that may hold a contact's personal data. `erase_personal_data` runs every declaration,
then the legacy erase hooks, in the caller's transaction:

1. `identifiers_for` gathers what identifies the person: every email, every phone (E.164,
   national, international, with and without spaces, dots, dashes), the full name and the
   distinctive name parts (rule below).
2. Each declaration's rows (through its `contact_path`, or by the identifiers they contain
   when it has none) are deleted, blanked (one UPDATE per declaration) or scrubbed (read
   in chunks, only changed rows written back with `bulk_update`).
3. Files of deleted or blanked file fields are removed from storage once the transaction
   commits (a rollback keeps them with their rows).

**The name rule.** The full name ("first last" and "last first") is always replaced. A
single name part (a first name, a last name, each part of a compound name) is replaced
alone when it is distinctive: at least three letters and not a particle ("de", "van"...).
"Li" or "Ng" alone is too likely to be part of another word to be replaced on its own;
they go inside the full name and the emails. Matching ignores case and accents
("Lefèvre", "LEFEVRE", "lefevre") and respects word boundaries ("Zoé" is not replaced in
"Zoélie").
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

import phonenumbers
from django.apps import apps
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext

from .registry import PersonalData, erase_hooks, personal_data

CHUNK = 500
MIN_NAME_LETTERS = 3
PARTICLES = frozenset(
    [
        "d",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "la",
        "le",
        "les",
        "lo",
        "van",
        "von",
        "zu",
        "ben",
        "bin",
        "ibn",
        "mac",
        "mc",
        "st",
        "ste",
        "saint",
        "sainte",
    ]
)
# Dashes and apostrophes people type in names: hyphen, hyphen, en dash; ' and right quote.
DASHES = "-\u2010\u2013"
APOSTROPHES = "'\u2019"
SEPARATOR = r"[\s\-" + DASHES[1:] + "]+"


def marker() -> str:
    """What replaces an identifier in free text, in the language of the erasing user."""
    return gettext("[erased]")


def _unaccent(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Every Latin letter with its accented forms, for accent-insensitive patterns.
_VARIANTS: dict[str, set[str]] = {}
for _code in range(0x41, 0x250):
    _char = chr(_code)
    _base = _unaccent(_char).lower()
    if len(_base) == 1 and _base.isalpha():
        _VARIANTS.setdefault(_base, set()).update({_char.lower(), _char.upper()})


def _letter_class(char: str) -> str:
    base = _unaccent(char).lower()
    if len(base) == 1 and base in _VARIANTS:
        return "[" + "".join(sorted(re.escape(v) for v in _VARIANTS[base])) + "]"
    if char.isspace() or char in DASHES:
        return SEPARATOR
    if char in APOSTROPHES:
        return f"[{APOSTROPHES}]"
    return re.escape(char)


def _name_pattern(name: str) -> str:
    return r"(?<!\w)" + "".join(_letter_class(c) for c in name) + r"(?!\w)"


def _email_pattern(email: str) -> str:
    local, _, domain = email.partition("@")
    return re.escape(local) + "(?:@|%40|&#64;|&#x40;)" + re.escape(domain)


def _digits_pattern(digits: str) -> str:
    return r"[\s.\-/]?".join(digits)


@dataclass(frozen=True)
class Phone:
    e164: str
    country_code: int
    national_prefix: str  # "0" in France
    significant: str  # "612345678"

    def pattern(self) -> str:
        body = r"(?:\(0\)[\s.\-]?)?" + _digits_pattern(self.significant)
        international = rf"(?:\+|00)[\s.\-]?{self.country_code}[\s.\-]?" + body
        if self.national_prefix:
            national = re.escape(self.national_prefix) + r"[\s.\-]?" + body
            return rf"(?<![\d+])(?:{international}|{national})(?!\d)"
        return rf"(?<![\d+])(?:{international}|{body})(?!\d)"

    def formats(self) -> list[str]:
        """The written forms looked for in rows that have no link to the contact, and by
        the erase-and-dump test."""
        national = self.national_prefix + self.significant
        pairs = [national[i : i + 2] for i in range(0, len(national), 2)]
        forms = {self.e164, national, " ".join(pairs), ".".join(pairs), "-".join(pairs)}
        number = phonenumbers.parse(self.e164)
        forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
        return sorted(forms)


def parse_phone(value: str) -> Phone | None:
    try:
        number = phonenumbers.parse(str(value), "FR")
    except phonenumbers.NumberParseException:
        return None
    significant = phonenumbers.national_significant_number(number)
    national = re.sub(
        r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    prefix = national[: -len(significant)] if national.endswith(significant) else ""
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        country_code=number.country_code or 33,
        national_prefix=prefix,
        significant=significant,
    )


def distinctive(part: str) -> bool:
    letters = [c for c in _unaccent(part) if c.isalpha()]
    return len(letters) >= MIN_NAME_LETTERS and _unaccent(part).lower() not in PARTICLES


@dataclass(frozen=True)
class Identifiers:
    """What identifies one person, and the patterns that find it in free text."""

    emails: tuple[str, ...]
    phones: tuple[Phone, ...]
    full_names: tuple[str, ...]
    name_parts: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.emails or self.phones or self.full_names or self.name_parts)

    def regex(self) -> re.Pattern[str] | None:
        # Longest first: an email before the name it contains, the full name before its parts.
        alternatives = (
            [_email_pattern(e) for e in sorted(self.emails, key=len, reverse=True)]
            + [p.pattern() for p in self.phones]
            + [_name_pattern(n) for n in sorted(self.full_names, key=len, reverse=True)]
            + [_name_pattern(n) for n in sorted(self.name_parts, key=len, reverse=True)]
        )
        if not alternatives:
            return None
        return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)

    def strong_literals(self) -> list[str]:
        """Substrings that find rows with no link to the contact: emails, phones in their
        usual written forms, full names (with and without accents, and as JSON escapes
        them). Name parts alone are too common to select someone else's rows."""
        forms: set[str] = set(self.emails)
        for phone in self.phones:
            forms.update(phone.formats())
        for name in self.full_names:
            forms.update({name, _unaccent(name)})
        forms.update({json.dumps(f)[1:-1] for f in list(forms)})
        return sorted(f for f in forms if f)

    def all_literals(self) -> list[str]:
        """Every written form, name parts included (what the erase-and-dump test checks)."""
        forms = set(self.strong_literals())
        for part in self.name_parts:
            forms.update({part, _unaccent(part), json.dumps(part)[1:-1]})
        return sorted(forms)


def contact_ids_to_erase(contact_id: int) -> list[int]:
    """The contact and the duplicates merged into it (they hold its old identity)."""
    from .models import Contact

    ids = [contact_id]
    frontier = [contact_id]
    while frontier:
        frontier = list(
            Contact.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return ids


def identifiers_for(contact_ids: Iterable[int]) -> Identifiers:
    from .models import Call, Contact, ContactEmail, ContactPhone

    ids = list(contact_ids)
    emails = {
        e.strip().lower()
        for e in ContactEmail.objects.filter(contact__in=ids).values_list("email", flat=True)
        if e and e.strip()
    }
    numbers = [
        str(n)
        for n in ContactPhone.objects.filter(contact__in=ids).values_list("number", flat=True)
    ]
    numbers += [
        str(n)
        for n in Call.objects.filter(contact__in=ids)
        .exclude(number="")
        .values_list("number", flat=True)
    ]
    phones = {p.e164: p for p in (parse_phone(n) for n in numbers if n) if p is not None}
    full_names: set[str] = set()
    parts: set[str] = set()
    for first, last in Contact.objects.filter(pk__in=ids).values_list("first_name", "last_name"):
        first, last = " ".join(first.split()), " ".join(last.split())
        if first and last:
            full_names.update({f"{first} {last}", f"{last} {first}"})
        for name in (first, last):
            words = [w for w in re.split(SEPARATOR, name) if w]
            if len(words) > 1 and distinctive(name):
                parts.add(name)  # "Jean-Pierre" as a whole too
            parts.update(w for w in words if distinctive(w))
    from .services import ERASED_NAME

    parts.discard(str(ERASED_NAME))
    return Identifiers(
        emails=tuple(sorted(emails)),
        phones=tuple(phones[k] for k in sorted(phones)),
        full_names=tuple(sorted(full_names)),
        name_parts=tuple(sorted(parts)),
    )


class Scrubber:
    def __init__(self, identifiers: Identifiers, replacement: str) -> None:
        self.pattern = identifiers.regex()
        self.replacement = replacement

    def text(self, value: Any) -> Any:
        if not isinstance(value, str) or not value or self.pattern is None:
            return value
        return self.pattern.sub(self.replacement, value)

    def json(self, value: Any, redact_keys: frozenset[str]) -> Any:
        if isinstance(value, dict):
            return {
                k: (
                    self.replacement
                    if k in redact_keys and v not in ("", None, [], {})
                    else self.json(v, redact_keys)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.json(v, redact_keys) for v in value]
        return self.text(value)


def _blank_value(field: models.Field[Any, Any]) -> Any:
    if field.null:
        return None
    if isinstance(field, models.JSONField):
        default = field.get_default()
        return default if isinstance(default, list | dict) else {}
    if isinstance(field, models.BinaryField):
        return b""
    return ""


def _rows(declaration: PersonalData, contact_ids: list[int], ids: Identifiers) -> Any:
    model = apps.get_model(declaration.model)
    queryset = model._default_manager.all()
    if declaration.contact_path is None:
        literals = ids.strong_literals()
        texts = (models.CharField, models.TextField)
        fields = (
            declaration.scrub_text
            + declaration.json
            + tuple(
                f
                for f in (*declaration.blank, *declaration.replace)
                if isinstance(model._meta.get_field(f), texts)
            )
        )
        if not literals or not fields:
            return queryset.none()
        annotations = {f"_erase_{f}": Cast(f, TextField()) for f in declaration.json}
        conditions = [
            Q(**{f"{'_erase_' + f if f in declaration.json else f}__icontains": literal})
            for f in fields
            for literal in literals
        ]
        return queryset.annotate(**annotations).filter(reduce(or_, conditions))
    if declaration.contact_path == "":
        return queryset.filter(pk__in=contact_ids)
    return queryset.filter(**{f"{declaration.contact_path}__in": contact_ids})


def _file_names(
    queryset: Any, fields: Iterable[models.Field[Any, Any]]
) -> Iterator[tuple[Storage, str]]:
    for field in fields:
        storage = field.storage  # type: ignore[attr-defined]
        for name in queryset.exclude(**{field.name: ""}).values_list(field.name, flat=True):
            if name:
                yield storage, name


def _run(
    declaration: PersonalData,
    contact_ids: list[int],
    ids: Identifiers,
    scrubber: Scrubber,
    files: list[tuple[Storage, str]],
) -> None:
    model = apps.get_model(declaration.model)
    rows = _rows(declaration, contact_ids, ids)
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if declaration.delete:
        files.extend(_file_names(rows, file_fields))
        pks = list(rows.values_list("pk", flat=True))
        model._default_manager.filter(pk__in=pks).delete()
        return
    pks = list(rows.values_list("pk", flat=True).order_by("pk"))
    if not pks:
        return
    if declaration.blank:
        blanked = [model._meta.get_field(name) for name in declaration.blank]
        target = model._default_manager.filter(pk__in=pks)
        files.extend(_file_names(target, [f for f in blanked if f in file_fields]))
        target.update(**{f.name: _blank_value(f) for f in blanked})
    for name in declaration.replace:
        model._default_manager.filter(pk__in=pks).exclude(**{name: ""}).update(
            **{name: scrubber.replacement}
        )
    text_fields = declaration.scrub_text
    json_fields = declaration.json
    if not (text_fields or json_fields):
        return
    redact = frozenset(declaration.redact_keys)
    fields = [*text_fields, *json_fields]
    for start in range(0, len(pks), CHUNK):
        changed = []
        for row in model._default_manager.filter(pk__in=pks[start : start + CHUNK]).only(*fields):
            dirty = False
            for name in text_fields:
                old = getattr(row, name)
                new = scrubber.text(old)
                if new != old:
                    setattr(row, name, new)
                    dirty = True
            for name in json_fields:
                old = getattr(row, name)
                new = scrubber.json(old, redact)
                if new != old:
                    setattr(row, name, new)
                    dirty = True
            if dirty:
                changed.append(row)
        if changed:
            model._default_manager.bulk_update(changed, fields, batch_size=CHUNK)


def erase_personal_data(*, contact: Any, contact_ids: list[int], identifiers: Identifiers) -> None:
    """Run every declaration, then the legacy erase hooks, in the caller's transaction.
    Declarations that delete run first (their rows need no scrubbing), then the others."""
    scrubber = Scrubber(identifiers, marker())
    files: list[tuple[Storage, str]] = []
    declarations = sorted(personal_data(), key=lambda d: (not d.delete, d.model))
    for declaration in declarations:
        _run(declaration, contact_ids, identifiers, scrubber, files)
    for hook in erase_hooks():
        hook(contact)
    _neutral_timeline(contact_ids)
    if files:
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        with contextlib.suppress(OSError):  # already gone: the point was that it should not stay
            storage.delete(name)


def _neutral_timeline(contact_ids: list[int]) -> None:
    """The timeline keeps its rows ("Ticket T-12 opened (Email): [erased]"): a kind that
    renders its line from `data` gets its stored summary rebuilt from the scrubbed data,
    so an old subject or excerpt in the writer's summary does not survive."""
    from . import timeline
    from .models import Activity

    for start_rows in _chunks(
        Activity.objects.filter(contact__in=contact_ids).only("id", "kind", "summary", "data")
    ):
        changed = []
        for activity in start_rows:
            kind = timeline.get_kind(activity.kind)
            if kind.describe is None:
                continue
            try:
                summary = kind.describe(activity)[:300]
            except (KeyError, TypeError, ValueError):
                summary = marker()
            if summary != activity.summary:
                activity.summary = summary
                changed.append(activity)
        Activity.objects.bulk_update(changed, ["summary"], batch_size=CHUNK)


def _chunks(queryset: Any) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in queryset.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
