from __future__ import annotations

import pytest

from accounts.models import Notification
from crm.models import Activity
from sales import services
from sales.models import Stage
from sales.tests.factories import accepted, flag, floor

pytestmark = pytest.mark.django_db


def test_flag_routes_notifies_and_lands_on_the_timeline():
    f = floor()
    opportunity = flag(f)
    assert opportunity.owner in (f.rep, f.other_rep)
    assert opportunity.team == f.sales_team
    assert opportunity.acceptance_due_at is not None
    assert Activity.objects.filter(contact=f.customer, kind="opportunity_flagged").exists()
    assert Notification.objects.filter(recipient=opportunity.owner).count() == 1


def test_full_pipeline_to_won_notifies_the_agent():
    f = floor()
    opportunity = accepted(f)
    for stage in (Stage.CONTACTED, Stage.QUALIFIED, Stage.PROPOSAL, Stage.WON):
        opportunity = services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=stage
        )
    assert opportunity.stage == Stage.WON
    assert opportunity.probability == 100
    titles = list(Notification.objects.filter(recipient=f.agent).values_list("title", flat=True))
    assert any("a été accepté" in t for t in titles)
    assert any("est gagné" in t for t in titles)
