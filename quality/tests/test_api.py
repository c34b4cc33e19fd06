"""GET /api/v1/kpis/, /live/, /staffing/erlang-c/, /staffing/plan/: shape, scope, 400s."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.tests.factories import UserFactory

from .dataset import build_week

pytestmark = pytest.mark.django_db
KPIS, LIVE = "/api/v1/kpis/", "/api/v1/live/"
ERLANG, PLAN = "/api/v1/staffing/erlang-c/", "/api/v1/staffing/plan/"


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def week():
    return build_week()


def test_kpis_carry_value_numerator_denominator_and_formula(week):
    response = _client(week.supervisor).get(
        KPIS, {"from": "2026-11-09", "to": "2026-11-16", "queue": week.queue.pk, "group_by": "day"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    sla = next(k for k in body["kpis"] if k["id"] == "sla_first_response")
    assert (sla["numerator"], sla["denominator"], sla["formula_id"]) == (4, 7, "sla_first_response")
    assert sla["formula"]
    assert sla["label"]
    assert {g["key"] for g in body["groups"]} >= {"2026-11-09", "2026-11-16"}


def test_an_agent_reads_only_their_own_figures(week):
    client = _client(week.agent)
    body = client.get(KPIS, {"from": "2026-11-09", "to": "2026-11-16"}).json()
    created = next(k for k in body["kpis"] if k["id"] == "tickets_created")
    assert created["value"] == 1  # T1, the only ticket assigned to this agent
    assert client.get(KPIS, {"agent": week.supervisor.pk}).status_code == 400
    assert client.get(KPIS, {"queue": week.queue.pk}).status_code == 400
    assert client.get(LIVE).status_code == 403


def test_a_supervisor_may_not_read_another_teams_queue(week):
    outsider = UserFactory(roles=[Role.SUPERVISOR])
    response = _client(outsider).get(KPIS, {"queue": week.queue.pk})
    assert response.status_code == 400
    assert "queue" in response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01", "to": "2026-11-16"},
        {"from": "2026-11-16", "to": "2026-11-01"},
        {"from": "2024-01-01", "to": "2026-11-16"},
        {"from": "2026-11-01"},
        {"queue": "abc"},
        {"queue": "-1"},
        {"queue": "9" * 30},
        {"group_by": "<script>"},
        {"channel": "pigeon"},
        {"period": "forever"},
        {"queue": "1\x00"},
    ],
)
def test_bad_kpi_input_is_a_400(week, params):
    response = _client(week.supervisor).get(KPIS, params)
    assert response.status_code == 400


def test_the_live_endpoint_gives_the_live_figures(week):
    body = _client(week.supervisor).get(LIVE).json()
    assert {q["name"] for q in body["queues"]} == {"File KPI", "Autre file"}
    assert set(body["queues"][0]["figures"]) >= {"backlog", "breached", "calls_waiting"}
    assert body["agents"]


def test_erlang_c_endpoint(week):
    client = _client(week.supervisor)
    body = client.get(
        ERLANG,
        {
            "contacts": 100,
            "interval_s": 1800,
            "aht_s": 180,
            "target_sl": 0.8,
            "target_s": 20,
            "shrinkage": 0.3,
        },
    ).json()
    assert body["agents"] == 14
    assert body["staff"] == 20
    assert body["traffic"] == 10
    for bad in (
        {},
        {"contacts": -1, "aht_s": 180},
        {"contacts": 10, "aht_s": 0},
        {"contacts": 10, "aht_s": 180, "interval_s": 600},
        {"contacts": 10, "aht_s": 180, "target_sl": 1.5},
        {"contacts": "lots", "aht_s": 180},
        {"contacts": 10, "aht_s": 180, "shrinkage": 1},
    ):
        assert client.get(ERLANG, bad).status_code == 400, bad


def test_staffing_plan_endpoint(week):
    client = _client(week.supervisor)
    body = client.get(PLAN, {"queue": week.queue.pk, "week": "2026-11-23"}).json()
    assert body["week_start"] == "2026-11-23"
    assert body["rows"]
    row = body["rows"][0]
    assert row["day"] == "2026-11-23"
    assert row["start"] == "10:00:00"
    assert row["contacts"] == 1.5
    assert client.get(PLAN, {}).json()["queue_id"] in (week.queue.pk, week.other_queue.pk)
    assert client.get(PLAN, {"queue": 999999}).status_code == 404
    assert client.get(PLAN, {"queue": week.queue.pk, "week": "soon"}).status_code == 400
    outsider = UserFactory(roles=[Role.SUPERVISOR])
    assert _client(outsider).get(PLAN, {"queue": week.queue.pk}).status_code == 404


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.IT, Role.HR, Role.INTEGRATION])
def test_other_roles_are_refused_every_endpoint(role):
    client = _client(UserFactory(roles=[role]))
    for url in (KPIS, LIVE, ERLANG, PLAN):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_refused():
    for url in (KPIS, LIVE, ERLANG, PLAN):
        assert APIClient().get(url).status_code in (401, 403)


def test_the_kpi_endpoint_query_count_does_not_grow_with_the_data(
    week, django_assert_max_num_queries
):
    client = _client(week.supervisor)
    # The overall figures and the grouped ones: about 15 aggregates each, whatever the data.
    # + 2 since surveys registers its CSAT/NPS source (one aggregate per group).
    with django_assert_max_num_queries(34):
        client.get(KPIS, {"from": "2026-11-09", "to": "2026-11-16", "group_by": "queue"})
