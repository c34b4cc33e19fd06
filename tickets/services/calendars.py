"""Business calendars: opening hours and public holidays, which SLA clocks count in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import available_timezones

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import BusinessCalendar, Holiday, OpeningHours
from ..sla import cache as sla_cache

ERROR_CALENDAR_HOURS = _("Opening hours must close after they open.")
ERROR_TIME_ZONE = _("Unknown time zone: %(zone)s.")
ERROR_COUNTRY = _("Public holidays are not known for the country code “%(code)s”.")


def calendar_create(
    *,
    name: str,
    time_zone: str = "Europe/Paris",
    holiday_country: str = "FR",
    holiday_subdivision: str = "",
    hours: Iterable[tuple[int, dt.time, dt.time]] = (),
    load_holidays_through: int | None = None,
) -> BusinessCalendar:
    if time_zone not in available_timezones():
        raise ValidationError({"time_zone": ERROR_TIME_ZONE % {"zone": time_zone}})
    hours = list(hours)
    if any(closes <= opens for _, opens, closes in hours):
        raise ValidationError(ERROR_CALENDAR_HOURS)
    calendar = BusinessCalendar(
        name=name.strip(),
        time_zone=time_zone,
        holiday_country=holiday_country.upper(),
        holiday_subdivision=holiday_subdivision,
    )
    calendar.full_clean()
    with transaction.atomic():
        calendar.save()
        OpeningHours.objects.bulk_create(
            OpeningHours(calendar=calendar, weekday=w, opens_at=o, closes_at=c) for w, o, c in hours
        )
        calendar_load_public_holidays(
            calendar=calendar, through_year=load_holidays_through or timezone.now().year + 1
        )
    return calendar


def calendar_load_public_holidays(*, calendar: BusinessCalendar, through_year: int) -> int:
    """Load the country's public holidays for the years not loaded yet, up to through_year.

    Years already loaded are left alone, so a public holiday an admin deleted (the desk
    works that day) stays deleted."""
    if not calendar.holiday_country:
        return 0
    first = (calendar.holidays_loaded_through or timezone.now().year - 2) + 1
    if first > through_year:
        return 0
    try:
        public = holidays_lib.country_holidays(
            calendar.holiday_country,
            subdiv=calendar.holiday_subdivision or None,
            years=range(first, through_year + 1),
            language="fr" if calendar.holiday_country == "FR" else None,
        )
    except NotImplementedError as exc:
        raise ValidationError(
            {"holiday_country": ERROR_COUNTRY % {"code": calendar.holiday_country}}
        ) from exc
    rows = [
        Holiday(calendar=calendar, date=day, name=str(name)[:100]) for day, name in public.items()
    ]
    with transaction.atomic():
        Holiday.objects.bulk_create(rows, ignore_conflicts=True)
        BusinessCalendar.objects.filter(pk=calendar.pk).update(holidays_loaded_through=through_year)
    calendar.holidays_loaded_through = through_year
    sla_cache.forget()
    return len(rows)
