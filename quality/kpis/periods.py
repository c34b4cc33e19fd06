"""The period picker's presets and the bounds every caller shares (page, API, reports)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 400
PRESETS = {
    "today": _("Today"),
    "this_week": _("This week"),
    "last_7": _("Last 7 days"),
    "last_30": _("Last 30 days"),
    "custom": _("Custom"),
}
ERROR_ORDER = _("The end date must not be before the start date.")
ERROR_RANGE = _("Choose at most %(days)s days.") % {"days": MAX_DAYS}
ERROR_CUSTOM = _("A custom period needs a start and an end date.")


def period_bounds(
    preset: str | None, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    if date_from or date_to or preset == "custom":
        if not (date_from and date_to):
            raise ValidationError({"from": ERROR_CUSTOM})
    elif preset == "today":
        date_from = date_to = today
    elif preset == "this_week":
        date_from, date_to = today - dt.timedelta(days=today.weekday()), today
    elif preset == "last_30":
        date_from, date_to = today - dt.timedelta(days=29), today
    else:
        date_from, date_to = today - dt.timedelta(days=6), today
    if date_to < date_from:
        raise ValidationError({"to": ERROR_ORDER})
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationError({"to": ERROR_RANGE})
    return date_from, date_to
