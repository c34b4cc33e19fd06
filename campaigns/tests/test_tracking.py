from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns import numbers, selectors, services
from campaigns.models import Attribution, Campaign, ExpectedVolume, RegulatedQueue, TrackingNumber
from crm.tests.factories import ContactFactory
from tickets.tests.factories import QueueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+33800123456", "free"),
        ("+33805123456", "free"),
        ("+33806123456", "normal"),
        ("+33809123456", "normal"),
        ("+33810123456", "premium"),
        ("+33899123456", "premium"),
        ("+33123456789", "geographic"),
        ("+447911123456", "geographic"),
    ],
)
def test_french_range_classes(number, expected):
    assert numbers.range_class(number) == expected


def phone_campaign(marketer, **fields):
    values = dict(
        name="Appels",
        channel="phone",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=5),
    )
    values.update(fields)
    return services.campaign_create(actor=marketer, **values)


def test_a_number_is_stored_in_e164_with_its_class(marketer):
    row = services.tracking_number_save(actor=marketer, number="08 05 12 34 56")
    assert (row.number, row.range_class) == ("+33805123456", "free")


@pytest.mark.parametrize("bad", ["12", "not a number", "+33 8" + "9" * 40, "\x00"])
def test_a_number_in_the_wrong_format_is_refused(marketer, bad):
    with pytest.raises(ValidationError) as caught:
        services.tracking_number_save(actor=marketer, number=bad)
    assert "number" in caught.value.message_dict
    assert not TrackingNumber.objects.exists()


def test_a_premium_number_never_serves_complaints_or_after_sales(marketer):
    queue = QueueFactory()
    RegulatedQueue.objects.create(queue=queue, kind="complaints")
    with pytest.raises(ValidationError) as caught:
        services.tracking_number_save(actor=marketer, number="0891 12 34 56", queue=queue)
    assert caught.value.message_dict["queue"] == [str(services.tracking.ERROR_PREMIUM_QUEUE)]
    after_sales = phone_campaign(marketer, purpose=Campaign.Purpose.AFTER_SALES)
    with pytest.raises(ValidationError) as caught:
        services.tracking_number_save(actor=marketer, number="0891123456", campaign=after_sales)
    assert "campaign" in caught.value.message_dict
    assert not TrackingNumber.objects.exists()
    # A free number is fine there.
    services.tracking_number_save(actor=marketer, number="0800123456", queue=queue)


def _call(dialled, talk, contact=None):
    from telephony.models import PhoneCall

    now = timezone.now()
    return PhoneCall.objects.create(
        external_id=f"c-{dialled}-{talk}",
        direction="inbound",
        caller_number="+33612345678",
        dialled_number=dialled,
        offered_at=now,
        talk_seconds=talk,
        status="ended",
        contact=contact,
    )


def test_calls_on_a_tracking_number_are_attributed_and_convert_above_the_minimum(
    marketer, settings
):
    settings.CAMPAIGNS_CALL_CONVERSION_SECONDS = 15
    campaign = phone_campaign(marketer)
    services.tracking_number_save(actor=marketer, number="0806 00 00 01", campaign=campaign)
    short, long_, other = (
        _call("+33806000001", 14),
        _call("+33806000001", 15),
        _call("+33100000000", 99),
    )
    for call in (short, long_, other, long_):
        services.call_attribute(call_id=call.pk)
    rows = {a.phone_call_id: a.is_conversion for a in Attribution.objects.all()}
    assert rows == {short.pk: False, long_.pk: True}
    campaign.started_at = timezone.now()
    results = selectors.campaign_results(campaign=campaign)
    assert (results["calls"], results["converted_calls"]) == (2, 1)


def test_a_ticket_mentioning_a_code_is_attributed(marketer):
    from tickets.tests.factories import desk, open_ticket

    campaign = phone_campaign(marketer)
    services.tracking_number_save(actor=marketer, code="printemps26", campaign=campaign)
    d = desk()
    ticket = open_ticket(d, subject="Offre", contact=ContactFactory())
    assert (
        services.ticket_attribute(ticket=ticket, text="J'ai le code PRINTEMPS26, merci") is not None
    )
    other = open_ticket(d, subject="Rien", contact=ContactFactory())
    assert services.ticket_attribute(ticket=other, text="no code here") is None
    assert Attribution.objects.filter(kind="ticket").count() == 1


def test_expected_extra_volume_per_day_for_scheduled_and_running_campaigns(marketer):
    queue = QueueFactory()
    today = timezone.localdate()
    running = phone_campaign(marketer, starts_on=today, ends_on=today + timedelta(days=2))
    Campaign.objects.filter(pk=running.pk).update(status="running")
    later = phone_campaign(
        marketer, starts_on=today + timedelta(days=2), ends_on=today + timedelta(days=20)
    )
    Campaign.objects.filter(pk=later.pk).update(status="scheduled")
    draft = phone_campaign(marketer, starts_on=today, ends_on=today + timedelta(days=20))
    for campaign, n in ((running, 10), (later, 5), (draft, 100)):
        ExpectedVolume.objects.create(campaign=campaign, queue=queue, per_day=n)
    figures = selectors.expected_extra_volume(queue.pk, today, today + timedelta(days=3))
    assert list(figures.values()) == [10, 10, 15, 5]
