"""Logged calls through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from crm import timeline
from crm.models import (
    Activity,
    Call,
    Contact,
)
from crm.tests.factories import (
    CallFactory,
    ContactFactory,
)

from .support import CALLS, row_counts

pytestmark = pytest.mark.django_db


def _call_payload(contact: Contact, /, **overrides: Any) -> dict[str, Any]:
    payload = {
        "contact": contact.pk,
        "direction": "inbound",
        "number": "06 98 76 54 32",
        "started_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "duration_seconds": 300,
        "talk_seconds": 240,
        "hold_seconds": 30,
        "after_call_seconds": 60,
        "outcome": "answered",
        "topic": "Facturation",
    }
    return {**payload, **overrides}


def test_logging_a_call_records_the_agent_and_the_timeline(agent):
    contact = ContactFactory()
    response = agent.post(CALLS, _call_payload(contact))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agent"]["id"] == agent.user.pk
    assert body["number"] == "+33698765432"
    assert body["handling_seconds"] == 330
    assert body["contact"]["id"] == contact.pk
    call = Call.objects.get(pk=body["id"])
    assert Activity.objects.filter(contact=contact, kind=timeline.CALL, source_id=call.pk).exists()


def test_the_agent_of_a_logged_call_cannot_be_chosen_by_the_client(agent):
    contact = ContactFactory()
    someone_else = UserFactory()
    response = agent.post(CALLS, _call_payload(contact, agent=someone_else.pk))
    # Not a field the client sets: refused by name (API contract), nothing logged.
    assert response.status_code == 400
    assert "agent" in response.json()
    assert not Call.objects.exists()
    assert agent.post(CALLS, _call_payload(contact)).status_code == 201
    assert Call.objects.get().agent == agent.user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": "not a number"}, "number"),
        ({"number": "0" * 41}, "number"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2999-01-01T10:00:00+01:00"}, "started_at"),
        # Before 1970: a typo, and Paris' 1891 offset (+00:09:21) no date-time can write.
        ({"started_at": "0025-12-03T07:22:15Z"}, "started_at"),
        ({"duration_seconds": -1}, "duration_seconds"),
        ({"duration_seconds": "long"}, "duration_seconds"),
        ({"duration_seconds": 10**12}, "duration_seconds"),
        ({"contact": 999_999}, "contact"),
        ({"contact": [1]}, "contact"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "exploded"}, "outcome"),
        ({"topic": "t" * 201}, "topic"),
        ({"topic": "t\x00"}, "topic"),
    ],
)
def test_bad_call_input_is_a_400_naming_the_field_and_writes_nothing(agent, overrides, field):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(CALLS, _call_payload(contact, **overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_talk_time_longer_than_the_call_is_a_400_and_writes_nothing(agent):
    contact = ContactFactory()
    before = row_counts()
    response = agent.post(CALLS, _call_payload(contact, talk_seconds=400, duration_seconds=300))
    # The model's check constraint answers before call_log's own field message (see
    # services.ERROR_CALL_DURATIONS), so the error is not tied to a field yet.
    assert response.status_code == 400
    assert row_counts() == before


def test_call_list_filters_by_contact_agent_direction_and_period(agent):
    now = timezone.now()
    contact = ContactFactory()
    first_agent = UserFactory()
    old = CallFactory(contact=contact, agent=first_agent, started_at=now - timedelta(days=10))
    recent = CallFactory(
        contact=contact, direction=Call.Direction.OUTBOUND, started_at=now - timedelta(hours=2)
    )
    elsewhere = CallFactory(started_at=now - timedelta(hours=1))

    def ids(query: dict[str, Any]) -> list[int]:
        response = agent.get(CALLS, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids({}) == [elsewhere.pk, recent.pk, old.pk]
    assert ids({"contact": contact.pk}) == [recent.pk, old.pk]
    assert ids({"agent": first_agent.pk}) == [old.pk]
    assert ids({"direction": "outbound"}) == [recent.pk]
    assert ids({"started_after": (now - timedelta(days=1)).isoformat()}) == [
        elsewhere.pk,
        recent.pk,
    ]
    assert ids({"started_before": (now - timedelta(days=1)).isoformat()}) == [old.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("contact=abc", "contact"),
        ("agent=x", "agent"),
        ("direction=up", "direction"),
        ("started_after=tomorrow", "started_after"),
    ],
)
def test_call_list_refuses_malformed_filters(agent, query, field):
    response = agent.get(f"{CALLS}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_call_list_query_count_does_not_grow_with_rows(agent, django_assert_max_num_queries):
    contacts = ContactFactory.create_batch(5)
    agents = UserFactory.create_batch(3)
    for n in range(35):
        CallFactory(contact=contacts[n % 5], agent=agents[n % 3])
    with django_assert_max_num_queries(3):
        response = agent.get(CALLS)
    assert response.json()["count"] == 35
    assert all(row["agent"] and row["contact"]["name"] for row in response.json()["results"])
