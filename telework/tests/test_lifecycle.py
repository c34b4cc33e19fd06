"""The agreement's state machine: every (action, status) pair in TRANSITIONS is legal for
its parties and nothing else is; the real services walk the legal paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from telework import errors, services
from telework.models import Agreement, AgreementVersion, Signature
from telework.services.lifecycle import ACTIONS, TRANSITIONS, check_transition

from .factories import active, next_monday, request, sign_both, signed

pytestmark = pytest.mark.django_db
Status = Agreement.Status


def test_table_covers_the_documented_paths():
    assert TRANSITIONS[("approve", Status.PENDING_MANAGER)].target == Status.PENDING_HR
    assert TRANSITIONS[("validate", Status.PENDING_HR)].target == Status.PENDING_SIGNATURES
    assert TRANSITIONS[("sign", Status.PENDING_SIGNATURES)].target == Status.SIGNED
    assert TRANSITIONS[("activate", Status.SIGNED)].target == Status.ACTIVE
    assert TRANSITIONS[("end", Status.ACTIVE)].target == Status.ENDED
    # Terminal statuses lead nowhere.
    for status in (Status.ENDED, Status.REFUSED, Status.DECLINED, Status.WITHDRAWN):
        assert not [key for key in TRANSITIONS if key[1] == status]


@pytest.mark.parametrize("status", Status.values)
def test_every_action_outside_the_table_is_refused_and_inside_only_for_its_parties(w, status):
    agreement = request(w)
    Agreement.objects.filter(pk=agreement.pk).update(status=status)
    agreement.refresh_from_db()
    people = {
        "employee": w.agent,
        "manager": w.manager,
        "hr": w.hr,
        "outsider": w.outsider,
        "it": w.it,
    }
    for action in ACTIONS:
        transition = TRANSITIONS.get((action, status))
        legal = set()
        for party, user in people.items():
            try:
                check_transition(agreement, action, user)
            except ValidationError as exc:
                codes = {exc.code}
            else:
                legal.add(party)
                continue
            assert codes <= {"transition", "party", "own_request"}
        if transition is None:
            assert legal == set(), (action, status)
        else:
            assert legal <= set(transition.parties), (action, status)
            # The employee's own request is withdrawn, not declined (that is for proposals).
            assert legal or action == "decline", (action, status)


def test_request_approve_validate_sign_activate_end(w):
    agreement = request(w)
    assert agreement.status == Status.PENDING_MANAGER
    services.agreement_approve(agreement=agreement, actor=w.manager)
    agreement.refresh_from_db()
    assert agreement.status == Status.PENDING_HR
    assert agreement.manager == w.manager
    services.agreement_validate(agreement=agreement, actor=w.hr)
    agreement.refresh_from_db()
    assert agreement.status == Status.PENDING_SIGNATURES
    assert agreement.onboarding_items.count() == 9
    agreement = sign_both(w, agreement)
    assert agreement.status == Status.SIGNED
    version = agreement.current_version
    assert version.status == AgreementVersion.Status.SIGNED
    assert set(version.signatures.values_list("side", flat=True)) == {"employee", "employer"}
    assert all(s.text_hash == version.text_hash for s in version.signatures.all())


def test_the_outsider_manager_and_it_cannot_decide(w):
    agreement = request(w)
    for user in (w.outsider, w.it, UserFactory()):
        with pytest.raises(ValidationError) as exc:
            services.agreement_approve(agreement=agreement, actor=user)
        assert exc.value.code == "party"
    agreement.refresh_from_db()
    assert agreement.status == Status.PENDING_MANAGER


def test_a_manager_cannot_approve_their_own_request(w):
    own = services.agreement_request(
        employee=w.manager,
        actor=w.manager,
        kind="regular",
        start_date=next_monday(),
        weekdays=[0],
        address="3 place Bellecour, Lyon",
    )
    with pytest.raises(ValidationError) as exc:
        services.agreement_approve(agreement=own, actor=w.manager)
    assert exc.value.messages == [str(errors.ERROR_OWN_REQUEST)]
    own.refresh_from_db()
    assert own.status == Status.PENDING_MANAGER


def test_hr_cannot_validate_their_own_agreement(w):
    own = services.agreement_request(
        employee=w.hr,
        actor=w.hr,
        kind="regular",
        start_date=next_monday(),
        weekdays=[0],
        address="3 place Bellecour, Lyon",
    )
    services.agreement_approve(agreement=own, actor=w.other_hr)  # no manager: HR stands in
    with pytest.raises(ValidationError) as exc:
        services.agreement_validate(agreement=own, actor=w.hr)
    assert exc.value.code == "own_request"
    services.agreement_validate(agreement=own, actor=w.other_hr)


def test_refusal_needs_a_written_reason_and_writes_nothing_without(w):
    agreement = request(w)
    with pytest.raises(ValidationError) as exc:
        services.agreement_refuse(agreement=agreement, actor=w.manager, reason="   ")
    assert exc.value.message_dict == {"reason": [str(errors.ERROR_REASON_REQUIRED)]}
    agreement.refresh_from_db()
    assert agreement.status == Status.PENDING_MANAGER


def test_refusing_a_carer_is_flagged_to_hr(w, django_capture_on_commit_callbacks):
    w.agent.telework_file.carer = True
    w.agent.telework_file.save()
    agreement = request(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_refuse(
            agreement=agreement, actor=w.manager, reason="Planning trop tendu"
        )
    agreement.refresh_from_db()
    assert agreement.status == Status.REFUSED
    assert agreement.refusal_flagged
    assert w.hr.notifications.filter(title__icontains=str(w.agent)).exists()


def test_signing_an_outdated_version_is_refused(w):
    agreement = request(w)
    services.agreement_approve(agreement=agreement, actor=w.manager)
    services.agreement_validate(agreement=agreement, actor=w.hr)
    version = services.pending_version(agreement)
    with pytest.raises(ValidationError) as exc:
        services.agreement_sign(
            agreement=agreement, actor=w.agent, version_number=1, text_hash_seen="0" * 64
        )
    assert exc.value.code == "outdated"
    with pytest.raises(ValidationError):
        services.agreement_sign(
            agreement=agreement, actor=w.agent, version_number=2, text_hash_seen=version.text_hash
        )
    assert not Signature.objects.exists()


def test_the_manager_cannot_sign_for_the_employer(w):
    agreement = request(w)
    services.agreement_approve(agreement=agreement, actor=w.manager)
    services.agreement_validate(agreement=agreement, actor=w.hr)
    version = services.pending_version(agreement)
    with pytest.raises(ValidationError):
        services.agreement_sign(
            agreement=agreement, actor=w.manager, version_number=1, text_hash_seen=version.text_hash
        )


def test_employee_declines_a_proposal_and_withdraws_own_request(w):
    proposal = services.agreement_request(
        employee=w.agent,
        actor=w.hr,
        kind="regular",
        start_date=next_monday(),
        weekdays=[1],
        address="12 rue des Lilas, Lyon",
    )
    assert proposal.initiator_party == "hr"
    services.agreement_decline(agreement=proposal, actor=w.agent, reason="Je préfère le bureau")
    proposal.refresh_from_db()
    assert proposal.status == Status.DECLINED
    own = request(w)
    with pytest.raises(ValidationError):
        services.agreement_decline(agreement=own, actor=w.agent)
    services.agreement_withdraw(agreement=own, actor=w.agent)
    own.refresh_from_db()
    assert own.status == Status.WITHDRAWN


def test_manager_proposal_skips_their_own_approval(w):
    proposal = services.agreement_request(
        employee=w.agent,
        actor=w.manager,
        kind="regular",
        start_date=next_monday(),
        weekdays=[1],
        address="12 rue des Lilas, Lyon",
    )
    assert proposal.status == Status.PENDING_HR


def test_activation_waits_for_the_checklist_then_the_daily_task_starts_it(w):
    start = next_monday()
    agreement = signed(w, start=start)
    with pytest.raises(ValidationError) as exc:
        services.agreement_activate(agreement=agreement, actor=w.hr, on=start)
    assert exc.value.code == "checklist"
    assert services.agreements_activate_due(on=start) == 0
    from .factories import complete_checklist

    complete_checklist(w, agreement)
    with pytest.raises(ValidationError) as exc:
        services.agreement_activate(
            agreement=agreement, actor=w.hr, on=start - dt.timedelta(days=1)
        )
    assert exc.value.code == "not_started"
    assert services.agreements_activate_due(on=start) == 1
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE


def test_exceptional_telework_is_imposed_without_consent_and_starts_despite_checklist(w):
    today = timezone.localdate()
    agreement = services.agreement_impose_exceptional(
        employee=w.agent,
        actor=w.hr,
        start_date=today,
        end_date=today + dt.timedelta(days=10),
        reason="Épidémie",
    )
    assert agreement.status == Status.ACTIVE
    assert agreement.current_version.status == AgreementVersion.Status.IMPOSED
    assert not Signature.objects.filter(version__agreement=agreement).exists()
    with pytest.raises(ValidationError) as exc:
        services.agreement_impose_exceptional(
            employee=w.agent, actor=w.hr, start_date=today, end_date=None, reason="x"
        )
    assert exc.value.message_dict == {"end_date": [str(errors.ERROR_EXCEPTIONAL_END)]}
    with pytest.raises(ValidationError):
        services.agreement_impose_exceptional(
            employee=w.agent, actor=w.manager, start_date=today, end_date=today, reason="x"
        )


def test_exceptional_cannot_be_requested(w):
    with pytest.raises(ValidationError) as exc:
        request(w, kind="exceptional")
    assert "kind" in exc.value.message_dict


def test_overlapping_agreements_are_refused(w):
    first = request(w, start=next_monday())
    with pytest.raises(ValidationError) as exc:
        request(w, start=next_monday() + dt.timedelta(days=14))
    assert exc.value.code == "overlap"
    assert Agreement.objects.filter(employee=w.agent).count() == 1
    services.agreement_withdraw(agreement=first, actor=w.agent)
    request(w, start=next_monday() + dt.timedelta(days=14))


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"weekdays": [0, 1, 2]}, "weekdays", errors.ERROR_TOO_MANY_DAYS % {"max": 2, "count": 3}),
        ({"weekdays": []}, "weekdays", errors.ERROR_NO_DAYS),
        ({"weekdays": [5]}, "weekdays", errors.ERROR_WEEKEND_DAY),
        ({"address": ""}, "address", errors.ERROR_ADDRESS_REQUIRED),
        ({"address": "x" * 501}, "address", errors.ERROR_TOO_LONG % {"limit": 500}),
        (
            {"contact_starts_at": dt.time(18), "contact_ends_at": dt.time(9)},
            "contact_ends_at",
            errors.ERROR_CONTACT_ORDER,
        ),
        (
            {"contact_starts_at": dt.time(7), "contact_ends_at": dt.time(16)},
            "contact_starts_at",
            errors.ERROR_CONTACT_IN_DISCONNECT % {"start": "20:00", "end": "08:00"},
        ),
        (
            {"kind": "occasional", "days_per_month": 9},
            "days_per_month",
            errors.ERROR_TOO_MANY_MONTH_DAYS % {"max": 4},
        ),
        (
            {"start": timezone.localdate() - dt.timedelta(days=1)},
            "start_date",
            errors.ERROR_START_IN_PAST,
        ),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message_and_write_nothing(w, kwargs, field, message):
    with pytest.raises(ValidationError) as exc:
        request(w, **kwargs)
    assert exc.value.message_dict[field] == [str(message)]
    assert not Agreement.objects.exists()


def test_no_hr_file_or_ineligible_role_is_refused(w):
    stranger = UserFactory(roles=["agent"])
    with pytest.raises(ValidationError) as exc:
        services.agreement_request(
            employee=stranger,
            actor=stranger,
            kind="regular",
            start_date=next_monday(),
            weekdays=[1],
            address="x",
        )
    assert exc.value.code == "no_file"
    w.policy.eligible_roles = ["sales"]
    w.policy.save()
    with pytest.raises(ValidationError) as exc:
        request(w)
    assert exc.value.messages == [str(errors.ERROR_NOT_ELIGIBLE % {"policy": w.policy.title})]


def test_the_signed_text_names_the_terms_and_the_policy(w):
    agreement = signed(w)
    text = agreement.current_version.text
    assert "12 rue des Lilas, 69003 Lyon" in text
    assert "Relais Services SAS" in text
    assert "Charte de télétravail" in text
    assert "L1222-9" in text


def test_active_factory_gives_an_active_agreement(w):
    agreement = active(w)
    assert agreement.status == Status.ACTIVE
