"""Country codes: ISO 3166-1 alpha-2, checked against django-countries' maintained list.

Stored as two upper-case letters ("FR"), so the codes already in the database stay valid;
any two letters used to pass (`QQ`, `XX`). The model fields carry these validators, so the
services' `full_clean()` (API, pages, CSV import) and the admin's forms refuse the same
codes with the same message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

ERROR_COUNTRY = _("“%(code)s” is not an ISO country code: use two letters such as FR or BE.")


def is_country_code(code: str) -> bool:
    """Whether `code` is an assigned ISO 3166-1 alpha-2 code, in upper case."""
    return len(code) == 2 and code.isascii() and code.isupper() and countries.alpha2(code) == code


def validate_country(value: str) -> None:
    if not is_country_code(value):
        raise ValidationError(ERROR_COUNTRY, code="country", params={"code": value})


def validate_optional_country(value: str) -> None:
    """An empty value is allowed (the field's `blank` decides whether it may be empty)."""
    if value:
        validate_country(value)


def country_list(value: str) -> list[str]:
    """The codes of a list separated by commas, semicolons or spaces, as the routing reads
    it (sales.territory.split_list): "fr, BE" -> ["FR", "BE"]."""
    return [part.upper() for part in re.split(r"[,;\s]+", value or "") if part]


def validate_country_list(value: str) -> None:
    """A comma-separated list of codes ("FR, BE"); every one must be ISO."""
    wrong = [code for code in country_list(value) if not is_country_code(code)]
    if wrong:
        raise ValidationError(ERROR_COUNTRY, code="country", params={"code": ", ".join(wrong)})
