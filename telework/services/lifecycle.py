"""The agreement's lifecycle. Every status change goes through `TRANSITIONS`, the one
table that says which action moves which status to which, and who may do it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import user_roles

from .. import errors
from ..dates import adaptation_end
from ..models import (
    Agreement,
    AgreementVersion,
    EmployeeFile,
    Party,
    Policy,
    Signature,
)
from ._common import (
    check_text,
    hr_users,
    notify,
    parties_for,
    today,
)
from .terms import build_version, check_no_overlap, validate_terms

Status = Agreement.Status
Kind = Agreement.Kind
EMPLOYEE, MANAGER, HR, SYSTEM = Party.EMPLOYEE, Party.MANAGER, Party.HR, Party.SYSTEM


@dataclass(frozen=True)
class Transition:
    target: str
    parties: frozenset[str]


def _t(target: str, *parties: str) -> Transition:
    return Transition(target, frozenset(parties))


# (action, current status) -> where it leads and who may do it. Nothing else changes an
# agreement's status. "sign" leads to SIGNED only once both sides have signed; on an
# agreement already signed or active it signs an amendment and the status stays.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    ("approve", Status.PENDING_MANAGER): _t(Status.PENDING_HR, MANAGER),
    ("refuse", Status.PENDING_MANAGER): _t(Status.REFUSED, MANAGER),
    ("refuse", Status.PENDING_HR): _t(Status.REFUSED, HR),
    ("validate", Status.PENDING_HR): _t(Status.PENDING_SIGNATURES, HR),
    ("sign", Status.PENDING_SIGNATURES): _t(Status.SIGNED, EMPLOYEE, HR),
    ("sign", Status.SIGNED): _t(Status.SIGNED, EMPLOYEE, HR),
    ("sign", Status.ACTIVE): _t(Status.ACTIVE, EMPLOYEE, HR),
    ("decline", Status.PENDING_MANAGER): _t(Status.DECLINED, EMPLOYEE),
    ("decline", Status.PENDING_HR): _t(Status.DECLINED, EMPLOYEE),
    ("decline", Status.PENDING_SIGNATURES): _t(Status.DECLINED, EMPLOYEE),
    ("withdraw", Status.PENDING_MANAGER): _t(Status.WITHDRAWN, EMPLOYEE, MANAGER, HR),
    ("withdraw", Status.PENDING_HR): _t(Status.WITHDRAWN, EMPLOYEE, MANAGER, HR),
    ("withdraw", Status.PENDING_SIGNATURES): _t(Status.WITHDRAWN, EMPLOYEE, MANAGER, HR),
    ("activate", Status.SIGNED): _t(Status.ACTIVE, SYSTEM, HR),
    ("end", Status.SIGNED): _t(Status.ENDED, EMPLOYEE, MANAGER, HR, SYSTEM),
    ("end", Status.ACTIVE): _t(Status.ENDED, EMPLOYEE, MANAGER, HR, SYSTEM),
}

ACTIONS = sorted({action for action, _status in TRANSITIONS})
ACTION_LABELS: dict[str, Any] = {
    "approve": _("approved"),
    "refuse": _("refused"),
    "validate": _("validated"),
    "sign": _("signed"),
    "decline": _("declined"),
    "withdraw": _("withdrawn"),
    "activate": _("activated"),
    "end": _("ended"),
    "amend": _("amended"),
    "impose": _("imposed"),
}
DECISIONS = frozenset({"approve", "refuse", "validate"})


def transition_for(action: str, status: str) -> Transition | None:
    return TRANSITIONS.get((action, status))


def check_transition(agreement: Agreement, action: str, actor: User | None) -> str:
    """The party the actor acts as; raises when the table forbids the move."""
    transition = transition_for(action, agreement.status)
    label = ACTION_LABELS.get(action, action)
    if transition is None:
        raise ValidationError(
            errors.ERROR_TRANSITION % {"status": Status(agreement.status).label, "action": label},
            code="transition",
        )
    if actor is None:
        if SYSTEM in transition.parties:
            return SYSTEM
        raise ValidationError(errors.ERROR_NOT_YOUR_PART % {"action": label}, code="party")
    held = parties_for(actor, agreement)
    if actor.pk == agreement.employee_id and action in DECISIONS:
        raise ValidationError(errors.ERROR_OWN_REQUEST, code="own_request")
    allowed = held & transition.parties
    if action == "withdraw":
        allowed &= {agreement.initiator_party} | ({HR} if HR in held else set())
        if agreement.initiator_party == EMPLOYEE:
            allowed &= {EMPLOYEE}
    if action == "decline" and agreement.initiator_party == EMPLOYEE:
        allowed = frozenset()  # the employee withdraws their own request instead
    if not allowed:
        raise ValidationError(errors.ERROR_NOT_YOUR_PART % {"action": label}, code="party")
    # Deterministic: the most specific role first.
    for party in (EMPLOYEE, MANAGER, HR):
        if party in allowed:
            return party
    return next(iter(allowed))


def allowed_actions(agreement: Agreement, user: User) -> list[str]:
    """The actions the user may take now (buttons on the page, `actions` in the API)."""
    out = []
    for action in ACTIONS:
        try:
            check_transition(agreement, action, user)
        except ValidationError:
            continue
        if action == "sign" and not _needs_signature_from(agreement, user):
            continue
        if action == "activate":
            continue  # the scheduled task does it; HR uses the button only when due
        out.append(action)
    return out


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("employee", "policy__legal_entity", "current_version")
        .get(pk=agreement.pk)
    )


def _save(agreement: Agreement, *fields: str) -> None:
    agreement.updated_at = timezone.now()
    agreement.save(update_fields=[*fields, "updated_at"])


# --- Policies and eligibility ------------------------------------------------------------
def active_policy_for(employee: User) -> Policy:
    file = EmployeeFile.objects.select_related("legal_entity").filter(user=employee).first()
    if file is None:
        raise ValidationError(errors.ERROR_NO_HR_FILE % {"user": employee}, code="no_file")
    policy = (
        Policy.objects.select_related("legal_entity")
        .filter(legal_entity=file.legal_entity, is_active=True)
        .first()
    )
    if policy is None:
        raise ValidationError(
            errors.ERROR_NO_ACTIVE_POLICY % {"entity": file.legal_entity}, code="no_policy"
        )
    return policy


def is_eligible(policy: Policy, employee: User) -> bool:
    roles = set(policy.eligible_roles or [])
    if roles and not roles & set(user_roles(employee)):
        return False
    team_ids = set(policy.eligible_teams.values_list("pk", flat=True))
    return not team_ids or bool(team_ids & set(employee.teams.values_list("pk", flat=True)))


# --- Creating a request or a proposal -----------------------------------------------------
def agreement_request(
    *,
    employee: User,
    actor: User,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    weekdays: Sequence[int] | None = None,
    days_per_month: int | None = None,
    rhythm: str = "",
    address: str,
    work_accident_place: bool = True,
    contact_starts_at: dt.time | None = None,
    contact_ends_at: dt.time | None = None,
    contact_weekdays: Sequence[int] | None = None,
) -> Agreement:
    """The employee requests telework, or their manager or HR proposes it."""
    if kind == Kind.EXCEPTIONAL:
        raise ValidationError({"kind": errors.ERROR_EXCEPTIONAL_NOT_REQUESTED})
    if kind not in Kind.values:
        raise ValidationError({"kind": errors.ERROR_KIND})
    policy = active_policy_for(employee)
    if actor.pk == employee.pk:
        party = EMPLOYEE
    else:
        probe = Agreement(employee=employee, policy=policy)
        held = parties_for(actor, probe)
        if MANAGER in held and HR not in held:
            party = MANAGER
        elif HR in held:
            party = HR
        else:
            raise ValidationError(
                errors.ERROR_NOT_YOUR_PART % {"action": _("proposed")}, code="party"
            )
    if not is_eligible(policy, employee):
        raise ValidationError(errors.ERROR_NOT_ELIGIBLE % {"policy": policy.title})
    problems: dict[str, Any] = {}
    if start_date < today():
        problems["start_date"] = errors.ERROR_START_IN_PAST
    if end_date is not None and end_date < start_date:
        problems["end_date"] = errors.ERROR_END_BEFORE_START
    if problems:
        raise ValidationError(problems)
    terms = validate_terms(
        policy=policy,
        kind=kind,
        weekdays=weekdays,
        days_per_month=days_per_month,
        rhythm=rhythm,
        address=address,
        work_accident_place=work_accident_place,
        contact_starts_at=contact_starts_at,
        contact_ends_at=contact_ends_at,
        contact_weekdays=contact_weekdays,
    )
    with transaction.atomic():
        # Lock the employee row: two requests at once cannot both pass the overlap check.
        User.objects.select_for_update().filter(pk=employee.pk).first()
        check_no_overlap(employee=employee, start=start_date, end=end_date)
        # A manager's proposal needs no approval from that manager.
        status = Status.PENDING_HR if party == MANAGER else Status.PENDING_MANAGER
        agreement = Agreement.objects.create(
            employee=employee,
            policy=policy,
            kind=kind,
            status=status,
            initiated_by=actor,
            initiator_party=party,
            start_date=start_date,
            end_date=end_date,
            adaptation_ends_on=(
                adaptation_end(start_date, policy.adaptation_months)
                if kind == Kind.REGULAR
                else None
            ),
            manager=employee.manager if party == MANAGER else None,
            manager_decided_at=timezone.now() if party == MANAGER else None,
        )
        version = build_version(
            agreement=agreement,
            number=1,
            terms=terms,
            effective_from=start_date,
            created_by=actor,
            status=AgreementVersion.Status.PENDING,
        )
        version.save()
        agreement.current_version = version
        _save(agreement, "current_version")
        _notify_next(agreement)
    return agreement


def _notify_next(agreement: Agreement) -> None:
    """Tell whoever must act next."""
    url = agreement.get_absolute_url()
    employee = agreement.employee
    name = str(employee)
    if agreement.status == Status.PENDING_MANAGER:
        recipients = [employee.manager] if employee.manager_id else hr_users()
        notify(recipients, title=gettext_noop("Telework request from %(name)s"), url=url, name=name)
    elif agreement.status == Status.PENDING_HR:
        notify(hr_users(), title=gettext_noop("Telework to validate: %(name)s"), url=url, name=name)
    elif agreement.status == Status.PENDING_SIGNATURES:
        notify(
            [employee, *hr_users()],
            title=gettext_noop("Telework agreement to sign: %(name)s"),
            url=url,
            name=name,
        )


# --- Decisions ----------------------------------------------------------------------------
def agreement_approve(*, agreement: Agreement, actor: User, note: str = "") -> Agreement:
    with transaction.atomic():
        agreement = _lock(agreement)
        check_transition(agreement, "approve", actor)
        agreement.status = TRANSITIONS[("approve", Status.PENDING_MANAGER)].target
        agreement.manager = actor
        agreement.manager_decided_at = timezone.now()
        _save(agreement, "status", "manager", "manager_decided_at")
        _notify_next(agreement)
    return agreement


def agreement_refuse(*, agreement: Agreement, actor: User, reason: str) -> Agreement:
    """Refusing always takes a written reason; for a disabled worker or a carer the
    refusal is flagged to HR, who review it."""
    reason = check_text(reason, "reason", 2000, required_error=errors.ERROR_REASON_REQUIRED)
    with transaction.atomic():
        agreement = _lock(agreement)
        party = check_transition(agreement, "refuse", actor)
        transition = TRANSITIONS[("refuse", agreement.status)]
        file = EmployeeFile.objects.filter(user_id=agreement.employee_id).first()
        agreement.status = transition.target
        agreement.refused_by = actor
        agreement.refused_at = timezone.now()
        agreement.refusal_reason = reason
        agreement.refusal_flagged = bool(file and (file.disabled_worker or file.carer))
        fields = ["status", "refused_by", "refused_at", "refusal_reason", "refusal_flagged"]
        if party == MANAGER:
            agreement.manager = actor
            agreement.manager_decided_at = agreement.refused_at
            fields += ["manager", "manager_decided_at"]
        _save(agreement, *fields)
        if agreement.current_version_id:
            AgreementVersion.objects.filter(
                pk=agreement.current_version_id, status=AgreementVersion.Status.PENDING
            ).update(status=AgreementVersion.Status.WITHDRAWN)
        url = agreement.get_absolute_url()
        notify(
            [agreement.employee],
            title=gettext_noop("Your telework request was refused"),
            body=gettext_noop("Reason: %(reason)s"),
            url=url,
            reason=reason,
        )
        if agreement.refusal_flagged:
            notify(
                hr_users(),
                title=gettext_noop("Refusal to review: telework of %(name)s"),
                url=url,
                name=str(agreement.employee),
            )
    return agreement


def agreement_validate(*, agreement: Agreement, actor: User) -> Agreement:
    from .onboarding import onboarding_create_items

    with transaction.atomic():
        agreement = _lock(agreement)
        check_transition(agreement, "validate", actor)
        agreement.status = TRANSITIONS[("validate", Status.PENDING_HR)].target
        agreement.hr_validated_by = actor
        agreement.hr_validated_at = timezone.now()
        _save(agreement, "status", "hr_validated_by", "hr_validated_at")
        # The checklist starts now, so IT access and training run while signatures come.
        onboarding_create_items(agreement=agreement)
        _notify_next(agreement)
    return agreement


def agreement_decline(*, agreement: Agreement, actor: User, reason: str = "") -> Agreement:
    """The employee declines a proposal. Never grounds for a sanction."""
    reason = check_text(reason, "reason", 2000)
    with transaction.atomic():
        agreement = _lock(agreement)
        check_transition(agreement, "decline", actor)
        agreement.status = Status.DECLINED
        agreement.end_reason = reason
        _save(agreement, "status", "end_reason")
        _withdraw_pending_version(agreement)
        notify(
            [agreement.initiated_by, *hr_users()],
            title=gettext_noop("%(name)s declined the telework proposal"),
            url=agreement.get_absolute_url(),
            name=str(agreement.employee),
        )
    return agreement


def agreement_withdraw(*, agreement: Agreement, actor: User) -> Agreement:
    with transaction.atomic():
        agreement = _lock(agreement)
        check_transition(agreement, "withdraw", actor)
        agreement.status = Status.WITHDRAWN
        _save(agreement, "status")
        _withdraw_pending_version(agreement)
    return agreement


def _withdraw_pending_version(agreement: Agreement) -> None:
    AgreementVersion.objects.filter(
        agreement=agreement, status=AgreementVersion.Status.PENDING
    ).update(status=AgreementVersion.Status.WITHDRAWN)


# --- Signatures -----------------------------------------------------------------------------
def pending_version(agreement: Agreement) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.filter(agreement=agreement, status=AgreementVersion.Status.PENDING)
        .order_by("-number")
        .first()
    )


def _side_for(party: str) -> str:
    return Signature.Side.EMPLOYEE if party == EMPLOYEE else Signature.Side.EMPLOYER


def _needs_signature_from(agreement: Agreement, user: User) -> bool:
    version = pending_version(agreement)
    if version is None:
        return False
    held = parties_for(user, agreement)
    sides = {_side_for(p) for p in held if p in (EMPLOYEE, HR)}
    signed = set(version.signatures.values_list("side", flat=True))
    return bool(sides - signed)
