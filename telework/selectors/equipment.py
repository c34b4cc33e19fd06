"""Equipment and onboarding reads (IT sees the equipment, never the agreement's personal
details)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import Role, has_role

from ..models import (
    Asset,
    AssetKind,
    Assignment,
    OnboardingItem,
)
from ..permissions import EQUIPMENT_ROLES
from .agreements import Status, is_hr


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
