"""The terms of an agreement's version, validated against the policy, the text of the
version, and the overlap check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import User
from accounts.roles import user_roles

from .. import errors
from ..models import (
    Agreement,
    AgreementVersion,
    Party,
    Policy,
)
from ..text import render_version_text, text_hash
from ._common import (
    format_date,
    weekday_labels,
)

Status = Agreement.Status
Kind = Agreement.Kind
EMPLOYEE, MANAGER, HR, SYSTEM = Party.EMPLOYEE, Party.MANAGER, Party.HR, Party.SYSTEM


# --- Terms ---------------------------------------------------------------------------------
@dataclass
class Terms:
    """What a version says, validated against the policy."""

    weekdays: list[int]
    days_per_month: int | None
    rhythm: str
    address: str
    work_accident_place: bool
    contact_starts_at: dt.time
    contact_ends_at: dt.time
    contact_weekdays: list[int]


def _overlaps_disconnect(policy: Policy, starts: dt.time, ends: dt.time) -> bool:
    """Do contact hours [starts, ends) share any minute with the disconnection period
    (which may run across midnight, or sit wholly inside the contact hours)?"""
    start, end = policy.disconnect_starts_at, policy.disconnect_ends_at
    if start == end:
        return False
    periods = [(start, end)] if start < end else [(start, dt.time.max), (dt.time.min, end)]
    return any(p_start < ends and starts < p_end for p_start, p_end in periods)


def validate_terms(
    *,
    policy: Policy,
    kind: str,
    weekdays: Sequence[int] | None,
    days_per_month: int | None,
    rhythm: str,
    address: str,
    work_accident_place: bool,
    contact_starts_at: dt.time | None,
    contact_ends_at: dt.time | None,
    contact_weekdays: Sequence[int] | None = None,
) -> Terms:
    problems: dict[str, Any] = {}
    days = sorted({int(d) for d in (weekdays or [])})
    if kind == Kind.REGULAR:
        if not days:
            problems["weekdays"] = errors.ERROR_NO_DAYS
        elif any(d < 0 or d > 4 for d in days):
            problems["weekdays"] = errors.ERROR_WEEKEND_DAY
        elif len(days) > policy.max_days_per_week:
            problems["weekdays"] = errors.ERROR_TOO_MANY_DAYS % {
                "max": policy.max_days_per_week,
                "count": len(days),
            }
        days_per_month = None
    elif kind == Kind.OCCASIONAL:
        days = []
        if not days_per_month:
            problems["days_per_month"] = errors.ERROR_DAYS_PER_MONTH
        elif days_per_month > policy.max_occasional_days_per_month:
            problems["days_per_month"] = errors.ERROR_TOO_MANY_MONTH_DAYS % {
                "max": policy.max_occasional_days_per_month
            }
    else:
        days, days_per_month = [], None
    address = (address or "").strip()
    if not address:
        problems["address"] = errors.ERROR_ADDRESS_REQUIRED
    elif len(address) > 500:
        problems["address"] = errors.ERROR_TOO_LONG % {"limit": 500}
    rhythm = (rhythm or "").strip()
    if len(rhythm) > 200:
        problems["rhythm"] = errors.ERROR_TOO_LONG % {"limit": 200}
    starts = contact_starts_at or policy.contact_starts_at
    ends = contact_ends_at or policy.contact_ends_at
    if ends <= starts:
        problems["contact_ends_at"] = errors.ERROR_CONTACT_ORDER
    elif _overlaps_disconnect(policy, starts, ends):
        problems["contact_starts_at"] = errors.ERROR_CONTACT_IN_DISCONNECT % {
            "start": policy.disconnect_starts_at.strftime("%H:%M"),
            "end": policy.disconnect_ends_at.strftime("%H:%M"),
        }
    contact_days = sorted({int(d) for d in (contact_weekdays or [0, 1, 2, 3, 4])})
    if not contact_days or any(d < 0 or d > 6 for d in contact_days):
        problems["contact_weekdays"] = errors.ERROR_NO_DAYS
    if problems:
        raise ValidationError(problems)
    return Terms(
        days, days_per_month, rhythm, address, work_accident_place, starts, ends, contact_days
    )


def _equipment_text(policy: Policy, employee: User) -> str:
    roles = set(user_roles(employee))
    items = [e for e in policy.equipment.all() if e.role in roles]
    seen: dict[str, int] = {}
    for item in items:
        seen[item.get_kind_display()] = max(seen.get(item.get_kind_display(), 0), item.quantity)
    return ", ".join(f"{qty} × {name}" for name, qty in sorted(seen.items()))


def _allowance_terms(policy: Policy, on: dt.date) -> str:
    from django.utils.translation import gettext

    from .allowance import rate_for

    rate = rate_for(policy.allowance_rate_set, on)
    if rate is None:
        return gettext("per the dated rate table (%(rates)s)") % {
            "rates": policy.get_allowance_rate_set_display()
        }
    return gettext(
        "%(daily)s EUR per telework day, at most %(cap)s EUR a month, per the dated rate "
        "table (rates in force on %(date)s)"
    ) % {"daily": rate.daily_amount, "cap": rate.monthly_cap, "date": format_date(rate.valid_from)}


def build_version(
    *,
    agreement: Agreement,
    number: int,
    terms: Terms,
    effective_from: dt.date,
    created_by: User,
    status: str,
    change_note: str = "",
) -> AgreementVersion:
    """Render and hash the text for these terms (in the employee's language), unsaved."""
    from django.utils import translation

    policy = agreement.policy
    employee = agreement.employee
    language = employee.language or "fr"
    with translation.override(language):
        context = {
            "number": number,
            "entity": policy.legal_entity,
            "employee_name": employee.get_full_name() or employee.email,
            "legal_basis": policy.get_legal_basis_display(),
            "policy": policy,
            "kind": agreement.kind,
            "kind_label": Kind(agreement.kind).label,
            "reason": agreement.exceptional_reason,
            "start_date": agreement.start_date,
            "end_date": agreement.end_date,
            "effective_from": effective_from,
            "weekday_labels": weekday_labels(terms.weekdays),
            "days_per_month": terms.days_per_month,
            "rhythm": terms.rhythm,
            "address": terms.address,
            "work_accident_place": terms.work_accident_place,
            "contact_starts_at": terms.contact_starts_at,
            "contact_ends_at": terms.contact_ends_at,
            "contact_day_labels": weekday_labels(terms.contact_weekdays),
            "equipment": _equipment_text(policy, employee),
            "allowance_terms": _allowance_terms(policy, effective_from),
            "adaptation_ends_on": agreement.adaptation_ends_on,
            "notice_unit": policy.get_notice_unit_display(),
            "mutual": policy.ending_after_adaptation == Policy.EndingAfterAdaptation.MUTUAL,
            "change_note": change_note,
            "policy_text": policy.text_for(language),
        }
    text = render_version_text(language=language, **context)
    return AgreementVersion(
        agreement=agreement,
        number=number,
        status=status,
        weekdays=terms.weekdays,
        days_per_month=terms.days_per_month,
        rhythm=terms.rhythm,
        address=terms.address,
        work_accident_place=terms.work_accident_place,
        contact_starts_at=terms.contact_starts_at,
        contact_ends_at=terms.contact_ends_at,
        contact_weekdays=terms.contact_weekdays,
        effective_from=effective_from,
        text=text,
        text_hash=text_hash(text),
        language=language,
        change_note=change_note,
        created_by=created_by,
    )


# --- Overlaps ------------------------------------------------------------------------------
def check_no_overlap(
    *,
    employee: User,
    start: dt.date,
    end: dt.date | None,
    exclude_pk: int | None = None,
    exceptional: bool = False,
) -> None:
    """Regular and occasional agreements of one employee never overlap; exceptional
    telework (imposed) may run over them, but never over another exceptional one."""
    far = dt.date.max
    same_family = Q(kind=Kind.EXCEPTIONAL)
    others = (
        Agreement.objects.filter(employee=employee)
        .filter(same_family if exceptional else ~same_family)
        .filter(Q(status__in=Agreement.LIVE_STATUSES) | Q(status=Status.ENDED))
        .exclude(pk__in=[exclude_pk] if exclude_pk else [])
        .filter(start_date__lte=end or far)
    )
    for other in others:
        last = other.last_day
        if other.status == Status.ENDED and last is None:
            continue
        if last is None or last >= start:
            period = format_date(other.start_date) + (f" – {format_date(last)}" if last else " – …")
            raise ValidationError(
                errors.ERROR_OVERLAP % {"user": employee, "period": period}, code="overlap"
            )
