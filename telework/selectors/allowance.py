"""Allowance exports, what managers and HR have to decide, continuity activations, the
reserve pool, entities and policies."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.roles import has_role

from ..models import (
    AllowanceExport,
    CallUp,
    ContinuityActivation,
    Declaration,
    EmployeeFile,
    EndRequest,
    LegalEntity,
    Policy,
    Purchase,
    ReserveMember,
)
from ..permissions import RESERVE_ROLES
from .agreements import is_hr


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
