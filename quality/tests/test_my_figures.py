"""The agent's own figures on their workspace: the KPI engine forced to agent=them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from quality.kpis.engine import KpiFilters, kpis_compute
from quality.kpis.facts import facts_refresh
from quality.selectors import my_figures
from tickets.models import Ticket
from tickets.tests.factories import QueueFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    agent = UserFactory(roles=[Role.AGENT])
    colleague = UserFactory(roles=[Role.AGENT])
    supervisor = UserFactory(roles=[Role.SUPERVISOR, Role.AGENT])
    team = TeamFactory(members=[agent, colleague, supervisor])
    queue = QueueFactory(team=team, agent_open_ticket_cap=4)
    QueueFactory(team=team, agent_open_ticket_cap=9)
    now = timezone.now()
    day_start = dt.datetime.combine(
        timezone.localdate(), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    done = [
        TicketFactory(
            queue=queue,
            assignee=who,
            status=Ticket.Status.RESOLVED,
            created_at=day_start,
            updated_at=now,
            first_response_at=now,
            resolved_at=now,
        )
        for who in (agent, agent, colleague)
    ]
    for _ in range(3):
        TicketFactory(queue=queue, assignee=agent, status=Ticket.Status.OPEN)
    facts_refresh(ticket_ids=[t.pk for t in done])
    return agent, colleague, supervisor


def _cell(html, row, period):
    start = html.index(f'data-row="{row}"')
    cell = html.index(f'data-period="{period}"', start)
    return html[html.index(">", cell) + 1 : html.index("</td>", cell)]


def test_an_agent_sees_their_own_figures_on_their_workspace(
    client, floor, django_assert_max_num_queries
):
    agent, _colleague, _supervisor = floor
    client.force_login(agent)
    with django_assert_max_num_queries(55):  # the whole workspace: 48 measured
        page = client.get(reverse("accounts:workspace", args=["agent"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="my-figures"' in html
    assert _cell(html, "resolved", "today") == "2"
    assert int(_cell(html, "resolved", "week")) == 2
    assert 'data-load="3" data-cap="4"' in html


def test_the_panel_figures_are_the_engines_for_that_agent(floor):
    agent, colleague, _supervisor = floor
    mine = my_figures(user=agent)
    theirs = my_figures(user=colleague)
    assert mine["rows"][0]["cells"][0]["value"] == 2
    assert theirs["rows"][0]["cells"][0]["value"] == 1
    assert (theirs["load"], theirs["cap"]) == (0, 4)
    today = timezone.localdate()
    engine = kpis_compute(KpiFilters(date_from=today, date_to=today, agent_ids=(agent.pk,)))
    sla = next(r for r in mine["rows"] if r["id"] == "sla_first_response")
    expected = engine.figures.get("sla_first_response")
    assert sla["cells"][0]["figure"] == (expected.as_dict() if expected else None)


def test_the_panel_is_on_the_agent_workspace_only(client, floor):
    _agent, _colleague, supervisor = floor
    client.force_login(supervisor)
    page = client.get(reverse("accounts:workspace", args=["supervisor"]))
    assert page.status_code == 200
    assert 'data-testid="my-figures"' not in page.content.decode()
    sales = UserFactory(roles=[Role.SALES])
    client.force_login(sales)
    page = client.get(reverse("accounts:workspace", args=["sales"]))
    assert 'data-testid="my-figures"' not in page.content.decode()
    assert client.get(reverse("accounts:workspace", args=["agent"])).status_code == 403
