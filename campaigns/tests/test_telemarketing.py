"""The telemarketing rules on call lists: calling hours, public holidays, 4 calls in 30
days, 60 days after a refusal, Bloctel unless a current contract; in the service, the
page and the API."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm.tests.factories import ContactFactory, OrganisationFactory
from sales.models import Stage
from sales.tests.factories import OpportunityFactory

from .. import selectors, services
from ..models import BloctelNumber, CallAttempt, Campaign, Recipient, TelemarketingSettings
from ..telemarketing import checks, rules
from .clock import PARIS, at

PHONE = "+33612345678"


@pytest.fixture
def call_row(db, marketer):
    campaign = services.campaign_create(
        actor=marketer,
        name="Relance",
        channel="phone",
        starts_on=datetime(2026, 1, 1).date(),
        ends_on=datetime(2026, 12, 31).date(),
    )
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    contact = ContactFactory(organisation=None, phones=[PHONE])
    return Recipient.objects.create(
        campaign=campaign, contact=contact, phone=PHONE, status="targeted"
    )


@pytest.fixture
def agent(make_user):
    return make_user("agent")


def record(row, agent, outcome="no_answer", **extra):
    return services.call_outcome_record(recipient=row, outcome=outcome, actor=agent, **extra)


def refused_code(row, agent) -> str:
    with pytest.raises(ValidationError) as caught:
        record(row, agent)
    return caught.value.code or ""


def attempts(row, *moments: datetime, outcome: str = "no_answer") -> None:
    CallAttempt.objects.bulk_create(
        CallAttempt(
            recipient=row, campaign=row.campaign, contact=row.contact, outcome=outcome, called_at=m
        )
        for m in moments
    )


# --- The pure rules ---------------------------------------------------------------------
RULES = rules.Rules(
    weekdays=frozenset({1, 2, 3, 4, 5}),
    windows=((time(10), time(13)), (time(14), time(20))),
    max_calls=4,
    max_calls_days=30,
    refusal_days=60,
)


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (datetime(2026, 7, 17, 19, 59, tzinfo=PARIS), True),  # Friday 19:59
        (datetime(2026, 7, 17, 20, 0, tzinfo=PARIS), False),  # Friday 20:00
        (datetime(2026, 7, 15, 13, 30, tzinfo=PARIS), False),  # lunch break
        (datetime(2026, 7, 15, 9, 59, tzinfo=PARIS), False),
        (datetime(2026, 7, 15, 10, 0, tzinfo=PARIS), True),
        (datetime(2026, 7, 15, 14, 0, tzinfo=PARIS), True),
        (datetime(2026, 7, 18, 11, 0, tzinfo=PARIS), False),  # Saturday
    ],
)
def test_the_calling_window(moment, allowed):
    assert rules.in_window(moment, RULES) is allowed


def test_the_cap_frees_when_the_oldest_call_leaves_the_window():
    now = datetime(2026, 7, 15, 11, tzinfo=PARIS)
    calls = [now - timedelta(days=d) for d in (29, 20, 10, 1)]
    hold = rules.cap_hold(now, calls, RULES)
    assert hold is not None
    assert hold.until == now + timedelta(days=1)
    assert rules.cap_hold(now, calls[1:], RULES) is None
    assert rules.cap_hold(now, [now - timedelta(days=31), *calls[1:]], RULES) is None


# --- The service ----------------------------------------------------------------------
def test_friday_1959_is_allowed_and_2000_is_refused(monkeypatch, call_row, agent):
    at(monkeypatch, 2026, 7, 17, 19, 59)
    record(call_row, agent)
    assert CallAttempt.objects.filter(recipient=call_row).count() == 1
    at(monkeypatch, 2026, 7, 17, 20, 0)
    with pytest.raises(ValidationError) as caught:
        record(call_row, agent)
    assert caught.value.code == rules.HOURS
    assert "10:00\u201313:00, 14:00\u201320:00" in caught.value.messages[0]
    assert CallAttempt.objects.filter(recipient=call_row).count() == 1


def test_the_lunch_break_and_the_weekend_are_refused(monkeypatch, call_row, agent):
    at(monkeypatch, 2026, 7, 15, 13, 30)
    assert refused_code(call_row, agent) == rules.HOURS
    at(monkeypatch, 2026, 7, 18, 11, 0)
    assert refused_code(call_row, agent) == rules.HOURS
    assert not CallAttempt.objects.exists()


def test_a_public_holiday_is_refused_with_its_name(monkeypatch, call_row, agent):
    at(monkeypatch, 2026, 7, 14, 11, 0)  # a Tuesday, within the hours
    with pytest.raises(ValidationError) as caught:
        record(call_row, agent)
    assert caught.value.code == rules.HOLIDAY
    assert "National Day" in caught.value.messages[0] or "nationale" in caught.value.messages[0]
    at(monkeypatch, 2026, 7, 15, 11, 0)
    record(call_row, agent)


def test_the_fifth_call_in_30_days_is_refused_until_a_slot_frees(monkeypatch, call_row, agent):
    now = at(monkeypatch, 2026, 7, 15, 11, 0)
    attempts(call_row, *(now - timedelta(days=d) for d in (29, 20, 10)))
    record(call_row, agent)  # the 4th
    status = checks.statuses_for([call_row])[call_row.pk]
    assert [h.code for h in status.holds] == [rules.CAP]
    assert "16/07/2026" in status.message or "07/16/2026" in status.message
    assert refused_code(call_row, agent) == rules.CAP
    assert CallAttempt.objects.count() == 4
    at(monkeypatch, 2026, 7, 16, 11, 0)  # the call of 16 June left the window
    record(call_row, agent)


def test_no_call_for_60_days_after_a_refusal(monkeypatch, call_row, agent):
    refused = datetime(2026, 5, 5, 11, 0, tzinfo=PARIS)
    attempts(call_row, refused, outcome="not_interested")
    at(monkeypatch, 2026, 7, 3, 11, 0)  # day 59
    status = checks.statuses_for([call_row])[call_row.pk]
    assert status.holds[0].code == rules.REFUSED
    assert "05/05/2026" in status.message
    assert "04/07/2026" in status.message
    assert refused_code(call_row, agent) == rules.REFUSED
    at(monkeypatch, 2026, 7, 6, 11, 0)  # day 62 (day 61 is a Sunday)
    record(call_row, agent)


def test_a_refusal_on_one_campaign_holds_the_contact_on_every_other(
    monkeypatch, call_row, agent, marketer
):
    at(monkeypatch, 2026, 7, 15, 11, 0)
    record(call_row, agent, outcome="not_interested")
    other = services.campaign_create(
        actor=marketer,
        name="Autre",
        channel="phone",
        starts_on=call_row.campaign.starts_on,
        ends_on=call_row.campaign.ends_on,
    )
    Campaign.objects.filter(pk=other.pk).update(status="running")
    row = Recipient.objects.create(
        campaign=other, contact=call_row.contact, phone=PHONE, status="targeted"
    )
    assert refused_code(row, agent) == rules.REFUSED


def test_bloctel_refuses_unless_a_current_contract(monkeypatch, call_row, agent):
    now = at(monkeypatch, 2026, 7, 15, 11, 0)
    BloctelNumber.objects.create(number=PHONE)
    assert refused_code(call_row, agent) == rules.BLOCTEL
    old = OpportunityFactory(contact=call_row.contact, stage=Stage.WON)
    old.closed_at = now - timedelta(days=400)
    old.save()
    assert refused_code(call_row, agent) == rules.BLOCTEL  # older than contract_days
    won = OpportunityFactory(contact=call_row.contact, stage=Stage.WON)
    won.closed_at = now - timedelta(days=30)
    won.save()
    status = checks.statuses_for([call_row])[call_row.pk]
    assert status.may_call
    day = checks._day(checks.context(), won.closed_at)
    assert status.notes == [str(checks.NOTE_CONTRACT) % {"date": day}]
    record(call_row, agent)


def test_organisation_contacts_are_exempt_unless_the_setting_says(monkeypatch, call_row, agent):
    at(monkeypatch, 2026, 7, 18, 11, 0)  # Saturday
    Recipient.objects.filter(pk=call_row.pk)
    call_row.contact.organisation = OrganisationFactory()
    call_row.contact.save()
    BloctelNumber.objects.create(number=PHONE)
    record(call_row, agent)
    TelemarketingSettings.objects.update_or_create(
        pk=1, defaults={"exempt_business_contacts": False}
    )
    assert refused_code(call_row, agent) == rules.BLOCTEL


def test_the_figures_are_the_admin_settings(monkeypatch, call_row, agent):
    now = at(monkeypatch, 2026, 7, 18, 11, 0)  # Saturday
    TelemarketingSettings.objects.update_or_create(
        pk=1, defaults={"weekdays": "1,2,3,4,5,6", "max_calls": 2}
    )
    attempts(call_row, now - timedelta(days=3))
    record(call_row, agent)
    assert refused_code(call_row, agent) == rules.CAP


def test_a_call_back_time_outside_the_hours_is_refused(monkeypatch, call_row, agent):
    at(monkeypatch, 2026, 7, 15, 11, 0)
    late = datetime(2026, 7, 16, 21, 0, tzinfo=PARIS)
    with pytest.raises(ValidationError) as caught:
        record(call_row, agent, outcome="call_back", callback_at=late)
    assert "callback_at" in caught.value.message_dict
    record(call_row, agent, outcome="call_back", callback_at=late.replace(hour=15))


def test_the_settings_refuse_a_bad_window():
    s = TelemarketingSettings(morning_start=time(13), morning_end=time(10))
    with pytest.raises(ValidationError):
        s.clean()
    with pytest.raises(ValidationError):
        TelemarketingSettings(weekdays="1,8").clean()
    with pytest.raises(ValidationError):
        TelemarketingSettings(time_zone="Mars/Olympus").clean()


# --- The page and the API -------------------------------------------------------------
def test_the_call_list_says_why_and_stays_bounded(
    monkeypatch, client, call_row, agent, django_assert_max_num_queries
):
    now = at(monkeypatch, 2026, 7, 15, 11, 0)
    BloctelNumber.objects.create(number=PHONE)
    for i in range(5):
        contact = ContactFactory(organisation=None)
        row = Recipient.objects.create(
            campaign=call_row.campaign, contact=contact, phone=f"+3361234560{i}", status="targeted"
        )
        attempts(row, now - timedelta(days=1), outcome="not_interested")
    client.force_login(agent)
    url = reverse("campaigns:call-list", args=[call_row.campaign.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert page.count('data-code="refused"') == 5
    assert page.count('data-code="bloctel"') == 1
    assert "Bloctel" in page


def test_the_page_refuses_an_outcome_outside_the_hours(monkeypatch, client, call_row, agent):
    at(monkeypatch, 2026, 7, 17, 20, 0)
    client.force_login(agent)
    response = client.post(
        reverse("campaigns:call-outcome", args=[call_row.pk]), {"outcome": "reached"}
    )
    assert response.status_code == 400
    ctx = checks.context()
    assert str(checks.MESSAGE_HOURS) % checks.hours_text(ctx) in response.content.decode()
    assert not CallAttempt.objects.exists()


def test_the_api_lists_reasons_and_refuses_outcomes(monkeypatch, role_api_client, call_row):
    at(monkeypatch, 2026, 7, 14, 11, 0)
    api = role_api_client("agent")
    rows = api.get(reverse("api-call-list", args=[call_row.campaign.pk])).json()["results"]
    assert rows[0]["may_call"] is False
    assert rows[0]["held_back"][0]["code"] == "holiday"
    url = reverse("api-call-outcome", args=[call_row.pk])
    response = api.post(url, {"outcome": "reached"}, format="json")
    assert response.status_code == 400
    assert not CallAttempt.objects.exists()
    at(monkeypatch, 2026, 7, 15, 11, 0)
    response = api.post(url, {"outcome": "reached"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "reached"
    assert api.post(url, {"outcome": "bogus"}, format="json").status_code == 400
    assert role_api_client("hr").post(url, {"outcome": "reached"}, format="json").status_code == 403
    assert CallAttempt.objects.count() == 1


def test_selector_pages_carry_a_status(monkeypatch, call_row):
    at(monkeypatch, 2026, 7, 15, 11, 0)
    rows = selectors.call_list_page(campaign=call_row.campaign)
    assert rows[0].call_status.may_call
