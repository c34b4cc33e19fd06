"""Handoff KPIs at their edges: the period's bounds in local time, months across a year
boundary, Decimal rounding of the average deal, the API giving the same figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from sales import kpis, services
from sales.models import Opportunity, Stage
from sales.tests.clock import at, paris
from sales.tests.factories import flag, floor

pytestmark = pytest.mark.django_db


def _won(f, moment, amount):
    with at(moment):
        o = flag(f, amount=amount)
        o = services.opportunity_accept(opportunity=o, actor=o.owner)
        return services.opportunity_move(opportunity=o, actor=o.owner, stage=Stage.WON)


@pytest.fixture
def year_end(db):
    """Three wins of 100.00, 100.00 and 100.01 around New Year (Paris time), one lost."""
    f = floor()
    services.rep_availability_set(user=f.other_rep, available=False)
    _won(f, paris(2026, 12, 31, 23, 30), "100.00")  # 22:30 UTC: December
    _won(f, paris(2027, 1, 1, 0, 30), "100.00")  # 23:30 UTC on the 31st: January in Paris
    _won(f, paris(2027, 1, 31, 23, 59), "100.01")
    with at(paris(2027, 2, 1, 0, 0)):  # the next period starts at local midnight
        flag(f, amount="5000")
    with at(paris(2026, 12, 1, 0, 0)):
        lost = flag(f, amount="700")
        services.opportunity_move(
            opportunity=lost, actor=lost.owner, stage=Stage.LOST, lost_reason=f.price
        )
    return f


def test_the_period_is_local_days_inclusive(year_end):
    total, _rows = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31)
    )
    assert (total.flags, total.won, total.won_revenue) == (2, 2, Decimal("200.01"))
    assert total.average_deal == Decimal("100.00")  # 100.005 rounded to the cent, half even


def test_months_are_local_months_across_the_year_boundary(year_end):
    total, rows = kpis.handoff_kpis(
        opportunities=Opportunity.objects.all(), start=dt.date(2026, 12, 1),
        end=dt.date(2027, 2, 28), group_by="month",
    )  # fmt: skip
    assert [(r.key, r.flags, r.won, r.won_revenue) for r in rows] == [
        (dt.date(2026, 12, 1), 2, 1, Decimal("100.00")),
        (dt.date(2027, 1, 1), 2, 2, Decimal("200.01")),
        (dt.date(2027, 2, 1), 1, 0, Decimal("0.00")),
    ]
    assert (total.flags, total.won) == (5, 3)
    assert total.conversion == pytest.approx(0.6)
    assert total.average_deal == Decimal("100.00")  # 300.01 / 3 = 100.0033...


def test_the_api_gives_the_same_figures(year_end):
    client = APIClient()
    client.force_authenticate(year_end.lead)
    body = client.get(
        "/api/v1/opportunities/kpis/?from=2026-12-01&to=2027-01-31&group_by=month"
    ).json()
    assert body["total"]["flags"] == 4
    assert body["total"]["won_revenue"] == "300.01"
    assert body["total"]["conversion_rate"] == 0.75
    assert [r["key"] for r in body["rows"]] == ["2026-12-01", "2027-01-01"]
    bad = client.get("/api/v1/opportunities/kpis/?from=2027-01-31&to=2026-12-01")
    assert bad.status_code == 400
    assert client.get("/api/v1/opportunities/kpis/?group_by=planet").status_code == 400


# --- Fix service first: an old open complaint behind many recent closed ones ------------------
def test_an_old_open_complaint_still_warns_behind_many_recent_closed_ones():
    from django.core.exceptions import ValidationError

    from sales.service_context import service_context
    from tickets.models import Ticket
    from tickets.tests.factories import open_ticket

    f = floor()
    with at(paris(2026, 1, 5, 10)):
        old = open_ticket(f.desk, queue=f.complaints, contact=f.customer, subject="Ancienne")
    closed = [
        open_ticket(f.desk, queue=f.complaints, contact=f.customer, subject=f"Close {i}")
        for i in range(11)
    ]
    Ticket.objects.filter(pk__in=[t.pk for t in closed]).update(status=Ticket.Status.CLOSED)
    opportunity = flag(f)
    opportunity = services.opportunity_accept(opportunity=opportunity, actor=opportunity.owner)
    keys = [w.key for w in service_context(f.customer)["warnings"]]
    assert keys == [f"complaint:{old.pk}"]
    with pytest.raises(ValidationError):
        services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage="won")


# --- Hand back: the alternative to accepting, not a way to drop a deal in progress --------------
def test_a_deal_in_progress_is_reassigned_not_handed_back():
    from django.core.exceptions import ValidationError

    f = floor()
    opportunity = flag(f)
    owner = opportunity.owner
    opportunity = services.opportunity_accept(opportunity=opportunity, actor=owner)
    opportunity = services.opportunity_move(opportunity=opportunity, actor=owner, stage="contacted")
    version = opportunity.version
    with pytest.raises(ValidationError) as info:
        services.opportunity_hand_back(opportunity=opportunity, actor=owner, reason="Plus le temps")
    assert str(services.ERROR_HAND_BACK_WORKED) in " ".join(info.value.messages)
    opportunity.refresh_from_db()
    assert (opportunity.owner, opportunity.version) == (owner, version)
    assert opportunity.accepted_at is not None
    other = f.other_rep if owner == f.rep else f.rep
    opportunity = services.opportunity_reassign(opportunity=opportunity, actor=owner, rep=other)
    assert (opportunity.owner, opportunity.stage) == (other, Stage.CONTACTED)
    assert opportunity.accepted_at is not None  # the new rep takes over the work


# --- Escalation to someone who is still there ----------------------------------------------------
def test_escalation_skips_a_contact_who_left_and_tells_the_team_lead():
    from accounts.models import Notification

    f = floor(accept_within_minutes=60)
    f.policy.escalate_to = f.other_rep
    f.policy.save()
    services.rep_availability_set(user=f.other_rep, available=False)
    f.other_rep.is_active = False
    f.other_rep.save()
    with at(paris(2026, 3, 2, 9)):
        flag(f)
    with at(paris(2026, 3, 2, 10)):  # exactly at the deadline
        assert services.handoff_escalation_sweep().notifications == 1
    assert Notification.objects.filter(recipient=f.lead).count() == 1
    assert not Notification.objects.filter(recipient=f.other_rep).exists()


# --- An agent reads their own flags, in the list, the API and the export -------------------------
def test_an_agent_sees_only_their_own_flags_everywhere():
    from django.test import Client

    f = floor()
    mine = flag(f)
    theirs = flag(f, actor=f.desk.other_agent)
    api = APIClient()
    api.force_authenticate(f.agent)
    ids = [r["id"] for r in api.get("/api/v1/opportunities/").json()["results"]]
    assert ids == [mine.pk]
    assert api.get(f"/api/v1/opportunities/{theirs.pk}/").status_code == 404
    client = Client()
    client.force_login(f.agent)
    response = client.get("/sales/opportunities/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert mine.reference in body
    assert theirs.reference not in body


# --- Routing rules typed in the admin ------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value"),
    [("departements", "75, 2C"), ("departements", "20"), ("departements", "99"),
     ("organisation_sizes", "large, big")],
)  # fmt: skip
def test_a_rule_with_an_unknown_departement_or_size_is_refused(field, value):
    from django.core.exceptions import ValidationError

    from sales.models import RoutingRule

    f = floor()
    rule = RoutingRule(position=1, name="Typo", rep=f.rep, **{field: value})
    with pytest.raises(ValidationError) as info:
        rule.full_clean()
    assert field in info.value.message_dict
    RoutingRule(position=1, name="Bon", rep=f.rep, departements="1, 2a, 974, 75",
                organisation_sizes="Large").full_clean()  # fmt: skip
