"""Reversibility: ending during the adaptation period with notice, ending afterwards by
request and acceptance (or with notice, as the policy says), exceptional telework
imposed by HR, and the daily task that closes agreements whose last day has passed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User

from .. import errors
from ..dates import WorkCalendar
from ..models import Agreement, AgreementVersion, EndRequest, Party, Policy
from ._common import check_text, format_date, hr_users, notify, parties_for, today, work_calendar
from .lifecycle import (
    ACTION_LABELS,
    EMPLOYEE,
    HR,
    MANAGER,
    Kind,
    Status,
    _lock,
    _save,
    active_policy_for,
    build_version,
    check_transition,
    validate_terms,
)
from .terms import check_no_overlap

EMPLOYER = frozenset({MANAGER, HR})


def _side(party: str) -> str:
    return "employee" if party == EMPLOYEE else "employer"


def earliest_return(agreement: Agreement, *, on: dt.date | None = None) -> dt.date | None:
    """The earliest return to the office a unilateral ending may name today; None when
    the policy wants a mutual agreement (after the adaptation period)."""
    on = on or today()
    policy = agreement.policy
    calendar = work_calendar(agreement)
    if agreement.kind == Kind.EXCEPTIONAL:
        return calendar.next_working_day(on)
    if agreement.in_adaptation(on):
        return calendar.earliest_return(on, policy.notice_during_adaptation, policy.notice_unit)
    if policy.ending_after_adaptation == Policy.EndingAfterAdaptation.NOTICE:
        return calendar.earliest_return(on, policy.notice_after_adaptation, policy.notice_unit)
    return None


def _notice_error(agreement: Agreement, on: dt.date) -> ValidationError:
    policy = agreement.policy
    days = (
        policy.notice_during_adaptation
        if agreement.in_adaptation(on)
        else policy.notice_after_adaptation
    )
    earliest = earliest_return(agreement, on=on)
    return ValidationError(
        {
            "return_to_office_on": errors.ERROR_NOTICE_TOO_SHORT
            % {
                "days": days,
                "unit": policy.get_notice_unit_display(),
                "date": format_date(earliest) if earliest else "—",
            }
        },
        code="notice",
    )


def agreement_end(
    *,
    agreement: Agreement,
    actor: User,
    return_to_office_on: dt.date,
    reason: str = "",
    on: dt.date | None = None,
) -> Agreement:
    """End unilaterally with notice: during adaptation (either party), after it when the
    policy allows, or exceptional telework (HR). A signed agreement that has not
    started yet may be called off by either party."""
    on = on or today()
    reason = check_text(reason, "reason", 2000)
    with transaction.atomic():
        agreement = _lock(agreement)
        party = check_transition(agreement, "end", actor)
        if agreement.ends_on is not None:
            raise ValidationError(
                errors.ERROR_ALREADY_ENDING % {"date": format_date(agreement.ends_on)}
            )
        if agreement.kind == Kind.EXCEPTIONAL and party != HR:
            raise ValidationError(errors.ERROR_NOT_YOUR_PART % {"action": ACTION_LABELS["end"]})
        if agreement.status == Status.SIGNED and agreement.start_date > on:
            return _finish(
                agreement, party, agreement.start_date - dt.timedelta(days=1), None, reason or ""
            )
        if return_to_office_on <= agreement.start_date:
            raise ValidationError({"return_to_office_on": errors.ERROR_RETURN_BEFORE_START})
        earliest = earliest_return(agreement, on=on)
        if earliest is None:
            raise ValidationError(errors.ERROR_END_NEEDS_AGREEMENT, code="mutual")
        if return_to_office_on < earliest:
            raise _notice_error(agreement, on)
        # A unilateral end with notice supersedes a request awaiting the other side.
        EndRequest.objects.filter(agreement=agreement, status=EndRequest.Status.PENDING).update(
            status=EndRequest.Status.CANCELLED
        )
        _schedule_end(agreement, party, return_to_office_on, reason)
    return agreement


def _schedule_end(
    agreement: Agreement, party: str, return_to_office_on: dt.date, reason: str
) -> None:
    agreement.return_to_office_on = return_to_office_on
    agreement.ends_on = return_to_office_on - dt.timedelta(days=1)
    agreement.end_reason = reason
    agreement.ended_by_party = party
    _save(agreement, "return_to_office_on", "ends_on", "end_reason", "ended_by_party")
    notify(
        [agreement.employee, agreement.employee.manager, *hr_users()],
        title=gettext_noop("Telework of %(name)s ends: back at the office on %(date)s"),
        url=agreement.get_absolute_url(),
        name=str(agreement.employee),
        date=format_date(return_to_office_on),
    )
    if agreement.ends_on < today():
        _finish(agreement, party, agreement.ends_on, return_to_office_on, reason)


def _finish(
    agreement: Agreement,
    party: str,
    last_day: dt.date,
    return_to_office_on: dt.date | None,
    reason: str,
) -> Agreement:
    from .allowance import allowance_refresh_later
    from .equipment import equipment_recover_for_agreement

    agreement.status = Status.ENDED
    agreement.ends_on = last_day
    agreement.return_to_office_on = return_to_office_on
    agreement.ended_at = timezone.now()
    agreement.ended_by_party = agreement.ended_by_party or party
    agreement.end_reason = agreement.end_reason or reason
    _save(
        agreement,
        "status",
        "ends_on",
        "return_to_office_on",
        "ended_at",
        "ended_by_party",
        "end_reason",
    )
    EndRequest.objects.filter(agreement=agreement, status=EndRequest.Status.PENDING).update(
        status=EndRequest.Status.CANCELLED
    )
    AgreementVersion.objects.filter(
        agreement=agreement, status=AgreementVersion.Status.PENDING
    ).update(status=AgreementVersion.Status.WITHDRAWN)
    equipment_recover_for_agreement(agreement=agreement)
    allowance_refresh_later(agreement.employee_id, min(last_day, today()))
    return agreement


def agreements_end_due(*, on: dt.date | None = None) -> int:
    """The daily task: close agreements whose last day (ending or planned end) passed."""
    on = on or today()
    ended = 0
    candidates = Agreement.objects.filter(status__in=[Status.ACTIVE, Status.SIGNED]).filter(
        models_q_last_day_before(on)
    )
    for agreement_id in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            agreement = _lock(Agreement(pk=agreement_id))
            check_transition(agreement, "end", None)
            last = agreement.last_day
            if last is None or last >= on:
                continue
            _finish(agreement, Party.SYSTEM, last, agreement.return_to_office_on, "")
            ended += 1
    return ended


def models_q_last_day_before(on: dt.date):  # type: ignore[no-untyped-def]
    from django.db.models import Q

    return Q(ends_on__lt=on) | Q(end_date__lt=on)


# --- After adaptation: request and acceptance -------------------------------------------------
def end_request_create(
    *, agreement: Agreement, actor: User, return_to_office_on: dt.date, reason: str
) -> EndRequest:
    reason = check_text(reason, "reason", 2000, required_error=errors.ERROR_REASON_REQUIRED)
    with transaction.atomic():
        agreement = _lock(agreement)
        party = check_transition(agreement, "end", actor)
        if agreement.ends_on is not None:
            raise ValidationError(
                errors.ERROR_ALREADY_ENDING % {"date": format_date(agreement.ends_on)}
            )
        if EndRequest.objects.filter(
            agreement=agreement, status=EndRequest.Status.PENDING
        ).exists():
            raise ValidationError(errors.ERROR_END_REQUEST_PENDING, code="pending")
        if return_to_office_on <= max(today(), agreement.start_date):
            raise ValidationError({"return_to_office_on": errors.ERROR_RETURN_BEFORE_START})
        request = EndRequest.objects.create(
            agreement=agreement,
            requested_by=actor,
            party=party,
            reason=reason,
            return_to_office_on=return_to_office_on,
        )
        others = (
            [agreement.employee]
            if party != EMPLOYEE
            else [agreement.employee.manager or None, *hr_users()]
        )
        notify(
            others,
            title=gettext_noop("Request to end the telework of %(name)s"),
            url=agreement.get_absolute_url(),
            name=str(agreement.employee),
        )
    return request


def end_request_decide(
    *, request: EndRequest, actor: User, accept: bool, note: str = ""
) -> EndRequest:
    note = check_text(note, "note", 2000)
    with transaction.atomic():
        request = EndRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != EndRequest.Status.PENDING:
            raise ValidationError(errors.ERROR_END_REQUEST_CLOSED, code="closed")
        agreement = _lock(request.agreement)
        if agreement.ends_on is not None or agreement.status == Status.ENDED:
            raise ValidationError(errors.ERROR_END_REQUEST_CLOSED, code="closed")
        held = parties_for(actor, agreement)
        requester_side = _side(request.party)
        deciding = [p for p in held if _side(p) != requester_side]
        if not deciding:
            raise ValidationError(errors.ERROR_END_REQUEST_OWN, code="own")
        request.status = EndRequest.Status.ACCEPTED if accept else EndRequest.Status.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if accept:
            _schedule_end(agreement, request.party, request.return_to_office_on, request.reason)
        notify(
            [request.requested_by],
            title=(
                gettext_noop("Your request to end telework was accepted")
                if accept
                else gettext_noop("Your request to end telework was refused")
            ),
            url=agreement.get_absolute_url(),
        )
    return request


# --- Exceptional telework (L1222-11) -------------------------------------------------------
def agreement_impose_exceptional(
    *,
    employee: User,
    actor: User,
    start_date: dt.date,
    end_date: dt.date | None,
    reason: str,
    address: str = "",
    activation: object | None = None,
    provision: bool = True,
) -> Agreement:
    """HR imposes telework without consent (epidemic, force majeure), with a reason and
    an end date. It starts on its date whatever the checklist says."""
    from .equipment import equipment_provision_for_agreement
    from .onboarding import onboarding_create_items

    reason = check_text(reason, "reason", 2000, required_error=errors.ERROR_EXCEPTIONAL_REASON)
    if end_date is None:
        raise ValidationError({"end_date": errors.ERROR_EXCEPTIONAL_END})
    if end_date < start_date:
        raise ValidationError({"end_date": errors.ERROR_END_BEFORE_START})
    policy = active_policy_for(employee)
    probe = Agreement(employee=employee, policy=policy)
    if HR not in parties_for(actor, probe):
        raise ValidationError(
            errors.ERROR_NOT_YOUR_PART % {"action": ACTION_LABELS["impose"]}, code="party"
        )
    if not address:
        last = (
            AgreementVersion.objects.filter(agreement__employee=employee)
            .order_by("-created_at")
            .values_list("address", flat=True)
            .first()
        )
        from django.utils import translation
        from django.utils.translation import gettext

        with translation.override(employee.language or "fr"):
            address = last or gettext("The employee's home address, as held by HR")
    terms = validate_terms(
        policy=policy,
        kind=Kind.EXCEPTIONAL,
        weekdays=None,
        days_per_month=None,
        rhythm="",
        address=address,
        work_accident_place=True,
        contact_starts_at=None,
        contact_ends_at=None,
    )
    with transaction.atomic():
        # One imposition at a time per person (row lock: two at once cannot both pass).
        User.objects.select_for_update().filter(pk=employee.pk).first()
        check_no_overlap(employee=employee, start=start_date, end=end_date, exceptional=True)
        agreement = Agreement.objects.create(
            employee=employee,
            policy=policy,
            kind=Kind.EXCEPTIONAL,
            status=Status.SIGNED,
            initiated_by=actor,
            initiator_party=HR,
            start_date=start_date,
            end_date=end_date,
            exceptional_reason=reason,
            hr_validated_by=actor,
            hr_validated_at=timezone.now(),
            continuity_activation=activation,  # type: ignore[misc]
        )
        version = build_version(
            agreement=agreement,
            number=1,
            terms=terms,
            effective_from=start_date,
            created_by=actor,
            status=AgreementVersion.Status.IMPOSED,
        )
        version.save()
        agreement.current_version = version
        _save(agreement, "current_version")
        onboarding_create_items(agreement=agreement)
        if provision:
            equipment_provision_for_agreement(agreement=agreement, actor=actor)
        if start_date <= today():
            from .signing import agreement_activate

            agreement_activate(agreement=agreement, actor=None)
            agreement.refresh_from_db()
        notify(
            [employee],
            title=gettext_noop("Exceptional telework from %(start)s to %(end)s"),
            body=gettext_noop("Reason: %(reason)s"),
            url=agreement.get_absolute_url(),
            start=format_date(start_date),
            end=format_date(end_date),
            reason=reason,
        )
    return agreement


def calendar_for(agreement: Agreement) -> WorkCalendar:
    return work_calendar(agreement)
