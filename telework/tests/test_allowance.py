"""The allowance on known months, to the cent, with both URSSAF rate sets; absences,
public holidays, declarations; the payroll export all-or-nothing and reproducible."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from telework import errors, services
from telework.models import AllowanceExport, Declaration, Policy, ReadLog
from telework.services._common import as_of, format_date

from .factories import complete_checklist, publish_policy

pytestmark = pytest.mark.django_db


def history(w, *, start: dt.date, weekdays: list[int], employee=None):
    """An agreement that started on `start` in the past, through the real services."""
    employee = employee or w.agent
    with as_of(start - dt.timedelta(days=7)):
        agreement = services.agreement_request(
            employee=employee,
            actor=employee,
            kind="regular",
            start_date=start,
            weekdays=weekdays,
            address="12 rue des Lilas, 69003 Lyon",
        )
        services.agreement_approve(
            agreement=agreement, actor=w.manager if employee.manager_id else w.hr
        )
        services.agreement_validate(agreement=agreement, actor=w.hr)
        complete_checklist(w, agreement)
        sign_both_as(w, agreement, employee)
    with as_of(start):
        services.agreement_activate(agreement=agreement, actor=None)
    agreement.refresh_from_db()
    return agreement


def sign_both_as(w, agreement, employee):
    for signer in (employee, w.hr):
        version = services.pending_version(agreement)
        services.agreement_sign(
            agreement=agreement,
            actor=signer,
            version_number=version.number,
            text_hash_seen=version.text_hash,
        )


def amount(w, month: dt.date) -> tuple[int, Decimal]:
    result = services.compute_month(entity=w.entity, month=month)
    row = next(r for r in result.rows if r.employee_id == w.agent.pk)
    return row.days, row.amount


def test_march_2025_tuesdays_and_thursdays_standard_and_collective_rates(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    assert amount(w, dt.date(2025, 3, 1)) == (8, Decimal("21.60"))  # 8 × 2.70
    w.policy.allowance_rate_set = Policy.RateSet.COLLECTIVE
    w.policy.save()
    assert amount(w, dt.date(2025, 3, 1)) == (8, Decimal("26.00"))  # 8 × 3.25


def test_absences_and_public_holidays_are_not_paid(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[3])  # Thursdays
    # May 2025: Thursdays 1 (Labour Day), 8 (Victory Day), 15, 22, 29 (Ascension).
    assert amount(w, dt.date(2025, 5, 1)) == (2, Decimal("5.40"))
    services.absence_record(
        employee=w.agent,
        actor=w.hr,
        kind="leave",
        starts_on=dt.date(2025, 5, 19),
        ends_on=dt.date(2025, 5, 23),
    )
    assert amount(w, dt.date(2025, 5, 1)) == (1, Decimal("2.70"))


def test_the_monthly_cap_applies_with_both_rate_sets(w):
    entity2 = services.legal_entity_save(name="Relais Nord")
    publish_policy(entity2, max_days_per_week=5)
    services.employee_file_save(user=w.agent, legal_entity=entity2, payroll_number="N1")
    w.entity = entity2
    # October 2025: 23 working days, no public holiday.
    history(w, start=dt.date(2025, 10, 1), weekdays=[0, 1, 2, 3, 4])
    assert amount(w, dt.date(2025, 10, 1)) == (23, Decimal("59.40"))  # 23 × 2.70 = 62.10, capped
    Policy.objects.filter(legal_entity=entity2).update(allowance_rate_set="collective")
    assert amount(w, dt.date(2025, 10, 1)) == (23, Decimal("71.50"))  # 23 × 3.25 = 74.75, capped


def test_a_dated_rate_table_uses_the_rate_in_force_on_the_first_of_the_month(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    services.rate_save(
        rate_set="standard",
        valid_from=dt.date(2025, 4, 1),
        daily_amount=Decimal("3.00"),
        monthly_cap=Decimal("66.00"),
    )
    assert amount(w, dt.date(2025, 3, 1)) == (8, Decimal("21.60"))
    # April 2025: Tue 1, 8, 15, 22, 29 and Thu 3, 10, 17, 24; Easter Monday is a Monday.
    assert amount(w, dt.date(2025, 4, 1)) == (9, Decimal("27.00"))


def test_an_approved_declaration_replaces_the_schedule(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    with as_of(dt.date(2025, 3, 31)):
        declaration = services.declaration_submit(
            employee=w.agent,
            actor=w.agent,
            month=dt.date(2025, 3, 1),
            days=[dt.date(2025, 3, 4), dt.date(2025, 3, 5), dt.date(2025, 3, 6)],
        )
    assert amount(w, dt.date(2025, 3, 1)) == (8, Decimal("21.60"))  # pending: schedule
    services.declaration_decide(declaration=declaration, actor=w.manager, approve=True)
    assert amount(w, dt.date(2025, 3, 1)) == (3, Decimal("8.10"))


def test_declaring_a_holiday_or_a_day_without_agreement_is_refused(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    for day, why in [
        (dt.date(2025, 5, 1), "not a working day"),
        (dt.date(2025, 2, 25), "no telework agreement covers it"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.declaration_submit(
                employee=w.agent, actor=w.agent, month=day.replace(day=1), days=[day]
            )
        expected = errors.ERROR_DECLARATION_DAY % {"day": format_date(day), "why": gettext(why)}
        assert exc.value.messages == [str(expected)]
    assert not Declaration.objects.exists()


def test_export_is_all_or_nothing_while_a_declaration_is_pending(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    services.declaration_submit(
        employee=w.agent, actor=w.agent, month=dt.date(2025, 3, 1), days=[dt.date(2025, 3, 4)]
    )
    with pytest.raises(ValidationError) as exc:
        services.allowance_export(entity=w.entity, month=dt.date(2025, 3, 1), actor=w.hr)
    assert exc.value.messages == [
        str(errors.ERROR_PENDING_DECLARATIONS % {"count": 1, "names": str(w.agent)})
    ]
    assert not AllowanceExport.objects.exists()
    assert not ReadLog.objects.filter(channel="export").exists()


def test_export_refused_when_an_employee_lacks_a_payroll_number(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    w.agent.telework_file.payroll_number = ""
    w.agent.telework_file.save()
    with pytest.raises(ValidationError) as exc:
        services.allowance_export(entity=w.entity, month=dt.date(2025, 3, 1), actor=w.hr)
    assert exc.value.messages == [
        str(errors.ERROR_NO_PAYROLL_NUMBER % {"count": 1, "names": str(w.agent)})
    ]
    assert not AllowanceExport.objects.exists()


def test_export_is_reproducible_byte_for_byte_and_logged_for_the_employee(w):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    first = services.allowance_export(entity=w.entity, month=dt.date(2025, 3, 1), actor=w.hr)
    second = services.allowance_export(entity=w.entity, month=dt.date(2025, 3, 1), actor=w.hr)
    assert first.content == second.content
    assert first.sha256 == second.sha256
    lines = first.content.splitlines()
    assert lines[0].startswith("legal_entity,siren,month,payroll_number")
    assert (
        lines[1] == "Relais Services SAS,552100554,2025-03,P0001,Martin,Camille,8,2.70,59.40,21.60,"
        "standard,schedule"
    )
    assert first.total_amount == Decimal("21.60")
    assert ReadLog.objects.filter(channel="export", agreement__employee=w.agent).count() == 2
    # Once exported, the month's declarations are frozen.
    with pytest.raises(ValidationError):
        services.declaration_submit(
            employee=w.agent, actor=w.agent, month=dt.date(2025, 3, 1), days=[dt.date(2025, 3, 4)]
        )


def test_a_future_month_is_refused(w):
    with pytest.raises(ValidationError) as exc:
        services.allowance_export(entity=w.entity, month=dt.date(2999, 1, 1), actor=w.hr)
    assert exc.value.message_dict == {
        "month": [str(errors.ERROR_MONTH_FUTURE % {"month": "2999-01"})]
    }


def test_lines_follow_changes_and_feed_the_dashboard_total(w, django_capture_on_commit_callbacks):
    history(w, start=dt.date(2025, 3, 3), weekdays=[1, 3])
    services.allowance_refresh(month=dt.date(2025, 3, 1))
    assert services.month_total(dt.date(2025, 3, 1)) == Decimal("21.60")
    with django_capture_on_commit_callbacks(execute=True):
        services.absence_record(
            employee=w.agent,
            actor=w.hr,
            kind="leave",
            starts_on=dt.date(2025, 3, 4),
            ends_on=dt.date(2025, 3, 4),
        )
    # The refresh only looks three months back from today: recompute explicitly here.
    services.allowance_refresh(month=dt.date(2025, 3, 1))
    assert services.month_total(dt.date(2025, 3, 1)) == Decimal("18.90")
