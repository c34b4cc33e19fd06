"""Handoff KPIs on a hand-built set, with the exact expected figures.

Office hours Mon-Fri 09:00-18:00 (Europe/Paris). March 2026: Friday the 6th, weekend of
the 7th-8th, Monday the 9th. Delays are flag -> acceptance in business hours:
  O1  A  Fri 6 17:00 -> Mon 9 10:00   1 h + 1 h            = 2.0 h   won  1000
  O2  A  Mon 2 09:00 -> Mon 2 13:00                        = 4.0 h   lost
  O3  B  Sat 7 11:00 -> Mon 9 12:30   weekend counts 0     = 3.5 h   won  3000
  O4  B  Tue 3 10:00    never accepted                               new
  O5  A  Wed 4 16:00 -> Thu 5 12:00   2 h + 3 h            = 5.0 h   won   500
  O6  A  Fri 10 Apr (outside March)                                  new
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from sales import kpis, services
from sales.models import Opportunity, Stage
from sales.tests.clock import at, paris
from sales.tests.factories import flag, floor

pytestmark = pytest.mark.django_db


def _build():
    f = floor()
    services.rep_availability_set(user=f.other_rep, available=False)  # all go to f.rep
    agent_a = f.agent
    agent_b = UserFactory(roles=[Role.AGENT], first_name="Bea", last_name="Bis")
    team_b = TeamFactory(name="Service B2B", members=[agent_b])

    def one(agent, flagged, accepted=None, outcome=None, amount="0"):
        with at(flagged):
            o = flag(f, actor=agent, amount=amount)
        if accepted is not None:
            with at(accepted):
                o = services.opportunity_accept(opportunity=o, actor=o.owner)
                if outcome == Stage.WON:
                    o = services.opportunity_move(opportunity=o, actor=o.owner, stage=Stage.WON)
                elif outcome == Stage.LOST:
                    o = services.opportunity_move(
                        opportunity=o, actor=o.owner, stage=Stage.LOST, lost_reason=f.price
                    )
        return o

    one(agent_a, paris(2026, 3, 6, 17), paris(2026, 3, 9, 10), Stage.WON, "1000")
    one(agent_a, paris(2026, 3, 2, 9), paris(2026, 3, 2, 13), Stage.LOST, "800")
    one(agent_b, paris(2026, 3, 7, 11), paris(2026, 3, 9, 12, 30), Stage.WON, "3000")
    one(agent_b, paris(2026, 3, 3, 10))
    one(agent_a, paris(2026, 3, 4, 16), paris(2026, 3, 5, 12), Stage.WON, "500")
    one(agent_a, paris(2026, 4, 10, 10), amount="9999")
    return f, agent_a, agent_b, team_b


def test_acceptance_delays_are_business_hours_across_the_weekend():
    _build()
    hours = sorted(
        s / 3600
        for s in Opportunity.objects.exclude(acceptance_seconds=None).values_list(
            "acceptance_seconds", flat=True
        )
    )
    assert hours == [2.0, 3.5, 4.0, 5.0]


def test_kpi_totals_over_march():
    _build()
    import datetime as dt

    total, rows = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    assert rows == []
    assert total.flags == 5
    assert total.accepted == 4
    assert total.won == 3
    assert total.conversion == pytest.approx(0.6)
    assert total.won_revenue == Decimal("4500.00")
    assert total.average_deal == Decimal("1500.00")
    assert total.acceptance_median_hours == pytest.approx(3.75)
    assert total.acceptance_p90_hours == pytest.approx(4.7)


def test_kpis_by_agent_team_rep_and_month():
    f, agent_a, agent_b, team_b = _build()
    import datetime as dt

    march = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
    total, by_agent = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), group_by="agent", **march
    )
    # The total of a grouped call is the ungrouped total (one scan with GROUPING SETS).
    alone, _rows = kpis.handoff_kpis(opportunities=Opportunity.objects.all(), **march)
    assert total == alone
    assert (total.flags, total.won, total.acceptance_median_hours) == (5, 3, pytest.approx(3.75))
    rows = {r.key: r for r in by_agent}
    a, b = rows[agent_a.pk], rows[agent_b.pk]
    assert (a.flags, a.accepted, a.won, a.won_revenue) == (3, 3, 2, Decimal("1500.00"))
    assert a.acceptance_median_hours == pytest.approx(4.0)
    assert a.acceptance_p90_hours == pytest.approx(4.8)
    assert a.average_deal == Decimal("750.00")
    assert a.conversion == pytest.approx(2 / 3)
    assert (b.flags, b.accepted, b.won, b.won_revenue) == (2, 1, 1, Decimal("3000.00"))
    assert b.acceptance_median_hours == pytest.approx(3.5)
    assert b.conversion == pytest.approx(0.5)
    assert a.label == str(agent_a)

    _total, by_team = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), group_by="team", **march
    )
    assert {r.key: r.flags for r in by_team} == {f.desk.team.pk: 3, team_b.pk: 2}

    _total, by_rep = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), group_by="rep", **march
    )
    assert [(r.key, r.flags, r.won) for r in by_rep] == [(f.rep.pk, 5, 3)]

    _total, by_month = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), group_by="month",
        start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30),
    )  # fmt: skip
    assert [(r.key, r.flags, r.won) for r in by_month] == [
        (dt.date(2026, 3, 1), 5, 3),
        (dt.date(2026, 4, 1), 1, 0),
    ]


def test_kpi_api_gives_the_same_figures_with_formulas(role_api_client):
    _build()
    client = role_api_client(Role.SUPERVISOR)
    response = client.get(
        "/api/v1/opportunities/kpis/?from=2026-03-01&to=2026-03-31&group_by=agent"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == {
        "key": None, "label": body["total"]["label"], "flags": 5, "accepted": 4, "won": 3,
        "conversion_rate": 0.6, "won_revenue": "4500.00", "average_deal_size": "1500.00",
        "acceptance_median_hours": 3.75, "acceptance_p90_hours": 4.7,
    }  # fmt: skip
    assert len(body["rows"]) == 2
    assert set(body["formulas"]) == set(kpis.FORMULAS)


def test_kpi_page_shows_formulas_and_exports_csv(role_client):
    _build()
    client = role_client(Role.MARKETING)
    response = client.get("/sales/kpis/?start=2026-03-01&end=2026-03-31&group_by=agent")
    assert response.status_code == 200
    page = response.content.decode()
    assert str(kpis.FORMULAS["conversion"]) in page
    assert 'data-kpi="flags">5<' in page
    csv_response = client.get(
        "/sales/kpis/?start=2026-03-01&end=2026-03-31&group_by=agent&format=csv"
    )
    lines = csv_response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("group,flags,accepted,won,conversion_rate")
    assert lines[-1].split(",")[1:] == ["5", "4", "3", "0.6", "4500.00", "1500.00", "3.75", "4.7"]


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01",
        "from=2026-03-31&to=2026-03-01",
        "group_by=planet",
        "from=1900-01-01&to=2026-01-01",
    ],
)
def test_kpi_api_refuses_bad_periods(role_api_client, query):
    response = role_api_client(Role.SUPERVISOR).get(f"/api/v1/opportunities/kpis/?{query}")
    assert response.status_code == 400


def test_a_group_without_owner_is_a_row_of_its_own_not_the_total():
    import datetime as dt

    f, *_rest = _build()
    march = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
    unowned = Opportunity.objects.filter(created_at__month=3).order_by("pk").first()
    Opportunity.objects.filter(pk=unowned.pk).update(owner=None)
    total, by_rep = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), group_by="rep", **march
    )
    assert total.flags == 5
    assert sorted((r.key or 0, r.flags) for r in by_rep) == [(0, 1), (f.rep.pk, 4)]
    assert {r.label for r in by_rep if r.key is None} == {str(kpis._("Nobody"))}
