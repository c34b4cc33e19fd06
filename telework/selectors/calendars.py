"""The telework calendars: who works from home on which day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Team, User

from ..dates import WorkCalendar, days_in
from ..models import (
    Agreement,
    AgreementVersion,
    LegalEntity,
)
from ..schedule import AbsenceSpan, EmployeeSchedule, VersionSpan, periods_for_agreement
from .agreements import Status, is_hr


@dataclass
class CalendarRow:
    employee: User
    places: list[str] = field(default_factory=list)
    cells: str = ""


def employees_for_calendar(*, user: User, team: Team | None) -> QuerySet[User]:
    """HR picks any team; a manager sees their direct reports (and the team they lead)."""
    qs = User.objects.filter(is_active=True)
    if team is not None:
        if not is_hr(user) and team.lead_id != user.pk:
            raise Http404
        qs = qs.filter(teams=team)
    elif is_hr(user):
        qs = qs.filter(telework_agreements__status__in=[Status.ACTIVE, Status.SIGNED])
    else:
        qs = qs.filter(manager=user)
    return qs.distinct().order_by("last_name", "first_name", "pk")


def team_calendar(
    *, employees: list[User], first: dt.date, last: dt.date, calendar: WorkCalendar
) -> tuple[list[dt.date], list[CalendarRow]]:
    """Where each employee works each day of [first, last]: three queries for any
    number of people."""
    days = list(days_in(first, last))
    ids = [e.pk for e in employees]
    schedules: dict[int, EmployeeSchedule] = defaultdict(EmployeeSchedule)
    today = timezone.localdate()
    agreements = (
        Agreement.objects.filter(
            employee_id__in=ids, status__in=Agreement.IN_FORCE_STATUSES, start_date__lte=last
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.filter(status__in=AgreementVersion.IN_FORCE).only(
                    "agreement_id", "effective_from", "weekdays"
                ),
                to_attr="in_force_versions",
            )
        )
    )
    for agreement in agreements:
        schedules[agreement.employee_id].periods.extend(
            periods_for_agreement(
                agreement_id=agreement.pk,
                kind=agreement.kind,
                status=agreement.status,
                start_date=agreement.start_date,
                last_day=agreement.last_day,
                activated_on=timezone.localdate(agreement.activated_at)
                if agreement.activated_at
                else None,
                versions=[
                    VersionSpan(v.effective_from, v.weekdays) for v in agreement.in_force_versions
                ],  # type: ignore[attr-defined]
                today=today,
            )
        )
    from ..models import Absence

    for employee_id, starts, ends, kind in Absence.objects.filter(
        employee_id__in=ids, starts_on__lte=last, ends_on__gte=first
    ).values_list("employee_id", "starts_on", "ends_on", "kind"):
        schedules[employee_id].absences.append(AbsenceSpan(starts, ends, kind))
    rows = []
    for employee in employees:
        schedule = schedules[employee.pk]
        rows.append(CalendarRow(employee, [schedule.place_on(day, calendar) for day in days]))
    return days, rows


def default_calendar() -> WorkCalendar:
    entity = LegalEntity.objects.order_by("pk").first()
    if entity is None:
        return WorkCalendar()
    return WorkCalendar(entity.holiday_country, entity.holiday_subdivision)
