"""One login identity, one spelling.

A member of staff logs in with an email address. Every place that reads one (the model,
the manager, the login and password-reset forms, the API token endpoint, django-axes'
failure counter) passes it through `normalise_email`, so that `Agent@Relais.example` and
`agent@relais.example` are the same account with the same lockout counter. The database
holds it too: emails are stored normalised (a check constraint) and are unique
case-insensitively (a unique index on `lower(email)`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.http import HttpRequest


def normalise_email(value: object) -> str:
    """The stored form of a login email: NFKC, trimmed, lower-case.

    NFKC first, as Django does for usernames, so that a look-alike compatibility
    character (a full-width A, U+FF21) is the same letter; then lower-case as a whole: staff
    mailboxes are case-insensitive in practice, and two accounts differing only by the
    case of the local part would be a trap, not a feature.
    """
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip().lower()


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """django-axes' AXES_USERNAME_CALLABLE: the identity its counters are keyed by.

    Without it axes counts the string as typed, so each case variant had its own five
    attempts, and a login with a variant both got past a lockout and, through
    AXES_RESET_ON_SUCCESS, cleared it.
    """
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    value: object = None
    if credentials:
        value = credentials.get(field)
    if value is None and request is not None:
        data = getattr(request, "data", None) or request.POST
        value = data.get(field)
    return normalise_email(value)
