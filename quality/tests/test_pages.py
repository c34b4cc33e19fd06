"""The KPI, staffing and report pages; exports; the summaries sent by beat."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Notification
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from quality.reports import summaries_send, summary_period

from .dataset import build_week

pytestmark = pytest.mark.django_db
WEEK = {"date_from": "2026-11-09", "date_to": "2026-11-16"}


@pytest.fixture
def week():
    return build_week()


def test_the_kpi_page_shows_each_figure_with_its_formula_and_a_chart(
    client, week, django_assert_max_num_queries
):
    client.force_login(week.supervisor)
    with django_assert_max_num_queries(45):
        response = client.get(
            reverse("quality:kpis"), {**WEEK, "period": "custom", "group_by": "day"}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kpi="sla_first_response" data-numerator="4" data-denominator="7"' in page
    assert "kpi-chart-data" in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_csv_and_xlsx_exports_hold_the_same_figures(client, week):
    client.force_login(week.supervisor)
    params = {**WEEK, "period": "custom"}
    csv_body = client.get(reverse("quality:kpis"), {**params, "export": "csv"}).content
    assert "sla_first_response;" in csv_body.decode("utf-8-sig").replace('"', "")
    xlsx = client.get(reverse("quality:kpis"), {**params, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    sla = next(r for r in rows if r[5] == "sla_first_response")
    assert (sla[3], sla[4]) == (4, 7)


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-11-20", "date_to": "2026-11-01"},
        {"date_from": "nope"},
        {"queue": "99999"},
        {"group_by": "<b>"},
        {"date_from": "2020-01-01", "date_to": "2026-01-01"},
    ],
)
def test_the_kpi_page_refuses_bad_input_with_a_message(client, week, params):
    client.force_login(week.supervisor)
    response = client.get(reverse("quality:kpis"), params)
    assert response.status_code == 400
    assert response.context["form"].errors


def test_an_agent_sees_only_their_own_figures_on_the_kpi_page(client, week):
    client.force_login(week.agent)
    response = client.get(reverse("quality:kpis"), {**WEEK, "period": "custom"})
    assert response.status_code == 200
    assert response.context["result"].figures["tickets_created"].value == 1


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.IT, Role.HR])
def test_other_roles_are_refused_the_kpi_and_report_pages(client, role):
    client.force_login(UserFactory(roles=[role]))
    for name in ("quality:kpis", "quality:reports", "quality:staffing"):
        assert client.get(reverse(name)).status_code == 403


def test_the_staffing_page_computes_erlang_c_and_shows_the_plan(client, week):
    client.force_login(week.supervisor)
    response = client.get(
        reverse("quality:staffing"),
        {"contacts": 100, "interval_s": 1800, "aht_s": 180, "target_sl": 80, "target_s": 20},
    )
    assert response.status_code == 200
    assert response.context["erlang"].agents == 14
    bad = client.get(reverse("quality:staffing"), {"contacts": "-5", "aht_s": "x"})
    assert bad.status_code == 200
    assert bad.context["form"].errors
    assert bad.context["erlang"] is None


def test_the_summaries_reach_the_team_supervisors_and_the_page_shows_them(client, week):
    today = dt.date(2026, 11, 17)
    assert summary_period("daily", today) == (dt.date(2026, 11, 16), dt.date(2026, 11, 16))
    assert summary_period("weekly", today) == (dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    assert summaries_send(kind="weekly", today=today) == 1  # the team's one supervisor
    note = Notification.objects.get(recipient=week.supervisor)
    assert week.team.name in note.title
    assert "SLA" in note.body
    client.force_login(week.supervisor)
    page = client.get(reverse("quality:reports"), {"team": week.team.pk, "kind": "weekly"})
    assert page.status_code == 200
    assert page.context["summary"].figures
    assert mail.outbox == [] or week.supervisor.email in mail.outbox[0].to
