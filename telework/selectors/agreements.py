"""Who may see which agreement, and the employee's own telework page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Team, User
from accounts.roles import has_role

from ..models import (
    Agreement,
    AgreementVersion,
    Assignment,
    Declaration,
    EmployeeFile,
    OnboardingItem,
    Purchase,
    ReadLog,
)
from ..permissions import TELEWORK_HR

Status = Agreement.Status


def is_hr(user: Any) -> bool:
    return has_role(user, *TELEWORK_HR)


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
