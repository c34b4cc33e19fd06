"""Territories: a French postcode's département, and parsing of the rules' lists."""

from __future__ import annotations

import re

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
