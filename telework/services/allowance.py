"""The telework allowance: the month's telework days (the schedule, minus absences and
public holidays, or the employee's approved declaration) times the daily rate in force
on the 1st of the month, capped monthly. One computation serves the dashboard (through
`AllowanceLine`, kept current after every change), the API and the payroll export."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from accounts.roles import has_role

from .. import errors
from ..dates import WorkCalendar, month_end, month_start
from ..models import (
    Absence,
    Agreement,
    AgreementVersion,
    AllowanceExport,
    AllowanceLine,
    AllowanceRate,
    Declaration,
    EmployeeFile,
    LegalEntity,
    Policy,
    ReadLog,
)
from ..permissions import TELEWORK_HR
from ..schedule import AbsenceSpan, EmployeeSchedule, VersionSpan, periods_for_agreement
from ._common import check_text, format_date, notify, parties_for, today
from .lifecycle import MANAGER

CSV_HEADER = [
    "legal_entity",
    "siren",
    "month",
    "payroll_number",
    "last_name",
    "first_name",
    "telework_days",
    "daily_rate_eur",
    "monthly_cap_eur",
    "amount_eur",
    "rates",
    "source",
]
CENT = Decimal("0.01")


def rate_for(rate_set: str, on: dt.date) -> AllowanceRate | None:
    return (
        AllowanceRate.objects.filter(rate_set=rate_set, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def check_month(month: dt.date | None) -> dt.date:
    if month is None:
        raise ValidationError({"month": errors.ERROR_MONTH_FORMAT})
    month = month_start(month)
    if month > month_start(today()):
        raise ValidationError(
            {"month": errors.ERROR_MONTH_FUTURE % {"month": month.strftime("%Y-%m")}}
        )
    return month


@dataclass
class AllowanceRow:
    employee_id: int
    last_name: str
    first_name: str
    email: str
    payroll_number: str
    days: int
    rate_set: str
    daily_amount: Decimal
    monthly_cap: Decimal
    amount: Decimal
    source: str  # "schedule" or "declaration"
    agreement_ids: list[int]


@dataclass
class MonthResult:
    entity: LegalEntity
    month: dt.date
    rows: list[AllowanceRow]
    pending_declarations: list[str]
    missing_payroll: list[str]
    missing_rates: list[str]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))


def _schedules(
    employee_ids: Iterable[int], first: dt.date, last: dt.date, on: dt.date
) -> tuple[dict[int, EmployeeSchedule], dict[int, list[Agreement]]]:
    """Schedules of these employees over [first, last], in four queries."""
    ids = list(employee_ids)
    agreements = (
        Agreement.objects.filter(
            employee_id__in=ids, status__in=Agreement.IN_FORCE_STATUSES, start_date__lte=last
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("policy")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.filter(status__in=AgreementVersion.IN_FORCE).only(
                    "agreement_id", "effective_from", "weekdays"
                ),
                to_attr="in_force_versions",
            )
        )
        .order_by("employee_id", "start_date", "pk")
    )
    schedules: dict[int, EmployeeSchedule] = defaultdict(EmployeeSchedule)
    by_employee: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in agreements:
        by_employee[agreement.employee_id].append(agreement)
        schedules[agreement.employee_id].periods.extend(
            periods_for_agreement(
                agreement_id=agreement.pk,
                kind=agreement.kind,
                status=agreement.status,
                start_date=agreement.start_date,
                last_day=agreement.last_day,
                activated_on=(
                    timezone.localdate(agreement.activated_at) if agreement.activated_at else None
                ),
                versions=[
                    VersionSpan(v.effective_from, v.weekdays)
                    for v in agreement.in_force_versions  # type: ignore[attr-defined]
                ],
                today=on,
            )
        )
    absences = Absence.objects.filter(
        employee_id__in=ids, starts_on__lte=last, ends_on__gte=first
    ).values_list("employee_id", "starts_on", "ends_on", "kind")
    for employee_id, starts, ends, kind in absences:
        schedules[employee_id].absences.append(AbsenceSpan(starts, ends, kind))
    return schedules, by_employee


def compute_month(
    *, entity: LegalEntity, month: dt.date, employee_ids: Iterable[int] | None = None
) -> MonthResult:
    """The month's allowance for every employee of `entity` under an agreement that
    month (or for `employee_ids` only). Pure reads: six queries whatever the size."""
    first, last = month_start(month), month_end(month)
    files = EmployeeFile.objects.filter(legal_entity=entity).select_related("user")
    if employee_ids is not None:
        files = files.filter(user_id__in=list(employee_ids))
    file_by_user = {f.user_id: f for f in files}
    on = today()
    schedules, agreements = _schedules(file_by_user, first, last, on)
    declarations = {
        d.employee_id: d
        for d in Declaration.objects.filter(employee_id__in=list(agreements), month=first)
    }
    rates = {rate_set: rate_for(rate_set, first) for rate_set in Policy.RateSet.values}
    calendar = WorkCalendar(entity.holiday_country, entity.holiday_subdivision)
    result = MonthResult(entity, first, [], [], [], [])
    for employee_id, employee_agreements in agreements.items():
        paid = [a for a in employee_agreements if a.policy.allowance_enabled]
        if not paid:
            continue
        file = file_by_user[employee_id]
        user = file.user
        schedule = schedules[employee_id]
        declaration = declarations.get(employee_id)
        source = "schedule"
        if declaration is not None and declaration.status == Declaration.Status.APPROVED:
            days = len(
                schedule.valid_declared_days(
                    (dt.date.fromisoformat(d) for d in declaration.days), calendar
                )
            )
            source = "declaration"
        else:
            if declaration is not None and declaration.status == Declaration.Status.PENDING:
                result.pending_declarations.append(str(user))
            days = len(schedule.scheduled_home_days(first, last, calendar))
        rate_set = paid[-1].policy.allowance_rate_set
        rate = rates[rate_set]
        if rate is None:
            result.missing_rates.append(str(Policy.RateSet(rate_set).label))
            continue
        amount = min(Decimal(days) * rate.daily_amount, rate.monthly_cap).quantize(CENT)
        if not file.payroll_number:
            result.missing_payroll.append(str(user))
        result.rows.append(
            AllowanceRow(
                employee_id=employee_id,
                last_name=user.last_name,
                first_name=user.first_name,
                email=user.email,
                payroll_number=file.payroll_number,
                days=days,
                rate_set=rate_set,
                daily_amount=rate.daily_amount,
                monthly_cap=rate.monthly_cap,
                amount=amount,
                source=source,
                agreement_ids=[a.pk for a in employee_agreements],
            )
        )
    result.rows.sort(key=lambda r: (r.payroll_number, r.last_name, r.first_name, r.employee_id))
    result.missing_rates = sorted(set(result.missing_rates))
    return result


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(sorted(names)[:limit])
    return shown + (" …" if len(names) > limit else "")


def render_csv(result: MonthResult) -> str:
    """Byte-for-byte reproducible: fixed column order, sorted rows, no timestamp."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in result.rows:
        writer.writerow(
            [
                result.entity.name,
                result.entity.siren,
                result.month.strftime("%Y-%m"),
                row.payroll_number,
                row.last_name,
                row.first_name,
                row.days,
                f"{row.daily_amount:.2f}",
                f"{row.monthly_cap:.2f}",
                f"{row.amount:.2f}",
                row.rate_set,
                row.source,
            ]
        )
    return buffer.getvalue()


def allowance_export(*, entity: LegalEntity, month: dt.date | None, actor: User) -> AllowanceExport:
    """The month's payroll file for one legal entity: complete or not at all. Refused
    (nothing written) while a declaration awaits its manager, an employee lacks a
    payroll number or no rate is in force; the same data always gives the same bytes."""
    month = check_month(month)
    with transaction.atomic():
        result = compute_month(entity=entity, month=month)
        problems = []
        if result.missing_rates:
            problems.append(
                errors.ERROR_NO_RATE
                % {"date": format_date(month), "rates": ", ".join(result.missing_rates)}
            )
        if result.pending_declarations:
            problems.append(
                errors.ERROR_PENDING_DECLARATIONS
                % {
                    "count": len(result.pending_declarations),
                    "names": _names(result.pending_declarations),
                }
            )
        if result.missing_payroll:
            problems.append(
                errors.ERROR_NO_PAYROLL_NUMBER
                % {"count": len(result.missing_payroll), "names": _names(result.missing_payroll)}
            )
        if problems:
            raise ValidationError(problems, code="incomplete")
        content = render_csv(result)
        export = AllowanceExport.objects.create(
            legal_entity=entity,
            month=month,
            created_by=actor,
            row_count=len(result.rows),
            total_amount=result.total,
            sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
            content=content,
        )
        _store_lines(result)
        # HR read these employees' telework data: each one sees it in their read log.
        ReadLog.objects.bulk_create(
            [
                ReadLog(agreement_id=agreement_id, reader=actor, channel=ReadLog.Channel.EXPORT)
                for row in result.rows
                for agreement_id in row.agreement_ids[-1:]
            ],
            batch_size=2000,
        )
    return export


def _store_lines(result: MonthResult, employee_ids: Iterable[int] | None = None) -> None:
    now = timezone.now()
    stale = AllowanceLine.objects.filter(legal_entity=result.entity, month=result.month)
    if employee_ids is not None:
        stale = stale.filter(employee_id__in=list(employee_ids))
    stale.delete()
    AllowanceLine.objects.bulk_create(
        [
            AllowanceLine(
                employee_id=row.employee_id,
                legal_entity=result.entity,
                month=result.month,
                days=row.days,
                rate_set=row.rate_set,
                daily_amount=row.daily_amount,
                monthly_cap=row.monthly_cap,
                amount=row.amount,
                computed_at=now,
            )
            for row in result.rows
        ],
        batch_size=2000,
    )


def allowance_refresh(
    *, month: dt.date, entity: LegalEntity | None = None, employee_ids: Iterable[int] | None = None
) -> int:
    """Recompute the stored lines (what the dashboard sums) for a month."""
    month = month_start(month)
    entities = [entity] if entity else list(LegalEntity.objects.all())
    count = 0
    ids = list(employee_ids) if employee_ids is not None else None
    for each in entities:
        with transaction.atomic():
            result = compute_month(entity=each, month=month, employee_ids=ids)
            _store_lines(result, ids)
        count += len(result.rows)
    return count


def allowance_refresh_later(employee_id: int, since: dt.date) -> None:
    """After a change to someone's schedule, refresh their lines from `since` (at most
    three months back) to this month, once the transaction commits."""
    current = month_start(today())
    first = max(month_start(since), month_start(current - dt.timedelta(days=92)))

    def run() -> None:
        from ..tasks import allowance_refresh_employee_task

        allowance_refresh_employee_task.delay(employee_id, first.isoformat())

    if first <= current:
        transaction.on_commit(run)


def allowance_refresh_employee(*, employee_id: int, since: dt.date) -> None:
    file = EmployeeFile.objects.select_related("legal_entity").filter(user_id=employee_id).first()
    if file is None:
        return
    month, current = month_start(since), month_start(today())
    while month <= current:
        allowance_refresh(month=month, entity=file.legal_entity, employee_ids=[employee_id])
        month = month_end(month) + dt.timedelta(days=1)


# --- Declarations and absences ------------------------------------------------------------
def _exported(entity_id: int, month: dt.date) -> bool:
    return AllowanceExport.objects.filter(legal_entity_id=entity_id, month=month).exists()


def declaration_submit(
    *, employee: User, actor: User, month: dt.date | None, days: Iterable[dt.date], note: str = ""
) -> Declaration:
    """The employee states the days they teleworked in a month (current or past)."""
    if actor.pk != employee.pk:
        raise ValidationError(errors.ERROR_ACK_NOT_YOURS, code="not_yours")
    month = check_month(month)
    note = check_text(note, "note", 1000)
    file = EmployeeFile.objects.select_related("legal_entity").filter(user=employee).first()
    if file is None:
        raise ValidationError(errors.ERROR_NO_HR_FILE % {"user": employee})
    if _exported(file.legal_entity_id, month):
        raise ValidationError(
            errors.ERROR_DECLARATION_EXPORTED % {"month": month.strftime("%Y-%m")}
        )
    wanted = sorted(set(days))
    last = month_end(month)
    if any(day < month or day > last for day in wanted):
        raise ValidationError(
            {"days": errors.ERROR_DECLARATION_MONTH % {"month": month.strftime("%Y-%m")}}
        )
    calendar = WorkCalendar(
        file.legal_entity.holiday_country, file.legal_entity.holiday_subdivision
    )
    schedules, _agreements = _schedules([employee.pk], month, last, today())
    schedule = schedules[employee.pk]
    valid = set(schedule.valid_declared_days(wanted, calendar))
    for day in wanted:
        if day in valid:
            continue
        if day.weekday() >= 5 or calendar.is_holiday(day):
            why = gettext_noop("not a working day")
        elif not schedule.covered(day):
            why = gettext_noop("no telework agreement covers it")
        else:
            why = gettext_noop("an absence is recorded that day")
        raise ValidationError(
            {"days": errors.ERROR_DECLARATION_DAY % {"day": format_date(day), "why": gettext(why)}}
        )
    with transaction.atomic():
        declaration, _created = Declaration.objects.update_or_create(
            employee=employee,
            month=month,
            defaults={
                "days": [d.isoformat() for d in wanted],
                "note": note,
                "status": Declaration.Status.PENDING,
                "submitted_at": timezone.now(),
                "decided_by": None,
                "decided_at": None,
                "decision_note": "",
            },
        )
        notify(
            [employee.manager] if employee.manager_id else [],
            title=gettext_noop("Telework days to approve: %(name)s, %(month)s"),
            url=reverse("telework:team"),
            name=str(employee),
            month=month.strftime("%Y-%m"),
        )
    return declaration


def declaration_decide(
    *, declaration: Declaration, actor: User, approve: bool, note: str = ""
) -> Declaration:
    note = check_text(note, "note", 1000)
    if not approve and not note:
        raise ValidationError({"note": errors.ERROR_REASON_REQUIRED})
    with transaction.atomic():
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("employee")
            .get(pk=declaration.pk)
        )
        if actor.pk == declaration.employee_id:
            raise ValidationError(errors.ERROR_OWN_REQUEST, code="own")
        probe = Agreement(employee=declaration.employee)
        if MANAGER not in parties_for(actor, probe):
            raise ValidationError(
                errors.ERROR_NOT_YOUR_PART % {"action": gettext_noop("approved")}, code="party"
            )
        if declaration.status != Declaration.Status.PENDING:
            raise ValidationError(errors.ERROR_DECLARATION_DECIDED, code="decided")
        declaration.status = Declaration.Status.APPROVED if approve else Declaration.Status.REFUSED
        declaration.decided_by = actor
        declaration.decided_at = timezone.now()
        declaration.decision_note = note
        declaration.save()
        allowance_refresh_later(declaration.employee_id, declaration.month)
        notify(
            [declaration.employee],
            title=(
                gettext_noop("Your telework days for %(month)s are approved")
                if approve
                else gettext_noop("Your telework days for %(month)s were refused")
            ),
            month=declaration.month.strftime("%Y-%m"),
        )
    return declaration


def absence_record(
    *, employee: User, actor: User, kind: str, starts_on: dt.date, ends_on: dt.date
) -> Absence:
    if actor.pk != employee.pk and not has_role(actor, *TELEWORK_HR):
        raise ValidationError(
            errors.ERROR_NOT_YOUR_PART % {"action": gettext_noop("recorded")}, code="party"
        )
    if kind not in Absence.Kind.values:
        raise ValidationError({"kind": errors.ERROR_KIND})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": errors.ERROR_ABSENCE_ORDER})
    with transaction.atomic():
        absence = Absence.objects.create(
            employee=employee, kind=kind, starts_on=starts_on, ends_on=ends_on, recorded_by=actor
        )
        allowance_refresh_later(employee.pk, starts_on)
    return absence


def month_total(month: dt.date) -> Decimal:
    from django.db.models import Sum

    total = AllowanceLine.objects.filter(month=month_start(month)).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")
