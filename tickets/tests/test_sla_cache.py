"""The per-process SLA cache: one table per kind of value, one lock, one invalidation."""

from __future__ import annotations

import pytest

from tickets.models import OpeningHours, Priority, SlaPolicy
from tickets.sla import cache as sla_cache

pytestmark = pytest.mark.django_db


def test_policies_and_schedules_are_served_from_the_cache_until_forget(helpdesk):
    queue = helpdesk.queue
    policy = sla_cache.policy_for(queue_id=queue.pk, priority=Priority.NORMAL)
    schedule = sla_cache.schedule_for(queue.calendar_id)
    SlaPolicy.objects.filter(pk=policy.pk).update(first_response_minutes=7)
    OpeningHours.objects.filter(calendar_id=queue.calendar_id, weekday=0).delete()

    cached = sla_cache.policy_for(queue_id=queue.pk, priority=Priority.NORMAL)
    assert cached.first_response_minutes == policy.first_response_minutes
    assert 0 in sla_cache.schedule_for(queue.calendar_id).hours

    sla_cache.forget()  # one call empties both tables
    fresh = sla_cache.policy_for(queue_id=queue.pk, priority=Priority.NORMAL)
    assert fresh.first_response_minutes == 7
    assert 0 not in sla_cache.schedule_for(queue.calendar_id).hours
    assert 0 in schedule.hours


def test_a_queue_without_policy_is_cached_as_none(helpdesk, django_assert_num_queries):
    sla_cache.policy_for(queue_id=helpdesk.queue.pk, priority=99)
    with django_assert_num_queries(0):
        assert sla_cache.policy_for(queue_id=helpdesk.queue.pk, priority=99) is None


def test_a_value_loaded_while_forget_runs_is_not_kept(helpdesk, monkeypatch):
    """An admin edit lands (and forget() runs) while another thread is still reading the
    old rows: what that thread read must not be kept for the next minute."""
    calendar_id = helpdesk.queue.calendar_id
    real_load = sla_cache._load_schedule

    def load_during_an_edit(pk: int):
        schedule = real_load(pk)
        sla_cache.forget()  # the edit, committed while this load was under way
        return schedule

    monkeypatch.setattr(sla_cache, "_load_schedule", load_during_an_edit)
    first = sla_cache.schedule_for(calendar_id)
    monkeypatch.setattr(sla_cache, "_load_schedule", real_load)
    second = sla_cache.schedule_for(calendar_id)
    assert second is not first  # read again, not served the pre-edit value
    assert sla_cache.schedule_for(calendar_id) is second  # and this one is kept
