"""sales' rows for the erase-and-dump test (tests/test_erasure_dump.py): an opportunity
whose need, next step and hand-back reason quote the person, and its timeline rows."""

from __future__ import annotations

from typing import Any

from accounts.models import Team
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm.tests.erasure_activity import identity
from sales import services
from sales.models import SalesTeamPolicy
from sales.tests.factories import ProductFactory
from tickets.tests.factories import calendar


def create_activity(contact: Any, staff: dict[str, Any]) -> None:
    who = identity(contact)
    rep = UserFactory(roles=[Role.SALES], first_name="Rémi", last_name="Vendeur")
    other = UserFactory(roles=[Role.SALES], first_name="Rose", last_name="Vendeuse")
    team = TeamFactory(name="Ventes effacement", kind=Team.Kind.SALES, members=[rep, other])
    SalesTeamPolicy.objects.create(team=team, calendar=calendar(name="Ventes effacement"))
    product = ProductFactory(name="Fibre effacement", product_line="Fibre")
    opportunity = services.opportunity_flag(
        actor=staff["agent"],
        contact=contact,
        product=product,
        amount="900",
        need=f"{who.full_name} veut la fibre, joindre au {who.national} ou {who.email}",
        wants_call=False,
    )
    owner = opportunity.owner
    opportunity = services.opportunity_accept(opportunity=opportunity, actor=owner)
    opportunity = services.opportunity_update(
        opportunity=opportunity, actor=owner, next_step=f"Rappeler {who.first_name} {who.phone}"
    )
    services.opportunity_hand_back(
        opportunity=opportunity, actor=owner, reason=f"{who.last_name} préfère un autre conseiller"
    )
