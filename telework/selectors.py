"""Telework reads. Permission-aware getters fetch and authorise in one step: HR data is
visible to HR, the employee and their manager only; IT reads equipment, never the
agreement's personal details. Everything else is a 404."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role, has_role

from .dates import WorkCalendar, days_in, month_start
from .models import (
    Agreement,
    AgreementVersion,
    AllowanceExport,
    AllowanceLine,
    Asset,
    AssetKind,
    Assignment,
    CallUp,
    ContinuityActivation,
    Declaration,
    EmployeeFile,
    EndRequest,
    LegalEntity,
    OnboardingItem,
    Policy,
    Purchase,
    ReadLog,
    ReserveMember,
)
from .permissions import EQUIPMENT_ROLES, RESERVE_ROLES, TELEWORK_HR
from .schedule import AbsenceSpan, EmployeeSchedule, VersionSpan, periods_for_agreement

Status = Agreement.Status


def is_hr(user: Any) -> bool:
    return has_role(user, *TELEWORK_HR)


# --- Agreements --------------------------------------------------------------------------
def agreements_visible_to(*, user: User) -> QuerySet[Agreement]:
    base = Agreement.objects.select_related("employee", "policy__legal_entity", "current_version")
    if is_hr(user):
        return base
    return base.filter(Q(employee=user) | Q(employee__manager=user))


def agreement_get_for_user(*, user: User, pk: int) -> Agreement:
    agreement = (
        agreements_visible_to(user=user).select_related("employee__manager").filter(pk=pk).first()
    )
    if agreement is None:
        raise Http404
    return agreement


def agreement_list(
    *,
    user: User,
    status: str = "",
    kind: str = "",
    team: Team | None = None,
    query: str = "",
    flagged: bool = False,
) -> QuerySet[Agreement]:
    qs = agreements_visible_to(user=user)
    if status == "pending":
        qs = qs.filter(
            status__in=[Status.PENDING_MANAGER, Status.PENDING_HR, Status.PENDING_SIGNATURES]
        )
    elif status in Status.values:
        qs = qs.filter(status=status)
    if kind in Agreement.Kind.values:
        qs = qs.filter(kind=kind)
    if team is not None:
        qs = qs.filter(employee__teams=team)
    if flagged:
        qs = qs.filter(refusal_flagged=True)
    query = " ".join((query or "").split())[:100]
    for word in query.split(" ")[:5] if query else []:
        qs = qs.filter(
            Q(employee__first_name__icontains=word)
            | Q(employee__last_name__icontains=word)
            | Q(employee__email__icontains=word)
        )
    return qs.distinct().order_by("-created_at", "-id")


def agreement_page_data(*, agreement: Agreement, user: User) -> dict[str, Any]:
    """Everything the agreement page shows, in a bounded number of queries."""
    versions = list(
        agreement.versions.select_related("created_by")
        .prefetch_related("signatures__signer")
        .order_by("-number")
    )
    items = list(agreement.onboarding_items.select_related("done_by").order_by("order", "pk"))
    end_requests = list(
        agreement.end_requests.select_related("requested_by", "decided_by").order_by("-created_at")[
            :10
        ]
    )
    assignments = list(
        agreement.assignments.select_related("asset", "provisioning_ticket", "recovery_ticket")
    )
    reads: list[ReadLog] = []
    if user.pk == agreement.employee_id or is_hr(user):
        reads = list(agreement.reads.select_related("reader").order_by("-read_at", "-id")[:50])
    file = EmployeeFile.objects.filter(user_id=agreement.employee_id).first()
    return {
        "versions": versions,
        "pending": next((v for v in versions if v.status == AgreementVersion.Status.PENDING), None),
        "items": items,
        "end_requests": end_requests,
        "assignments": assignments,
        "reads": reads,
        "hr_file": file,
    }


def reads_for_employee(*, employee: User, limit: int = 50) -> list[ReadLog]:
    return list(
        ReadLog.objects.filter(agreement__employee=employee)
        .select_related("reader", "agreement")
        .order_by("-read_at", "-id")[:limit]
    )


# --- My telework --------------------------------------------------------------------------
def my_telework(*, user: User) -> dict[str, Any]:
    agreements = list(
        Agreement.objects.filter(employee=user)
        .select_related("policy__legal_entity", "current_version")
        .order_by("-start_date", "-id")[:20]
    )
    current = next(
        (
            a
            for a in agreements
            if a.status in (Status.ACTIVE, Status.SIGNED) and a.kind != "exceptional"
        ),
        None,
    ) or next((a for a in agreements if a.status in (Status.ACTIVE, Status.SIGNED)), None)
    live = [a for a in agreements if a.status in Agreement.LIVE_STATUSES]
    items = list(
        OnboardingItem.objects.filter(agreement__in=[a.pk for a in live]).order_by(
            "due_on", "order"
        )
    )
    assignments = list(
        Assignment.objects.filter(employee=user)
        .exclude(status=Assignment.Status.RETURNED)
        .select_related("asset", "agreement__policy")
    )
    purchases = list(Purchase.objects.filter(employee=user).order_by("-requested_at")[:10])
    declarations = list(Declaration.objects.filter(employee=user).order_by("-month")[:6])
    signed_versions = list(
        AgreementVersion.objects.filter(
            agreement__employee=user, status__in=AgreementVersion.IN_FORCE
        )
        .select_related("agreement")
        .order_by("-created_at")[:20]
    )
    return {
        "agreements": agreements,
        "current": current,
        "live": live,
        "items": items,
        "assignments": assignments,
        "unacknowledged": [a for a in assignments if a.acknowledged_at is None],
        "purchases": purchases,
        "declarations": declarations,
        "documents": signed_versions,
        "reads": reads_for_employee(employee=user, limit=20),
    }


# --- Calendars ----------------------------------------------------------------------------
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
    from .models import Absence

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


# --- HR dashboard --------------------------------------------------------------------------
PENDING_STATUSES = (Status.PENDING_MANAGER, Status.PENDING_HR, Status.PENDING_SIGNATURES)


def hr_dashboard(*, on: dt.date | None = None, limit: int = 10) -> dict[str, Any]:
    """Counts and short lists; constant in the number of agreements."""
    on = on or timezone.localdate()
    by_kind = dict(
        Agreement.objects.filter(status=Status.ACTIVE)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    by_team_rows = (
        Team.objects.annotate(
            regular=Count(
                "members__telework_agreements",
                filter=Q(
                    members__telework_agreements__status=Status.ACTIVE,
                    members__telework_agreements__kind="regular",
                ),
            ),
            occasional=Count(
                "members__telework_agreements",
                filter=Q(
                    members__telework_agreements__status=Status.ACTIVE,
                    members__telework_agreements__kind="occasional",
                ),
            ),
            exceptional=Count(
                "members__telework_agreements",
                filter=Q(
                    members__telework_agreements__status=Status.ACTIVE,
                    members__telework_agreements__kind="exceptional",
                ),
            ),
        )
        .filter(Q(regular__gt=0) | Q(occasional__gt=0) | Q(exceptional__gt=0))
        .order_by("name")
        .values("pk", "name", "regular", "occasional", "exceptional")[:50]
    )
    pending = Agreement.objects.filter(status__in=PENDING_STATUSES)
    pending_counts = dict(
        pending.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    approvals = list(
        pending.filter(status__in=[Status.PENDING_MANAGER, Status.PENDING_HR])
        .select_related("employee")
        .order_by("created_at", "pk")[:limit]
    )
    signatures = list(
        pending.filter(status=Status.PENDING_SIGNATURES)
        .select_related("employee")
        .order_by("hr_validated_at", "pk")[:limit]
    )
    flagged = list(
        Agreement.objects.filter(refusal_flagged=True, status=Status.REFUSED)
        .select_related("employee", "refused_by")
        .order_by("-refused_at")[:limit]
    )
    late_items = OnboardingItem.objects.filter(
        done_at__isnull=True,
        due_on__lt=on,
        agreement__status__in=[Status.PENDING_SIGNATURES, Status.SIGNED, Status.ACTIVE],
    )
    late_list = list(
        late_items.select_related("agreement__employee").order_by("due_on", "pk")[:limit]
    )
    equipment_out = Asset.objects.filter(state__in=Asset.OUT_STATES).count()
    month = month_start(on)
    allowance = AllowanceLine.objects.filter(month=month).aggregate(
        total=models_sum("amount"), people=Count("id")
    )
    return {
        "by_kind": {kind: by_kind.get(kind, 0) for kind in Agreement.Kind.values},
        "active_total": sum(by_kind.values()),
        "by_team": list(by_team_rows),
        "pending_counts": {s: pending_counts.get(s, 0) for s in PENDING_STATUSES},
        "approvals": approvals,
        "signatures": signatures,
        "flagged": flagged,
        "late_count": late_items.count(),
        "late_items": late_list,
        "equipment_out": equipment_out,
        "allowance_month": month,
        "allowance_total": allowance["total"] or Decimal("0.00"),
        "allowance_people": allowance["people"],
    }


def models_sum(name: str) -> Any:
    from django.db.models import Sum

    return Sum(name)


# --- Equipment -----------------------------------------------------------------------------
def asset_list(*, state: str = "", kind: str = "", query: str = "") -> QuerySet[Asset]:
    qs = Asset.objects.all().prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(status=Assignment.Status.RETURNED).select_related(
                "employee"
            ),
            to_attr="open_assignments",
        )
    )
    if state in Asset.State.values:
        qs = qs.filter(state=state)
    if kind in AssetKind.values:
        qs = qs.filter(kind=kind)
    query = " ".join((query or "").split())[:100]
    if query:
        qs = qs.filter(
            Q(serial_number__icontains=query)
            | Q(label__icontains=query)
            | Q(
                assignments__employee__last_name__icontains=query,
                assignments__status__in=Assignment.OPEN_STATUSES,
            )
        ).distinct()
    return qs.order_by("kind", "serial_number")


def asset_get(*, pk: int) -> Asset:
    asset = Asset.objects.filter(pk=pk).first()
    if asset is None:
        raise Http404
    return asset


def asset_history(*, asset: Asset) -> list[Assignment]:
    return list(
        asset.assignments.select_related(
            "employee", "provisioning_ticket", "recovery_ticket", "return_recorded_by"
        ).order_by("-requested_at")[:50]
    )


def may_see_equipment(user: Any) -> bool:
    return has_role(user, *EQUIPMENT_ROLES)


# --- Onboarding -----------------------------------------------------------------------------
def item_get_for_user(*, user: User, pk: int) -> OnboardingItem:
    item = (
        OnboardingItem.objects.select_related(
            "agreement__employee", "agreement__policy__legal_entity"
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    agreement = item.agreement
    visible = (
        is_hr(user)
        or user.pk == agreement.employee_id
        or agreement.employee.manager_id == user.pk
        or (has_role(user, Role.IT) and item.owner == "it")
    )
    if not visible:
        raise Http404
    return item


def document_may_download(*, user: User, item: OnboardingItem) -> bool:
    """Attestations are served to HR and the employee only (not the manager, not IT)."""
    return is_hr(user) or user.pk == item.agreement.employee_id


def it_onboarding_items(*, limit: int = 50) -> list[OnboardingItem]:
    return list(
        OnboardingItem.objects.filter(owner="it", done_at__isnull=True)
        .filter(agreement__status__in=[Status.PENDING_SIGNATURES, Status.SIGNED, Status.ACTIVE])
        .select_related("agreement__employee")
        .order_by("due_on", "pk")[:limit]
    )


# --- Allowance ------------------------------------------------------------------------------
def exports_for(*, entity: LegalEntity | None, limit: int = 12) -> list[AllowanceExport]:
    qs = AllowanceExport.objects.select_related("legal_entity", "created_by").defer("content")
    if entity is not None:
        qs = qs.filter(legal_entity=entity)
    return list(qs.order_by("-month", "-created_at")[:limit])


def declarations_to_decide(*, user: User) -> QuerySet[Declaration]:
    qs = Declaration.objects.filter(status=Declaration.Status.PENDING).select_related("employee")
    if is_hr(user):
        return qs.filter(Q(employee__manager=user) | Q(employee__manager__isnull=True)).exclude(
            employee=user
        )
    return qs.filter(employee__manager=user)


def end_requests_to_decide(*, user: User) -> QuerySet[EndRequest]:
    """Requests the user answers: the employer's ones on their own agreement, and their
    reports' (everyone's, for HR)."""
    qs = EndRequest.objects.filter(status=EndRequest.Status.PENDING).select_related(
        "agreement__employee", "requested_by"
    )
    to_me = Q(agreement__employee=user) & ~Q(party="employee")
    from_employee = Q(party="employee") & ~Q(agreement__employee=user)
    if not is_hr(user):
        from_employee &= Q(agreement__employee__manager=user)
    return qs.filter(to_me | from_employee)


def purchases_to_decide(*, user: User) -> QuerySet[Purchase]:
    qs = Purchase.objects.filter(
        status__in=[Purchase.Status.REQUESTED, Purchase.Status.CLAIMED]
    ).select_related("employee")
    if is_hr(user):
        return qs.exclude(employee=user)
    return qs.filter(employee__manager=user, status=Purchase.Status.REQUESTED)


# --- Continuity and reserve pool --------------------------------------------------------------
def activations(*, limit: int = 20) -> list[ContinuityActivation]:
    return list(
        ContinuityActivation.objects.select_related("team", "created_by").order_by("-created_at")[
            :limit
        ]
    )


def may_see_reserve(user: Any) -> bool:
    return has_role(user, *RESERVE_ROLES)


def reserve_list(
    *, skill: str = "", language: str = "", availability: str = "", callable_only: bool = False
) -> QuerySet[ReserveMember]:
    qs = ReserveMember.objects.select_related("home_team").annotate(
        pending_callups=Count("call_ups", filter=Q(call_ups__answer=CallUp.Answer.PENDING))
    )
    if availability in ReserveMember.Availability.values:
        qs = qs.filter(availability=availability)
    if callable_only:
        qs = (
            qs.exclude(availability=ReserveMember.Availability.UNAVAILABLE)
            .filter(consent_withdrawn_at__isnull=True)
            .exclude(category=ReserveMember.Category.FORMER_AGENT, consent_at__isnull=True)
        )
    skill = " ".join((skill or "").split())[:50]
    language = " ".join((language or "").split())[:50]
    members = qs.order_by("full_name", "pk")
    if skill or language:
        # JSON lists: filter in Python over the (small) pool, the same on every database.
        wanted = [
            m.pk
            for m in members
            if (not skill or any(skill.lower() in s.lower() for s in m.skills))
            and (not language or any(language.lower() in s.lower() for s in m.languages))
        ]
        members = members.filter(pk__in=wanted)
    return members


def callup_log(*, limit: int = 50) -> list[CallUp]:
    return list(CallUp.objects.select_related("member", "called_by").order_by("-called_at")[:limit])


def entity_list() -> list[LegalEntity]:
    return list(LegalEntity.objects.order_by("name"))


def active_policies() -> QuerySet[Policy]:
    return (
        Policy.objects.filter(is_active=True)
        .select_related("legal_entity")
        .order_by("legal_entity__name")
    )


def policies_visible_to(*, user: User) -> QuerySet[Policy]:
    qs = Policy.objects.select_related("legal_entity").prefetch_related(
        "equipment", "onboarding_steps", "eligible_teams"
    )
    if is_hr(user):
        return qs.order_by("legal_entity__name", "-version")
    entity_ids = EmployeeFile.objects.filter(user=user).values("legal_entity_id")
    return qs.filter(is_active=True, legal_entity_id__in=entity_ids)
