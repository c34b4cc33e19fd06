"""Territories: a French postcode's département, and parsing of the rules' lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NOT_DIGIT = re.compile(r"\D")


def departement_of(postcode: str, country: str = "FR") -> str:
    """The département of a French postcode: "75011" -> "75", "97230" -> "972",
    "20000" -> "2A" (Corse-du-Sud, 200xx-201xx), "20200" -> "2B" (Haute-Corse)."""
    if (country or "FR").upper() not in {"FR", "MC"}:
        return ""
    digits = _NOT_DIGIT.sub("", postcode or "")
    if len(digits) < 2:
        return ""
    if digits.startswith(("97", "98")):
        return digits[:3]
    if digits.startswith("20"):
        return "2A" if digits[:3] in {"200", "201"} else "2B"
    return digits[:2]


def split_list(text: str, *, upper: bool = True) -> list[str]:
    """ "75, 92 ;2a" -> ["75", "92", "2A"] (commas, semicolons or spaces)."""
    items = [item.strip() for item in re.split(r"[,;\s]+", text or "") if item.strip()]
    return [item.upper() for item in items] if upper else items


def departement_list(text: str) -> list[str]:
    """The départements of a rule, written as the admin typed them: "1" is "01" (Ain),
    "2a" is "2A"."""
    return [item.zfill(2) if item.isdigit() else item for item in split_list(text)]


def postcode_compact(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode or "").upper()


# Every département: 01-19, 21-95, Corsica 2A/2B (never "20"), overseas 971-978, 98x.
_KNOWN_DEPARTEMENT = re.compile(r"^(0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5]|2A|2B|97[1-8]|98\d)$")


def rule_list_errors(departements: str, sizes: str, size_values: Sequence[str]) -> None:
    """A routing rule's lists, as the admin typed them: raise on what would never match."""
    errors = {}
    bad = [d for d in departement_list(departements) if not _KNOWN_DEPARTEMENT.match(d)]
    if bad:
        errors["departements"] = _("Unknown départements: %(items)s.") % {"items": ", ".join(bad)}
    bad = [s for s in split_list(sizes, upper=False) if s.lower() not in size_values]
    if bad:
        errors["organisation_sizes"] = _("Unknown sizes: %(items)s (use %(known)s).") % {
            "items": ", ".join(bad),
            "known": ", ".join(size_values),
        }
    if errors:
        raise ValidationError(errors)
