"""A ready-made sales floor for the tests, built through the real services where it
matters: `floor()` gives a service desk (tickets.tests.factories.desk), a sales team with
a lead and two reps following office hours (Mon-Fri 9:00-18:00, Europe/Paris), products,
lost reasons, a complaints queue marked as such, and a customer who agreed to be called.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory

from accounts.models import Team, User
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm import services as crm_services
from crm.models import Channel, Consent, Contact
from crm.tests.factories import ContactFactory
from sales import services
from sales.models import (
    LostReason,
    Opportunity,
    Product,
    SalesTeamPolicy,
    ServiceWarningSettings,
    Stage,
)
from tickets.models import Queue
from tickets.tests.factories import OFFICE_HOURS, Desk, QueueFactory, calendar, desk


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Offre {n}")
    product_line = "Fibre"


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A bare opportunity row (no routing, no timeline): for lists and query counts."""

    class Meta:
        model = Opportunity

    contact = factory.SubFactory(ContactFactory)
    need = "Besoin d'une offre"
    product = factory.SubFactory(ProductFactory)
    amount = Decimal("1000.00")
    stage = Stage.NEW
    probability = 10


@dataclass
class Floor:
    desk: Desk
    sales_team: Team
    lead: User
    rep: User
    other_rep: User
    agent: User
    fibre: Product
    mobile: Product
    price: LostReason
    complaints: Queue
    customer: Contact
    policy: SalesTeamPolicy


def with_call_consent(contact: Contact) -> Contact:
    crm_services.consent_record(
        contact=contact, channel=Channel.PHONE, status=Consent.Status.GIVEN, source="Appel",
        actor=None,
    )  # fmt: skip
    return contact


def floor(*, accept_within_minutes: int = 240) -> Floor:
    d = desk()
    lead = UserFactory(roles=[Role.SALES], first_name="Hugo", last_name="Chef")
    rep = UserFactory(roles=[Role.SALES], first_name="Rémi", last_name="Vendeur")
    other_rep = UserFactory(roles=[Role.SALES], first_name="Rose", last_name="Vendeuse")
    team = TeamFactory(name="Ventes", kind=Team.Kind.SALES, members=[lead, rep, other_rep],
                       lead=lead)  # fmt: skip
    # The lead steers; only the two reps take handoffs in round robin.
    services.rep_availability_set(user=lead, available=False)
    office = calendar(hours=OFFICE_HOURS, name="Bureaux")
    policy = SalesTeamPolicy.objects.create(
        team=team, calendar=office, accept_within_minutes=accept_within_minutes
    )
    complaints = QueueFactory(name="Réclamations clients", team=d.team, calendar=d.queue.calendar)
    settings_row = ServiceWarningSettings.objects.create(window_days=90)
    settings_row.complaint_queues.add(complaints)
    fibre = ProductFactory(name="Fibre Pro", product_line="Fibre")
    mobile = ProductFactory(name="Forfait Mobile", product_line="Mobile")
    price = LostReason.objects.create(name="Prix", position=1)
    customer = with_call_consent(
        ContactFactory(first_name="Zoé", last_name="Lefèvre", postal_code="69003", city="Lyon")
    )
    return Floor(d, team, lead, rep, other_rep, d.agent, fibre, mobile, price, complaints,
                 customer, policy)  # fmt: skip


def flag(f: Floor, **kwargs: Any) -> Opportunity:
    defaults: dict[str, Any] = {
        "actor": f.agent,
        "contact": f.customer,
        "need": "Veut la fibre pour ses bureaux",
        "product": f.fibre,
        "amount": "1200",
    }
    defaults.update(kwargs)
    return services.opportunity_flag(**defaults)


def accepted(f: Floor, **kwargs: Any) -> Opportunity:
    opportunity = flag(f, **kwargs)
    return services.opportunity_accept(opportunity=opportunity, actor=opportunity.owner)


WEEKDAY = dt.date(2026, 3, 2)  # a Monday
