"""Phone numbers as telephony platforms send them, read into E.164.

Platforms and softphones send numbers in every shape: "+33612345678", "0612345678",
"06 12 34 56 78", "0033 6 12 34 56 78", "33612345678" (E.164 without the plus),
"tel:+33-6-12-34-56-78", "sip:+33612345678@pbx.example;user=phone". The customer record
stores E.164 (crm normalises on write), so a number read here matches the phone index
exactly.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings

# What platforms send when the caller withheld their number.
WITHHELD = frozenset(
    {"", "anonymous", "private", "withheld", "unknown", "restricted", "unavailable"}
)
MAX_RAW_LENGTH = 64
_URI = re.compile(r"^(?:tel|sip|sips):", re.IGNORECASE)
_ALLOWED = re.compile(r"^[0-9+().\-\s/]+$")


def default_region() -> str:
    return str(getattr(settings, "PHONENUMBER_DEFAULT_REGION", None) or "FR")


def is_withheld(raw: str) -> bool:
    return raw.strip().lower() in WITHHELD


def to_e164(raw: str, region: str | None = None) -> str | None:
    """E.164 form of `raw`, or None when it is not a phone number."""
    if not isinstance(raw, str) or len(raw) > MAX_RAW_LENGTH:
        return None
    text = _URI.sub("", raw.strip())
    text = text.split("@", 1)[0].split(";", 1)[0].strip()
    if not text or not _ALLOWED.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if not 6 <= len(digits) <= 15:
        return None
    region = region or default_region()
    candidates = [text]
    if not text.startswith("+") and not text.startswith("00"):
        candidates.append("+" + digits)  # E.164 sent without its plus
    parsed = []
    for candidate in candidates:
        try:
            parsed.append(phonenumbers.parse(candidate, region))
        except phonenumbers.NumberParseException:
            continue
    # A number of the numbering plan first; else one of a possible length (a range newer
    # than the library's metadata, an overseas number filed under +33 by a CRM import).
    for check in (phonenumbers.is_valid_number, phonenumbers.is_possible_number):
        for number in parsed:
            if check(number):
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None
