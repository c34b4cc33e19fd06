"""GET/POST /api/v1/shifts/, its detail and copy-week, per role and with bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from quality import services
from quality.models import Shift

from .rota_world import at, build_rota

pytestmark = pytest.mark.django_db


@pytest.fixture
def rota():
    r = build_rota()
    r.shift = services.shift_create(
        actor=r.supervisor,
        agent=r.agent,
        team=r.team,
        queue=r.queue,
        starts_at=at(16, 9),
        ends_at=at(16, 17),
    )
    r.shift2 = services.shift_create(
        actor=r.supervisor, agent=r.agent2, team=r.team, starts_at=at(17, 9), ends_at=at(17, 17)
    )
    r.other_shift = services.shift_create(
        actor=r.admin,
        agent=r.other_agent,
        team=r.other_team,
        starts_at=at(16, 9),
        ends_at=at(16, 17),
    )
    return r


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(rota, **kw):
    body = {
        "agent": rota.agent.pk,
        "team": rota.team.pk,
        "queue": rota.queue2.pk,
        "starts_at": "2026-11-18T09:00:00+01:00",
        "ends_at": "2026-11-18T17:00:00+01:00",
        "break_minutes": 30,
    }
    body.update(kw)
    return body


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_the_list_is_scoped_filtered_and_paginated(rota, django_assert_max_num_queries):
    client = api(rota.supervisor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api-shifts"))
    assert response.status_code == 200
    assert ids(response) == [rota.shift.pk, rota.shift2.pk]
    assert response.json()["count"] == 2
    url = reverse("api-shifts")
    assert ids(client.get(url, {"agent": rota.agent2.pk})) == [rota.shift2.pk]
    assert ids(client.get(url, {"from": "2026-11-17", "to": "2026-11-17"})) == [rota.shift2.pk]
    # A queue's shifts: on it, or team-wide on its team.
    assert ids(client.get(url, {"queue": rota.queue.pk})) == [rota.shift.pk, rota.shift2.pk]
    assert ids(client.get(url, {"queue": rota.queue2.pk})) == [rota.shift2.pk]
    assert ids(client.get(url, {"team": rota.other_team.pk})) == []
    assert len(ids(client.get(url, {"page_size": 1}))) == 1
    assert len(ids(api(rota.admin).get(url))) == 3


def test_an_agent_reads_only_their_own_shifts(rota):
    client = api(rota.agent)
    assert ids(client.get(reverse("api-shifts"))) == [rota.shift.pk]
    assert client.get(reverse("api-shift-detail", args=[rota.shift.pk])).status_code == 200
    assert client.get(reverse("api-shift-detail", args=[rota.shift2.pk])).status_code == 404
    assert client.post(reverse("api-shifts"), _body(rota), format="json").status_code == 403
    patch = client.patch(
        reverse("api-shift-detail", args=[rota.shift.pk]), {"break_minutes": 5}, format="json"
    )
    assert patch.status_code == 403
    assert client.delete(reverse("api-shift-detail", args=[rota.shift.pk])).status_code == 403
    copy = client.post(reverse("api-shifts-copy-week"), {"week": "2026-11-23"}, format="json")
    assert copy.status_code == 403
    assert Shift.objects.count() == 3


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.IT, Role.HR])
def test_other_roles_are_refused(rota, role):
    client = api(UserFactory(roles=[role]))
    assert client.get(reverse("api-shifts")).status_code == 403
    assert client.get(reverse("api-shift-detail", args=[rota.shift.pk])).status_code == 403


def test_a_supervisor_of_another_team_is_refused_this_teams_shifts(rota):
    client = api(rota.other_supervisor)
    detail = reverse("api-shift-detail", args=[rota.shift.pk])
    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"break_minutes": 5}, format="json").status_code == 404
    assert client.delete(detail).status_code == 404
    response = client.post(reverse("api-shifts"), _body(rota), format="json")
    assert response.status_code == 400
    assert "team" in response.json()
    assert Shift.objects.count() == 3


def test_create_change_and_delete(rota):
    client = api(rota.supervisor)
    created = client.post(reverse("api-shifts"), _body(rota), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["queue"], body["break_minutes"], body["agent_name"]) == (
        rota.queue2.pk,
        30,
        str(rota.agent),
    )
    detail = reverse("api-shift-detail", args=[body["id"]])
    patched = client.patch(detail, {"ends_at": "2026-11-18T18:00:00+01:00"}, format="json")
    assert patched.status_code == 200
    assert Shift.objects.get(pk=body["id"]).ends_at == at(18, 18)
    put = client.put(detail, _body(rota, queue=None, break_minutes=0), format="json")
    assert put.status_code == 200
    assert put.json()["queue"] is None
    client.patch(detail, {"queue": rota.queue.pk}, format="json")
    body_without_queue = {k: v for k, v in _body(rota).items() if k != "queue"}
    assert client.put(detail, body_without_queue, format="json").json()["queue"] is None
    assert client.delete(detail).status_code == 204
    assert not Shift.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2026-11-18T08:00:00+01:00"}, "ends_at"),
        ({"ends_at": "2026-11-19T09:00:00+01:00"}, "ends_at"),
        (
            {"starts_at": "2026-11-16T12:00:00+01:00", "ends_at": "2026-11-16T14:00:00+01:00"},
            "starts_at",  # overlaps the agent's Monday shift
        ),
        ({"break_minutes": 480}, "break_minutes"),
        ({"break_minutes": 10**6}, "break_minutes"),
        ({"agent": 999999}, "agent"),
        ({"agent": "other_agent"}, "agent"),
        ({"queue": "other_queue"}, "queue"),
        ({"team": 2**40}, "team"),
        ({"starts_at": "demain"}, "starts_at"),
        ({"agent": "<script>alert(1)</script>"}, "agent"),
        ({"agent": None}, "agent"),
        ({"surprise": 1}, "surprise"),
        ({"starts_at": "9999-12-31T20:00:00Z", "ends_at": "9999-12-31T22:00:00Z"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:00:00Z", "ends_at": "0001-01-01T02:00:00Z"}, "starts_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(rota, changes, field):
    changes = {
        k: (getattr(rota, v).pk if isinstance(v, str) and hasattr(rota, v) else v)
        for k, v in changes.items()
    }
    client = api(rota.supervisor)
    response = client.post(reverse("api-shifts"), _body(rota, **changes), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert Shift.objects.count() == 3
    body = {k: v for k, v in _body(rota).items() if k != "starts_at"}
    assert client.post(reverse("api-shifts"), body, format="json").status_code == 400
    patch = client.patch(
        reverse("api-shift-detail", args=[rota.shift2.pk]),
        {"starts_at": "2026-11-17T18:00:00+01:00"},
        format="json",
    )
    assert patch.status_code == 400  # would end before it starts
    assert Shift.objects.get(pk=rota.shift2.pk).starts_at == at(17, 9)


def test_bad_list_filters_are_400s(rota):
    client = api(rota.supervisor)
    for params in (
        {"agent": "x"},
        {"from": "2026-13-01"},
        {"from": "2026-11-20", "to": "2026-11-01"},
        {"team": 2**70},
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
    ):
        assert client.get(reverse("api-shifts"), params).status_code == 400
    for week in ("9999-12-31", "0001-01-01"):
        copy = client.post(reverse("api-shifts-copy-week"), {"week": week}, format="json")
        assert copy.status_code == 400
        assert "week" in copy.json()
        plan = client.get(reverse("api-staffing-plan"), {"queue": rota.queue.pk, "week": week})
        assert plan.status_code == 400


def test_copy_week(rota):
    client = api(rota.supervisor)
    url = reverse("api-shifts-copy-week")
    response = client.post(url, {"week": "2026-11-25"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"copied": 2, "skipped": 0}
    assert client.post(url, {"week": "2026-11-25"}, format="json").json() == {
        "copied": 0,
        "skipped": 2,
    }
    bad = client.post(url, {"week": "2026-11-25", "team": rota.other_team.pk}, format="json")
    assert bad.status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    assert Shift.objects.count() == 5
