"""Routing to sales: account owner first, then the rules in order, then round robin."""

from __future__ import annotations

import pytest

from accounts.models import Notification, Team
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm.tests.factories import ContactFactory, OrganisationFactory
from sales import services
from sales.models import RepStatus, RoutingRule
from sales.territory import departement_of
from sales.tests.factories import flag, floor, with_call_consent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postcode", "country", "expected"),
    [
        ("75011", "FR", "75"),
        ("06 000", "FR", "06"),
        ("97230", "FR", "972"),
        ("20000", "FR", "2A"),
        ("20200", "FR", "2B"),
        ("1000", "BE", ""),
        ("", "FR", ""),
    ],
)
def test_departement_of_a_postcode(postcode, country, expected):
    assert departement_of(postcode, country) == expected


def test_an_account_owner_who_is_a_rep_wins_over_every_rule():
    f = floor()
    RoutingRule.objects.create(position=1, name="Tout", rep=f.other_rep)
    contact = with_call_consent(ContactFactory(owner=f.rep))
    assert flag(f, contact=contact).owner == f.rep


def test_an_organisation_owner_counts_when_the_contact_has_none():
    f = floor()
    organisation = OrganisationFactory(owner=f.other_rep)
    contact = with_call_consent(ContactFactory(organisation=organisation))
    opportunity = flag(f, contact=contact)
    assert opportunity.owner == f.other_rep
    assert opportunity.routing_reason == services.Reason.OWNER


def test_an_owner_who_is_not_a_rep_does_not_count():
    f = floor()
    contact = with_call_consent(ContactFactory(owner=f.agent))
    RoutingRule.objects.create(position=1, name="Tout", rep=f.other_rep)
    assert flag(f, contact=contact).owner == f.other_rep


def test_rules_apply_in_order_and_the_first_match_wins():
    f = floor()
    RoutingRule.objects.create(position=20, name="Rhône", departements="69", rep=f.other_rep)
    RoutingRule.objects.create(position=10, name="Lyon 3e", postcode_prefixes="6900", rep=f.rep)
    RoutingRule.objects.create(position=5, name="Mobile", product_line="Mobile", rep=f.other_rep)
    opportunity = flag(f)  # Lyon 69003, fibre
    assert opportunity.owner == f.rep
    assert opportunity.routing_rule.name == "Lyon 3e"
    assert opportunity.routing_reason == "rule_rep:Lyon 3e"


def test_every_criterion_of_a_rule_must_match():
    f = floor()
    RoutingRule.objects.create(
        position=1, name="Rhône mobile", departements="69", product_line="Mobile", rep=f.rep
    )
    RoutingRule.objects.create(position=2, name="France", countries="FR", rep=f.other_rep)
    assert flag(f).owner == f.other_rep  # fibre: the first rule does not match
    assert flag(f, product=f.mobile).owner == f.rep


def test_organisation_size_rule():
    f = floor()
    RoutingRule.objects.create(position=1, name="Grands", organisation_sizes="large, huge",
                               rep=f.other_rep)  # fmt: skip
    big = with_call_consent(ContactFactory(organisation=OrganisationFactory(size="huge")))
    small = with_call_consent(ContactFactory(organisation=OrganisationFactory(size="micro")))
    assert flag(f, contact=big).owner == f.other_rep
    assert flag(f, contact=small).routing_reason == services.Reason.ROUND_ROBIN


def test_a_rule_naming_an_unavailable_rep_falls_through_to_the_next():
    f = floor()
    services.rep_availability_set(user=f.rep, available=False)
    RoutingRule.objects.create(position=1, name="Rémi", rep=f.rep)
    RoutingRule.objects.create(position=2, name="Rose", rep=f.other_rep)
    assert flag(f).owner == f.other_rep


def test_a_team_rule_round_robins_inside_its_team():
    f = floor()
    north = TeamFactory(name="Nord", kind=Team.Kind.SALES)
    a = UserFactory(roles=[Role.SALES])
    b = UserFactory(roles=[Role.SALES])
    north.members.set([a, b])
    RoutingRule.objects.create(position=1, name="Nord", team=north)
    owners = [flag(f).owner for _ in range(4)]
    assert set(owners) == {a, b}
    assert owners[0] != owners[1]
    assert owners[2] != owners[3]
    assert all(o.team == north for o in f.customer.opportunities.all())


def test_round_robin_fallback_picks_who_waited_longest_and_skips_unavailable_reps():
    f = floor()
    first, second, third = (flag(f).owner for _ in range(3))
    assert {first, second} == {f.rep, f.other_rep}
    assert third == first  # the lead is unavailable: only two reps alternate
    assert not f.customer.opportunities.filter(owner=f.lead).exists()


def test_nobody_available_leaves_it_unassigned_and_tells_the_sales_leads():
    f = floor()
    for rep in (f.rep, f.other_rep):
        services.rep_availability_set(user=rep, available=False)
    assert RepStatus.objects.filter(is_available=True).count() == 0
    opportunity = flag(f)
    assert opportunity.owner is None
    assert opportunity.routing_reason == services.Reason.NOBODY
    assert opportunity.acceptance_due_at is None
    assert Notification.objects.filter(recipient=f.lead).count() == 1


def test_hand_back_routes_to_someone_else_and_reassign_stays_in_sales():
    f = floor()
    opportunity = flag(f)
    first = opportunity.owner
    opportunity = services.opportunity_hand_back(
        opportunity=opportunity, actor=first, reason="Hors de mon secteur"
    )
    assert opportunity.owner not in (first, None)
    with pytest.raises(services.ValidationError) as info:
        services.opportunity_reassign(opportunity=opportunity, actor=f.lead, rep=f.agent)
    assert str(services.ERROR_NOT_A_REP % {"user": f.agent}) in info.value.messages[0]
    opportunity = services.opportunity_reassign(opportunity=opportunity, actor=f.lead, rep=first)
    assert opportunity.owner == first
