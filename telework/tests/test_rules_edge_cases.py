"""An outside reviewer's edge cases on the rules: regional holidays, disconnection
windows inside contact hours, ending while a mutual request is pending, exceptional
telework imposed twice, partial months, and every role on every agreement URL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from telework import services
from telework.dates import WORKING, WorkCalendar
from telework.models import Agreement, EndRequest
from telework.services._common import as_of
from telework.services.terms import validate_terms

from .factories import active, request, signed
from .test_allowance import amount, history

pytestmark = pytest.mark.django_db

PARIS = WorkCalendar("FR")
MOSELLE = WorkCalendar("FR", "57")


def test_working_day_notice_skips_alsace_moselle_holidays():
    # Given on Tuesday 23 Dec 2025: 25 Dec everywhere, 26 Dec (Saint-Étienne) in Moselle.
    assert PARIS.notice_end(dt.date(2025, 12, 23), 3, WORKING) == dt.date(2025, 12, 29)
    assert MOSELLE.notice_end(dt.date(2025, 12, 23), 3, WORKING) == dt.date(2025, 12, 30)
    # Good Friday 2026 (3 April) is a holiday in Moselle only; Easter Monday everywhere.
    assert PARIS.notice_end(dt.date(2026, 4, 2), 1, WORKING) == dt.date(2026, 4, 3)
    assert MOSELLE.notice_end(dt.date(2026, 4, 2), 1, WORKING) == dt.date(2026, 4, 7)
    assert MOSELLE.earliest_return(dt.date(2026, 3, 31), 2, WORKING) == dt.date(2026, 4, 7)


def _terms(policy, starts, ends):
    return validate_terms(
        policy=policy,
        kind="regular",
        weekdays=[1],
        days_per_month=None,
        rhythm="",
        address="1 rue X",
        work_accident_place=True,
        contact_starts_at=starts,
        contact_ends_at=ends,
    )


def test_contact_hours_may_not_contain_a_disconnection_period(w):
    policy = w.policy
    policy.disconnect_starts_at, policy.disconnect_ends_at = dt.time(21), dt.time(23)
    # Both ends of the contact hours lie outside 21:00-23:00, but the period is inside.
    with pytest.raises(ValidationError) as exc:
        _terms(policy, dt.time(8), dt.time(23, 30))
    assert "contact_starts_at" in exc.value.message_dict
    # Touching the period without entering it is fine.
    assert _terms(policy, dt.time(8), dt.time(21)).contact_ends_at == dt.time(21)
    # A period across midnight (20:00-08:00): 08:00-20:00 fits, 07:59 does not.
    policy.disconnect_starts_at, policy.disconnect_ends_at = dt.time(20), dt.time(8)
    assert _terms(policy, dt.time(8), dt.time(20)).contact_starts_at == dt.time(8)
    with pytest.raises(ValidationError):
        _terms(policy, dt.time(7, 59), dt.time(12))


def test_a_pending_end_request_cannot_move_a_unilateral_end(w):
    agreement = active(w)
    later = timezone.localdate() + dt.timedelta(days=90)
    pending = services.end_request_create(
        agreement=agreement, actor=w.agent, return_to_office_on=later, reason="Déménagement"
    )
    earliest = services.earliest_return(agreement)
    services.agreement_end(agreement=agreement, actor=w.manager, return_to_office_on=earliest)
    pending.refresh_from_db()
    assert pending.status == EndRequest.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.end_request_decide(request=pending, actor=w.manager, accept=True)
    agreement.refresh_from_db()
    assert agreement.return_to_office_on == earliest


def test_exceptional_telework_cannot_be_imposed_twice_over_the_same_days(w):
    today = timezone.localdate()
    services.agreement_impose_exceptional(
        employee=w.agent,
        actor=w.hr,
        start_date=today,
        end_date=today + dt.timedelta(days=10),
        reason="Épidémie",
    )
    with pytest.raises(ValidationError) as exc:
        services.agreement_impose_exceptional(
            employee=w.agent,
            actor=w.other_hr,
            start_date=today + dt.timedelta(days=5),
            end_date=today + dt.timedelta(days=20),
            reason="Grève des transports",
        )
    assert exc.value.code == "overlap"
    assert Agreement.objects.filter(employee=w.agent, kind="exceptional").count() == 1
    # After the first one ends, a new imposition is fine.
    services.agreement_impose_exceptional(
        employee=w.agent,
        actor=w.hr,
        start_date=today + dt.timedelta(days=11),
        end_date=today + dt.timedelta(days=20),
        reason="Grève des transports",
    )


def test_a_partial_first_month_counts_only_days_from_the_start(w):
    # Starts Monday 17 March 2025 on Tuesdays and Thursdays: 18, 20, 25, 27 March.
    history(w, start=dt.date(2025, 3, 17), weekdays=[1, 3])
    assert amount(w, dt.date(2025, 3, 1)) == (4, Decimal("10.80"))
    # The month before it started pays nothing.
    result = services.compute_month(entity=w.entity, month=dt.date(2025, 2, 1))
    assert all(row.employee_id != w.agent.pk or row.days == 0 for row in result.rows)


def test_every_agreement_url_refuses_strangers(w):
    agreement = signed(w)
    other_manager = UserFactory(roles=[Role.SUPERVISOR, Role.AGENT])
    TeamFactory(name="Plateau Nantes", members=[other_manager], lead=other_manager)
    sales = UserFactory(roles=[Role.SALES])
    pk = agreement.pk
    pages = [
        reverse("telework:agreement", args=[pk]),
        reverse("telework:pdf", args=[pk, 1]),
        reverse("telework:amend", args=[pk]),
        reverse("telework:hr"),
        reverse("telework:hr_agreements"),
        reverse("telework:allowance"),
    ]
    apis = [
        f"/api/v1/telework/agreements/{pk}/",
        "/api/v1/telework/agreements/",
        "/api/v1/telework/onboarding-items/",
        "/api/v1/telework/allowance/?month=2025-01",
    ]
    for user in (other_manager, sales, w.outsider):
        web, api = Client(), APIClient()
        web.force_login(user)
        api.force_authenticate(user)
        calendar = web.get(reverse("telework:team"))
        assert calendar.status_code in (200, 403)
        assert "Martin" not in calendar.content.decode()
        for url in pages:
            response = web.get(url)
            assert response.status_code in (403, 404), (user, url, response.status_code)
            assert "Lilas" not in response.content.decode()
        for url in apis:
            response = api.get(url)
            assert response.status_code in (403, 404) or response.json().get("count") == 0, (
                user,
                url,
            )
            assert "Lilas" not in response.content.decode()
    for url in pages:
        response = Client().get(url)
        assert response.status_code in (302, 403), url
    for url in apis:
        assert APIClient().get(url).status_code in (401, 403), url


def test_an_amendment_cannot_be_signed_after_its_effective_date(w):
    agreement = active(w)
    effective = timezone.localdate() + dt.timedelta(days=3)
    version = services.agreement_amend(
        agreement=agreement,
        actor=w.agent,
        effective_from=effective,
        address="8 quai Saint-Vincent, 69001 Lyon",
    )
    sign = {"agreement": agreement, "version_number": 2, "text_hash_seen": version.text_hash}
    services.agreement_sign(actor=w.agent, **sign)
    with as_of(effective + dt.timedelta(days=1)), pytest.raises(ValidationError) as exc:
        services.agreement_sign(actor=w.hr, **sign)
    assert exc.value.code == "lapsed"
    agreement.refresh_from_db()
    assert agreement.current_version.number == 1
    # On the effective date itself it is still in time.
    with as_of(effective):
        services.agreement_sign(actor=w.hr, **sign)
    agreement.refresh_from_db()
    assert agreement.current_version.number == 2


def test_strangers_cannot_act_on_an_agreement_through_any_url(w):
    agreement = request(w)
    other_manager = UserFactory(roles=[Role.SUPERVISOR, Role.AGENT])
    TeamFactory(name="Plateau Nantes", members=[other_manager], lead=other_manager)
    sales = UserFactory(roles=[Role.SALES])
    pk = agreement.pk
    body = {"reason": "Non", "decision": "accept", "note": "x"}
    for user in (other_manager, sales, w.outsider, w.it):
        web, api = Client(), APIClient()
        web.force_login(user)
        api.force_authenticate(user)
        for action in ("approve", "refuse", "validate", "sign", "end", "withdraw", "decline"):
            response = web.post(reverse("telework:action", args=[pk, action]), body)
            assert response.status_code in (403, 404), (user, action, response.status_code)
            # Refused exactly as for an agreement that does not exist (no oracle).
            response = api.post(f"/api/v1/telework/agreements/{pk}/{action}/", {"reason": "N"})
            missing = api.post(f"/api/v1/telework/agreements/99999/{action}/", {"reason": "N"})
            assert response.status_code in (400, 403, 404), (user, action)
            assert response.status_code == missing.status_code, (user, action)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.PENDING_MANAGER
    assert agreement.refused_at is None


def test_allowance_follows_the_entitys_regional_holidays(w):
    history(w, start=dt.date(2025, 11, 3), weekdays=[4])  # Fridays
    # December 2025: Fridays 5, 12, 19, 26; 26 December is a holiday in Moselle only.
    assert amount(w, dt.date(2025, 12, 1)) == (4, Decimal("10.80"))
    services.legal_entity_save(
        entity=w.entity, name=w.entity.name, siren=w.entity.siren, holiday_subdivision="57"
    )
    assert amount(w, dt.date(2025, 12, 1)) == (3, Decimal("8.10"))


def test_an_agreement_ended_during_adaptation_pays_up_to_its_last_day(w):
    agreement = history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    with as_of(dt.date(2025, 3, 5)):
        # 15 calendar days' notice from 5 March: back on Friday 21 March at the earliest.
        assert services.earliest_return(agreement) == dt.date(2025, 3, 21)
        with pytest.raises(ValidationError):
            services.agreement_end(
                agreement=agreement, actor=w.agent, return_to_office_on=dt.date(2025, 3, 20)
            )
        services.agreement_end(
            agreement=agreement, actor=w.agent, return_to_office_on=dt.date(2025, 3, 21)
        )
    with as_of(dt.date(2025, 3, 21)):
        assert services.agreements_end_due() == 1
    # Tuesdays and Thursdays 4 to 20 March: 6 days.
    assert amount(w, dt.date(2025, 3, 1)) == (6, Decimal("16.20"))
    april = services.compute_month(entity=w.entity, month=dt.date(2025, 4, 1))
    assert [row.employee_id for row in april.rows] == []


def test_exceptional_telework_pays_every_working_day_it_covers(w):
    with as_of(dt.date(2025, 5, 28)):
        services.agreement_impose_exceptional(
            employee=w.agent,
            actor=w.hr,
            start_date=dt.date(2025, 6, 2),
            end_date=dt.date(2025, 6, 13),
            reason="Épidémie",
        )
    with as_of(dt.date(2025, 6, 2)):
        services.agreements_activate_due()
    # 2-6 June and 10-13 June (9 June is Whit Monday): 9 days.
    assert amount(w, dt.date(2025, 6, 1)) == (9, Decimal("24.30"))


def test_a_second_continuity_activation_over_the_same_days_writes_nothing(w):
    from telework.models import ContinuityActivation

    today = timezone.localdate()
    plan = {
        "actor": w.hr,
        "reason_kind": "epidemic",
        "reason": "Grippe",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=14),
        "team": w.team,
    }
    services.continuity_activate(**plan)
    with pytest.raises(ValidationError) as exc:
        services.continuity_activate(**{**plan, "starts_on": today + dt.timedelta(days=7)})
    assert exc.value.code == "overlap"
    assert ContinuityActivation.objects.count() == 1
    assert Agreement.objects.filter(kind="exceptional").count() == 3


def test_an_admin_reading_a_signed_version_in_the_admin_is_logged(w):
    from telework.models import AgreementVersion, ReadLog

    agreement = signed(w)
    admin_user = UserFactory(roles=[Role.ADMIN], is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin_user)
    version = AgreementVersion.objects.get(agreement=agreement)
    page = client.get(reverse("admin:telework_agreementversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "Lilas" in page.content.decode()
    assert (
        ReadLog.objects.filter(agreement=agreement, reader=admin_user, channel="admin").count() == 1
    )
    # A missing or hostile id logs nothing and is no 500.
    assert client.get(
        "/admin/telework/agreementversion/99999999999999999999/change/"
    ).status_code in (
        302,
        404,
    )
    assert ReadLog.objects.filter(reader=admin_user).count() == 1


def test_a_policy_whose_contact_hours_break_its_own_disconnection_is_refused(w):
    from telework.models import Policy

    from .factories import publish_policy

    before = Policy.objects.count()
    with pytest.raises(ValidationError) as exc:
        publish_policy(w.entity, contact_starts_at=dt.time(9), contact_ends_at=dt.time(21))
    assert "contact_starts_at" in exc.value.message_dict  # disconnection from 20:00
    with pytest.raises(ValidationError) as exc:
        publish_policy(w.entity, contact_starts_at=dt.time(17), contact_ends_at=dt.time(9))
    assert "contact_ends_at" in exc.value.message_dict
    assert Policy.objects.count() == before
    w.policy.refresh_from_db()
    assert w.policy.is_active
