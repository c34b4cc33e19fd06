from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren, siret

ERROR_LEGAL_ID = _(
    "Enter a valid SIREN (9 digits) or SIRET (14 digits); the check digit does not match."
)


def normalise_legal_id(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace() and ch not in ".-")


def validate_legal_id(value: str) -> None:
    """A French SIREN or SIRET, with its Luhn check digit (python-stdnum)."""
    compact = normalise_legal_id(value)
    if not compact:
        return
    valid = siren.is_valid(compact) if len(compact) == 9 else siret.is_valid(compact)
    if not valid:
        raise ValidationError(ERROR_LEGAL_ID, code="legal_id")
