"""Text normalisation and phone parsing shared by the services (which store
`search_text`) and the selectors (which search it), and what the stored search text of a
contact and of an organisation is: the services, the import and the benchmark's data
generator all compute it here. Pure functions: no model, no database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

DEFAULT_REGION = "FR"
_WORD = re.compile(r"[\w@.+-]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: "Lefèvre  Zoé" -> "lefevre zoe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def parse_phone(text: str, region: str = DEFAULT_REGION, *, strict: bool = False) -> str | None:
    """E.164 form of `text` if it reads as a phone number, else None.

    Accepts "06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78".
    `strict` (for storing) wants a number that exists in the numbering plan, as the
    model field does; searching only needs a possible one.
    """
    candidate = text.strip()
    digits = sum(ch.isdigit() for ch in candidate)
    if digits < 6 or any(ch.isalpha() for ch in candidate):
        return None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    if strict and not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_search_text(
    *,
    first_name: str,
    last_name: str,
    job_title: str,
    organisation_name: str | None,
    emails: Iterable[str],
    external_ids: Iterable[str],
) -> str:
    """A contact's `search_text`: names, job title, organisation, every email address
    (primary first) and external id, lower-case and accent-free."""
    parts = [first_name, last_name, job_title]
    if organisation_name is not None:
        parts.append(organisation_name)
    parts += emails
    parts += external_ids
    return normalise(" ".join(parts))


def contact_search_name(*, first_name: str, last_name: str) -> str:
    """A contact's `search_name`, which the typo-tolerant name search compares with."""
    return normalise(f"{first_name} {last_name}")


def organisation_search_text(*, name: str, legal_id: str, city: str, sector: str) -> str:
    """An organisation's `search_text`; it starts with the name (the selectors rely on it)."""
    return normalise(" ".join([name, legal_id, city, sector]))
