"""The continuity plan: one action switches a team (or everyone eligible) to exceptional
telework, reports who lacks equipment or onboarding, and raises IT tickets for the gaps.
The reserve pool: people supervisors call on in a surge, and the log of their answers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import Team, User

from .. import errors
from ..models import (
    Agreement,
    AssetKind,
    Assignment,
    CallUp,
    ContinuityActivation,
    ContinuityMember,
    EmployeeFile,
    OnboardingItem,
    Owner,
    Policy,
    ReserveMember,
)
from ._common import check_text, format_date, notify, today
from .ending import agreement_impose_exceptional
from .equipment import equipment_provision, package_for
from .lifecycle import is_eligible

IT_ACCESS_OWNERS = (Owner.IT,)


def continuity_scope(team: Team | None) -> list[User]:
    """Active staff with an HR file under an active policy that makes them eligible."""
    files = EmployeeFile.objects.filter(user__is_active=True).select_related("user")
    if team is not None:
        files = files.filter(user__teams=team)
    policies = {
        p.legal_entity_id: p
        for p in Policy.objects.filter(is_active=True).prefetch_related("eligible_teams")
    }
    people = []
    for file in files.order_by("user__last_name", "user__first_name", "user_id").distinct():
        policy = policies.get(file.legal_entity_id)
        if policy is not None and is_eligible(policy, file.user):
            people.append(file.user)
    return people


def _missing_onboarding(employee: User) -> list[str]:
    """IT access items (VPN, 2FA, softphone...) not done on any of their agreements."""
    items = OnboardingItem.objects.filter(
        agreement__employee=employee, owner__in=IT_ACCESS_OWNERS
    ).values_list("code", "title_fr", "done_at")
    done = {code for code, _title, at in items if at is not None}
    missing = {code: title for code, title, at in items if at is None and code not in done}
    return sorted(missing.values()) if items else [gettext("No onboarding yet (IT access)")]


def continuity_activate(
    *,
    actor: User,
    reason_kind: str,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date,
    team: Team | None = None,
) -> ContinuityActivation:
    """Impose exceptional telework on everyone in scope from `starts_on`, all in one
    transaction, and record for each person what they lack."""
    reason = check_text(reason, "reason", 2000, required_error=errors.ERROR_EXCEPTIONAL_REASON)
    if reason_kind not in ContinuityActivation.Reason.values:
        raise ValidationError({"reason_kind": errors.ERROR_KIND})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": errors.ERROR_ACTIVATION_ORDER})
    if starts_on < today():
        raise ValidationError({"starts_on": errors.ERROR_START_IN_PAST})
    # HR's own telework is arranged by a colleague, never self-imposed.
    people = [p for p in continuity_scope(team) if p.pk != actor.pk]
    if not people:
        raise ValidationError(errors.ERROR_ACTIVATION_EMPTY, code="empty")
    with transaction.atomic():
        activation = ContinuityActivation.objects.create(
            reason_kind=reason_kind,
            reason=reason,
            team=team,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        members = []
        gaps = 0
        for employee in people:
            agreement = agreement_impose_exceptional(
                employee=employee,
                actor=actor,
                start_date=starts_on,
                end_date=ends_on,
                reason=reason,
                activation=activation,
                provision=False,
            )
            wanted = package_for(agreement) or Counter({AssetKind.LAPTOP: 1})
            held = Counter(
                Assignment.objects.filter(
                    employee=employee, status=Assignment.Status.DELIVERED
                ).values_list("asset__kind", flat=True)
            )
            missing_equipment = sorted(
                str(AssetKind(kind).label) for kind, qty in wanted.items() if held[kind] < qty
            )
            with translation.override(settings.LANGUAGE_CODE):
                missing_onboarding = _missing_onboarding(employee)
            ticket = None
            if missing_equipment or missing_onboarding:
                gaps += 1
                with translation.override(settings.LANGUAGE_CODE):
                    why = gettext("Continuity plan: exceptional telework from %(date)s.") % {
                        "date": format_date(starts_on)
                    }
                    if missing_onboarding:
                        why += "\n" + gettext("IT access to set up: %(items)s.") % {
                            "items": ", ".join(missing_onboarding)
                        }
                _assignments, _gaps, ticket = equipment_provision(
                    employee=employee, agreement=agreement, wanted=wanted, reason=why
                )
                if ticket is None and missing_onboarding:
                    from .equipment import _raise_it_ticket

                    with translation.override(settings.LANGUAGE_CODE):
                        ticket = _raise_it_ticket(
                            employee=employee,
                            subject=gettext("Remote access for %(name)s") % {"name": employee},
                            body=why,
                        )
            if ticket is None and missing_equipment:
                # Already being provisioned: the report points at the ticket in progress.
                ticket = (
                    Assignment.objects.filter(
                        employee=employee,
                        status=Assignment.Status.PROVISIONING,
                        provisioning_ticket__isnull=False,
                    )
                    .order_by("-requested_at")
                    .values_list("provisioning_ticket", flat=True)
                    .first()
                )
            members.append(
                ContinuityMember(
                    activation=activation,
                    employee=employee,
                    agreement=agreement,
                    missing_equipment=missing_equipment,
                    missing_onboarding=missing_onboarding,
                    ticket_id=ticket if isinstance(ticket, int) else getattr(ticket, "pk", None),
                )
            )
        ContinuityMember.objects.bulk_create(members)
        activation.employee_count = len(members)
        activation.gap_count = gaps
        activation.save(update_fields=["employee_count", "gap_count"])
    return activation


# --- Reserve pool ------------------------------------------------------------------------------
def _clean_list(values: Sequence[str] | None, limit: int = 20) -> list[str]:
    seen: list[str] = []
    for value in values or []:
        value = " ".join(str(value).split())[:50]
        if value and value.lower() not in {v.lower() for v in seen}:
            seen.append(value)
    return seen[:limit]


def reserve_member_save(
    *,
    member: ReserveMember | None = None,
    actor: User,
    full_name: str,
    category: str,
    user: User | None = None,
    email: str = "",
    phone: str = "",
    home_team: Team | None = None,
    skills: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    consent: bool = False,
    consent_note: str = "",
    last_training_on: dt.date | None = None,
    availability: str = ReserveMember.Availability.AVAILABLE,
    availability_note: str = "",
) -> ReserveMember:
    full_name = check_text(full_name, "full_name", 200, required_error=errors.ERROR_NAME_REQUIRED)
    if category not in ReserveMember.Category.values:
        raise ValidationError({"category": errors.ERROR_KIND})
    if availability not in ReserveMember.Availability.values:
        raise ValidationError({"availability": errors.ERROR_KIND})
    member = member or ReserveMember()
    was_consenting = member.has_consent
    if category == ReserveMember.Category.FORMER_AGENT and not (consent or was_consenting):
        raise ValidationError({"consent": errors.ERROR_RESERVE_CONSENT})
    member.full_name = full_name
    member.category = category
    member.user = user
    member.email = (email or "").strip()
    member.phone = check_text(phone, "phone", 30)
    member.home_team = home_team
    member.skills = _clean_list(skills)
    member.languages = _clean_list(languages, 10)
    member.last_training_on = last_training_on
    member.availability = availability
    member.availability_note = check_text(availability_note, "availability_note", 300)
    if consent and not was_consenting:
        member.consent_at = timezone.now()
        member.consent_withdrawn_at = None
        member.consent_note = check_text(consent_note, "consent_note", 300)
    member.full_clean()
    member.save()
    return member


def reserve_consent_withdraw(*, member: ReserveMember) -> ReserveMember:
    member.consent_withdrawn_at = timezone.now()
    member.save(update_fields=["consent_withdrawn_at"])
    return member


def callup_create(
    *,
    member: ReserveMember,
    actor: User,
    needed_from: dt.date,
    needed_until: dt.date,
    reason: str,
) -> CallUp:
    reason = check_text(reason, "reason", 300, required_error=errors.ERROR_REASON_REQUIRED)
    if needed_until < needed_from:
        raise ValidationError({"needed_until": errors.ERROR_CALLUP_ORDER})
    if needed_from < today():
        raise ValidationError({"needed_from": errors.ERROR_START_IN_PAST})
    if not member.has_consent and member.category == ReserveMember.Category.FORMER_AGENT:
        raise ValidationError(errors.ERROR_RESERVE_NO_CONSENT % {"name": member.full_name})
    if member.consent_withdrawn_at is not None:
        raise ValidationError(errors.ERROR_RESERVE_NO_CONSENT % {"name": member.full_name})
    if member.availability == ReserveMember.Availability.UNAVAILABLE:
        raise ValidationError(errors.ERROR_RESERVE_UNAVAILABLE % {"name": member.full_name})
    callup = CallUp.objects.create(
        member=member,
        called_by=actor,
        needed_from=needed_from,
        needed_until=needed_until,
        reason=reason,
    )
    if member.user_id:
        notify(
            [member.user],
            title=gettext_noop("Reserve pool: can you help from %(date)s?"),
            body=gettext_noop("Reason: %(reason)s"),
            date=lambda: format_date(needed_from),
            reason=reason,
        )
    return callup


def callup_answer(*, callup: CallUp, actor: User, answer: str, note: str = "") -> CallUp:
    note = check_text(note, "note", 300)
    if answer not in CallUp.Answer.values or answer == CallUp.Answer.PENDING:
        raise ValidationError({"answer": errors.ERROR_KIND})
    with transaction.atomic():
        callup = CallUp.objects.select_for_update().get(pk=callup.pk)
        if callup.answer != CallUp.Answer.PENDING:
            raise ValidationError(errors.ERROR_CALLUP_ANSWERED, code="answered")
        callup.answer = answer
        callup.answered_at = timezone.now()
        callup.answer_note = note
        callup.save(update_fields=["answer", "answered_at", "answer_note"])
    return callup


def activation_report(activation: ContinuityActivation) -> dict[str, Any]:
    members = list(
        activation.members.select_related("employee", "ticket").order_by(
            "employee__last_name", "employee__first_name"
        )
    )
    return {
        "members": members,
        "with_gaps": [m for m in members if m.has_gaps],
        "agreements": Agreement.objects.filter(continuity_activation=activation).count(),
    }
