"""Flagging: consent to be called, links to the source, bad input writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from crm import services as crm_services
from crm.models import Activity, Channel, Consent
from crm.tests.factories import ContactFactory
from sales import services
from sales.models import Opportunity
from sales.tests.factories import flag, floor
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_a_flag_from_a_ticket_links_the_ticket_contact_and_organisation():
    f = floor()
    ticket = open_ticket(f.desk, contact=f.customer)
    opportunity = flag(f, source_ticket=ticket)
    assert opportunity.source_ticket == ticket
    assert opportunity.organisation == f.customer.organisation
    assert opportunity.flagged_team == f.desk.team


def test_a_flag_needs_consent_to_be_called_when_a_call_is_requested():
    f = floor()
    contact = ContactFactory()
    with pytest.raises(ValidationError) as info:
        flag(f, contact=contact)
    assert str(services.ERROR_NO_CALL_CONSENT) in " ".join(info.value.messages)
    assert not Opportunity.objects.exists()
    opportunity = flag(f, contact=contact, record_call_consent=True)
    consent = opportunity.call_consent
    assert (consent.channel, consent.status) == (Channel.PHONE, Consent.Status.GIVEN)
    assert consent.recorded_by == f.agent
    assert Activity.objects.filter(contact=contact, kind="consent").count() == 1


def test_no_call_requested_needs_no_consent():
    f = floor()
    opportunity = flag(f, contact=ContactFactory(), wants_call=False)
    assert opportunity.call_consent is None


def test_withdrawn_consent_counts_as_none():
    f = floor()
    crm_services.consent_record(
        contact=f.customer, channel=Channel.PHONE, status=Consent.Status.WITHDRAWN, source="Appel",
        actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        flag(f)


def test_an_erased_contact_cannot_be_flagged():
    f = floor()
    crm_services.contact_erase(contact=f.customer, actor=None, confirmation=f.customer.full_name)
    f.customer.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        flag(f)
    assert str(services.ERROR_CONTACT_INACTIVE) in " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "250000000"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"need": "  "}, "need"),
        ({"need": "x" * 2001}, "need"),
        ({"urgency": "extreme"}, "urgency"),
        ({"best_days": "7"}, "best_days"),
        ({"best_time_from": dt.time(18), "best_time_to": dt.time(9)}, "best_time_to"),
        ({"best_time_from": dt.time(9)}, "best_time_to"),
        ({"expected_close_date": dt.date(1900, 1, 1)}, "expected_close_date"),
        ({"expected_close_date": dt.date(2999, 1, 1)}, "expected_close_date"),
    ],
)
def test_bad_flags_are_refused_and_write_nothing(kwargs, field):
    f = floor()
    activities = Activity.objects.count()
    with pytest.raises(ValidationError) as info:
        flag(f, **kwargs)
    assert field in info.value.message_dict
    assert not Opportunity.objects.exists()
    assert Activity.objects.count() == activities


def test_a_ticket_of_another_customer_is_refused():
    f = floor()
    other = open_ticket(f.desk, contact=ContactFactory())
    with pytest.raises(ValidationError) as info:
        flag(f, source_ticket=other)
    assert "source_ticket" in info.value.message_dict


def test_an_inactive_product_is_refused():
    f = floor()
    f.fibre.is_active = False
    f.fibre.save()
    with pytest.raises(ValidationError):
        flag(f)
