from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from quality import registry
from quality.models import ShrinkageFactor
from quality.staffing.plan import staffing_plan
from telephony.models import PhoneCall
from tickets.tests.factories import QueueFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _calls(queue, day, hour, minute, n, aht=180):
    for i in range(n):
        PhoneCall.objects.create(
            external_id=f"p-{queue.pk}-{day}-{hour}-{minute}-{i}",
            dialled_number="+33100000000",
            queue=queue,
            offered_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS),
            answered_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS),
            status=PhoneCall.Status.ENDED,
            outcome=PhoneCall.Outcome.ANSWERED,
            talk_seconds=aht,
        )


def test_the_plan_averages_the_same_weekday_and_interval_over_the_last_weeks():
    queue = QueueFactory()
    week = dt.date(2026, 11, 16)  # a Monday
    # Mondays 10:00-10:30 of the last four weeks: 80, 120, 100, 100 calls -> 100 expected.
    for weeks_back, n in zip((1, 2, 3, 4), (80, 120, 100, 100), strict=True):
        _calls(queue, week - dt.timedelta(weeks=weeks_back), 10, 5, n)
    _calls(queue, week - dt.timedelta(weeks=5), 10, 5, 500)  # too old: ignored
    ShrinkageFactor.objects.create(name="Pauses", percent=30)
    ShrinkageFactor.objects.create(name="Formation", percent=10)
    plan = staffing_plan(queue_id=queue.pk, week_start=week + dt.timedelta(days=2))
    assert plan.week_start == week
    assert plan.aht_s == 180
    assert plan.shrinkage == pytest.approx(0.37)
    (row,) = plan.rows
    assert (row.day, row.start, row.contacts) == (week, dt.time(10, 0), 100)
    assert row.result.agents == 14
    assert row.result.staff == 23


def test_campaign_surges_add_to_the_expected_contacts():
    queue = QueueFactory()
    week = dt.date(2026, 11, 16)
    _calls(queue, week - dt.timedelta(weeks=1), 10, 0, 4)
    _calls(queue, week - dt.timedelta(weeks=1), 11, 0, 4)

    def surge(queue_id, date_from, date_to):
        return {week: 8} if queue_id == queue.pk else {}

    registry.register_surge_source(surge)
    try:
        plan = staffing_plan(queue_id=queue.pk, week_start=week, weeks=1)
    finally:
        registry.unregister_surge_source(surge)
    assert [r.contacts for r in plan.rows] == [8, 8]


def test_a_bad_interval_is_refused():
    with pytest.raises(ValueError, match="interval"):
        staffing_plan(queue_id=1, week_start=dt.date(2026, 11, 16), interval_s=600)
