"""Reversibility and amendments through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from telework import errors, services
from telework.models import Agreement, AgreementVersion, EndRequest, Policy

from .factories import active, signed

pytestmark = pytest.mark.django_db


def test_ending_during_adaptation_needs_the_notice(w):
    agreement = active(w)
    earliest = services.earliest_return(agreement)
    assert earliest is not None
    assert earliest > timezone.localdate() + dt.timedelta(days=15)
    with pytest.raises(ValidationError) as exc:
        services.agreement_end(
            agreement=agreement,
            actor=w.manager,
            return_to_office_on=earliest - dt.timedelta(days=1),
        )
    assert "return_to_office_on" in exc.value.message_dict
    agreement.refresh_from_db()
    assert agreement.ends_on is None
    services.agreement_end(
        agreement=agreement,
        actor=w.manager,
        return_to_office_on=earliest,
        reason="Service réorganisé",
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.ends_on == earliest - dt.timedelta(days=1)
    assert agreement.ended_by_party == "manager"
    assert services.agreements_end_due(on=earliest) == 1
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ENDED


def test_working_day_notice_from_the_policy(w):
    Policy.objects.filter(pk=w.policy.pk).update(notice_unit="working", notice_during_adaptation=10)
    agreement = active(w)
    from telework.dates import WorkCalendar

    today = timezone.localdate()
    assert services.earliest_return(agreement) == WorkCalendar("FR").earliest_return(
        today, 10, "working"
    )


def test_after_adaptation_ending_is_a_request_the_other_party_accepts(w):
    agreement = active(w)
    Agreement.objects.filter(pk=agreement.pk).update(
        adaptation_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    agreement.refresh_from_db()
    back = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        services.agreement_end(agreement=agreement, actor=w.agent, return_to_office_on=back)
    assert exc.value.code == "mutual"
    request = services.end_request_create(
        agreement=agreement, actor=w.agent, return_to_office_on=back, reason="Déménagement"
    )
    with pytest.raises(ValidationError):
        services.end_request_create(
            agreement=agreement, actor=w.manager, return_to_office_on=back, reason="x"
        )
    with pytest.raises(ValidationError) as exc:
        services.end_request_decide(request=request, actor=w.agent, accept=True)
    assert exc.value.code == "own"
    services.end_request_decide(request=request, actor=w.manager, accept=True)
    request.refresh_from_db()
    agreement.refresh_from_db()
    assert request.status == EndRequest.Status.ACCEPTED
    assert agreement.return_to_office_on == back


def test_a_signed_agreement_can_be_called_off_before_it_starts(w):
    agreement = signed(w)
    services.agreement_end(
        agreement=agreement, actor=w.agent, return_to_office_on=agreement.start_date
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ENDED
    assert agreement.ends_on < agreement.start_date


def test_an_amendment_is_a_new_version_to_sign_with_a_diff(w):
    agreement = active(w)
    effective = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        services.agreement_amend(agreement=agreement, actor=w.agent, effective_from=effective)
    assert exc.value.code == "no_change"
    version = services.agreement_amend(
        agreement=agreement,
        actor=w.agent,
        effective_from=effective,
        weekdays=[0, 4],
        address="8 quai Saint-Vincent, 69001 Lyon",
        change_note="Déménagement",
    )
    assert version.number == 2
    assert version.status == AgreementVersion.Status.PENDING
    with pytest.raises(ValidationError):
        services.agreement_amend(
            agreement=agreement, actor=w.agent, effective_from=effective, weekdays=[2]
        )
    agreement.refresh_from_db()
    assert agreement.current_version.number == 1  # nothing changes before both sign
    # The first version is no longer the one to sign.
    with pytest.raises(ValidationError) as exc:
        services.agreement_sign(
            agreement=agreement,
            actor=w.agent,
            version_number=1,
            text_hash_seen=agreement.current_version.text_hash,
        )
    assert exc.value.code == "outdated"
    for signer in (w.agent, w.hr):
        services.agreement_sign(
            agreement=agreement, actor=signer, version_number=2, text_hash_seen=version.text_hash
        )
    agreement.refresh_from_db()
    assert agreement.current_version.number == 2
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.versions.get(number=1).status == AgreementVersion.Status.SUPERSEDED
    changes, lines = services.version_diff(
        agreement.versions.get(number=1), agreement.versions.get(number=2)
    )
    assert {str(c.label) for c in changes} >= {"Telework days", "Place of telework"} or len(
        changes
    ) >= 3
    assert any(kind == "+" and "Saint-Vincent" in line for kind, line in lines)
    assert any(kind == "-" and "Lilas" in line for kind, line in lines)


def test_an_amendment_with_too_many_days_is_refused(w):
    agreement = active(w)
    with pytest.raises(ValidationError) as exc:
        services.agreement_amend(
            agreement=agreement,
            actor=w.agent,
            effective_from=timezone.localdate(),
            weekdays=[0, 1, 2],
        )
    assert exc.value.message_dict["weekdays"] == [
        str(errors.ERROR_TOO_MANY_DAYS % {"max": 2, "count": 3})
    ]
    assert agreement.versions.count() == 1
