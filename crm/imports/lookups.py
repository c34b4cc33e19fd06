"""The database reads the row checks make in bulk, a chunk of values at a time: phone
numbers, active contacts, organisations by name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from ..models import Contact, ContactPhone, Organisation
from ..search import normalise


def in_chunks(values: Sequence[Any], size: int = 1000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def phones_in(numbers: Sequence[str]) -> QuerySet[ContactPhone]:
    """Phone rows holding one of these E.164 numbers (stored as E.164 text)."""
    if connection.vendor == "postgresql":
        # Compared as text, the values skip the field's parsing (tens of microseconds a
        # number, a third of a large file's check); varchar-to-text is a mere relabel for
        # PostgreSQL, so the phone index still serves the lookup. Elsewhere the cast would
        # hide the index.
        return (
            ContactPhone.objects.alias(number_text=Cast("number", output_field=TextField()))
            .filter(number_text__in=numbers)
            .order_by()
        )
    return ContactPhone.objects.filter(number__in=numbers).order_by()


def active_contact_ids(ids: set[int]) -> set[int]:
    active: set[int] = set()
    for part in in_chunks(sorted(ids)):
        active.update(Contact.objects.active().filter(pk__in=part).values_list("pk", flat=True))
    return active


def organisations_named(names: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Organisations whose name equals one of `names` (case-folded), found through the
    accent-free search text (indexed on PostgreSQL) and compared exactly here, because
    SQLite's case-insensitive comparison ignores accented capitals."""
    wanted = {name for name in names if normalise(name)}
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for part in in_chunks(sorted(wanted), 100):
        condition = Q()
        for name in part:
            folded = normalise(name)
            condition |= Q(search_text=folded) | Q(search_text__startswith=f"{folded} ")
        for pk, name in Organisation.objects.filter(condition).values_list("pk", "name"):
            key = name.strip().casefold()
            if key in wanted:
                found[key].append((pk, name))
    return found
