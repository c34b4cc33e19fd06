"""Edge cases of the sales rules (DOMAIN.md "Sales handoff", issue 12), written as an
outside reviewer would: territories, owners, round robin, business hours with holidays,
every forbidden move, probabilities, the forecast across a year, consent, feedback, KPI
and list exports with hostile values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Notification, Team
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from crm import services as crm_services
from crm.models import Activity, Channel, Consent
from crm.tests.factories import ContactFactory, OrganisationFactory
from sales import forecast as forecast_module
from sales import selectors, services
from sales.models import Opportunity, RoutingRule, Stage
from sales.territory import departement_of
from sales.tests.clock import at, paris
from sales.tests.factories import OpportunityFactory, accepted, flag, floor, with_call_consent
from tickets.models import Holiday
from tickets.sla import cache as sla_cache

pytestmark = pytest.mark.django_db


# --- Territories ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("20090", "2A"),  # Ajaccio
        ("20 137", "2A"),  # Porto-Vecchio, typed with a space
        ("20199", "2A"),
        ("20200", "2B"),  # Bastia
        ("20600", "2B"),
        ("97100", "971"),  # Guadeloupe
        ("97 400", "974"),  # La Réunion with a space
        ("97600", "976"),  # Mayotte
        ("01000", "01"),
        ("2", ""),
    ],
)
def test_departements_of_corsica_and_overseas(postcode, expected):
    assert departement_of(postcode, "FR") == expected


def _contact(**kwargs):
    return with_call_consent(ContactFactory(**kwargs))


def test_departement_rules_for_corsica_overseas_and_a_one_digit_departement():
    f = floor()
    RoutingRule.objects.create(position=1, name="Corse-du-Sud", departements="2a", rep=f.rep)
    RoutingRule.objects.create(
        position=2, name="Outre-mer", departements="971; 972", rep=f.other_rep
    )
    RoutingRule.objects.create(position=3, name="Ain", departements="1", rep=f.other_rep)
    assert flag(f, contact=_contact(postal_code="20 090")).routing_rule.name == "Corse-du-Sud"
    assert flag(f, contact=_contact(postal_code="20200")).routing_rule is None  # 2B
    assert flag(f, contact=_contact(postal_code="97230")).routing_rule.name == "Outre-mer"
    assert flag(f, contact=_contact(postal_code="97400")).routing_rule is None  # 974
    assert flag(f, contact=_contact(postal_code="01000")).routing_rule.name == "Ain"


def test_a_french_departement_rule_does_not_match_a_foreign_postcode():
    f = floor()
    RoutingRule.objects.create(position=1, name="Rhône", departements="69", rep=f.other_rep)
    RoutingRule.objects.create(position=2, name="Belgique", countries="be", rep=f.rep)
    belgian = _contact(postal_code="6900", country="be")
    opportunity = flag(f, contact=belgian)
    assert opportunity.routing_rule.name == "Belgique"


def test_postcode_prefix_ignores_spaces_and_the_organisation_address_is_the_fallback():
    f = floor()
    RoutingRule.objects.create(position=1, name="Paris 11e", postcode_prefixes="75011", rep=f.rep)
    RoutingRule.objects.create(position=2, name="Lille", postcode_prefixes="590", rep=f.other_rep)
    assert flag(f, contact=_contact(postal_code="75 011")).routing_rule.name == "Paris 11e"
    org = OrganisationFactory(postal_code="59000", country="FR")
    no_address = _contact(organisation=org, postal_code="")
    assert flag(f, contact=no_address).routing_rule.name == "Lille"
    # The contact's own address wins over the organisation's.
    with_address = _contact(organisation=org, postal_code="75011")
    assert flag(f, contact=with_address).routing_rule.name == "Paris 11e"


def test_product_line_and_size_rules_ignore_case_and_spaces():
    f = floor()
    f.mobile.product_line = "Mobile "
    f.mobile.save()
    RoutingRule.objects.create(position=1, name="Grands", organisation_sizes="Large", rep=f.rep)
    RoutingRule.objects.create(position=2, name="Mobile", product_line=" mobile", rep=f.other_rep)
    big = _contact(organisation=OrganisationFactory(size="large"))
    assert flag(f, contact=big).routing_rule.name == "Grands"
    assert flag(f, contact=_contact(), product=f.mobile).routing_rule.name == "Mobile"
    # A size rule never matches a contact without an organisation.
    alone = flag(f, contact=_contact(organisation=None))
    assert alone.routing_rule is None


@pytest.mark.parametrize("how", ["inactive", "not_sales", "no_team", "away"])
def test_an_owner_who_cannot_take_it_gives_way_to_the_rules(how):
    f = floor()
    owner = UserFactory(roles=[Role.SALES])
    f.sales_team.members.add(owner)
    if how == "inactive":
        owner.is_active = False
        owner.save()
    elif how == "not_sales":
        owner.groups.clear()
    elif how == "no_team":
        f.sales_team.members.remove(owner)
    else:
        services.rep_availability_set(user=owner, available=False)
    RoutingRule.objects.create(position=1, name="Tout", rep=f.other_rep)
    opportunity = flag(f, contact=_contact(owner=owner))
    assert opportunity.owner == f.other_rep
    assert opportunity.routing_rule.name == "Tout"


def test_an_inactive_rule_is_skipped_and_position_beats_creation_order():
    f = floor()
    RoutingRule.objects.create(position=1, name="Off", rep=f.rep, is_active=False)
    RoutingRule.objects.create(position=9, name="Second", rep=f.rep)
    RoutingRule.objects.create(position=3, name="First", rep=f.other_rep)
    assert flag(f).routing_rule.name == "First"


# --- Round robin ------------------------------------------------------------------------------
def test_round_robin_alternates_even_when_flags_arrive_at_the_same_instant():
    f = floor()
    with at(paris(2026, 3, 2, 10)):
        owners = [flag(f).owner for _ in range(6)]
    assert owners.count(f.rep) == 3
    assert owners.count(f.other_rep) == 3
    assert all(a != b for a, b in itertools.pairwise(owners))


def test_round_robin_skips_inactive_and_unavailable_reps_and_never_the_excluded():
    f = floor()
    gone = UserFactory(roles=[Role.SALES], is_active=False)
    f.sales_team.members.add(gone)
    services.rep_availability_set(user=f.other_rep, available=False)
    owners = {flag(f).owner for _ in range(3)}
    assert owners == {f.rep}
    assert services.round_robin(team_ids=None, exclude={f.rep.pk}) is None


# --- Business hours: weekend, public holiday, boundary ------------------------------------------
def test_acceptance_deadline_skips_a_weekend_and_a_public_holiday_and_escalates_at_the_boundary():
    f = floor(accept_within_minutes=240)
    Holiday.objects.create(calendar=f.policy.calendar, date=dt.date(2026, 4, 6), name="Pâques")
    sla_cache.forget()
    with at(paris(2026, 4, 3, 17)):  # Friday 17:00: 1 h that day, Easter Monday closed
        opportunity = flag(f)
    assert opportunity.acceptance_due_at == paris(2026, 4, 7, 12)  # Tuesday 12:00
    with at(paris(2026, 4, 7, 11, 59)):
        assert services.handoff_escalation_sweep().claimed == 0
    with at(paris(2026, 4, 7, 12)):
        assert services.handoff_escalation_sweep().claimed == 1
    with at(paris(2026, 4, 7, 12, 30)):
        opportunity = services.opportunity_accept(opportunity=opportunity, actor=opportunity.owner)
    # 1 h on Friday, nothing on the weekend or Monday, 3 h 30 on Tuesday.
    assert opportunity.acceptance_seconds == 4 * 3600 + 30 * 60


def test_an_accepted_or_closed_handoff_never_escalates():
    f = floor(accept_within_minutes=60)
    with at(paris(2026, 3, 2, 9)):
        done = accepted(f)
        dropped = flag(f)
        services.opportunity_move(
            opportunity=dropped, actor=dropped.owner, stage=Stage.LOST, lost_reason=f.price
        )
    with at(paris(2026, 3, 2, 12)):
        assert services.handoff_escalation_sweep().claimed == 0
    assert done.escalated_at is None


# --- Every forbidden move ---------------------------------------------------------------------
ALLOWED = {
    ("new", "contacted"), ("new", "qualified"), ("new", "proposal"), ("new", "won"),
    ("new", "lost"),
    ("contacted", "qualified"), ("contacted", "proposal"), ("contacted", "won"),
    ("contacted", "lost"),
    ("qualified", "contacted"), ("qualified", "proposal"), ("qualified", "won"),
    ("qualified", "lost"),
    ("proposal", "contacted"), ("proposal", "qualified"), ("proposal", "won"),
    ("proposal", "lost"),
    ("lost", "contacted"),
}  # fmt: skip
FORBIDDEN = [(a, b) for a in Stage.values for b in [*Stage.values, "archived", ""]
             if (a, b) not in ALLOWED]  # fmt: skip


def test_the_table_allows_exactly_the_documented_moves():
    table = {
        (a, b) for a in Stage.values for b in Stage.values if services.transition_allowed(a, b)
    }
    assert table == ALLOWED


@pytest.fixture
def worked(db):
    f = floor()
    opportunity = accepted(f)
    return f, opportunity


@pytest.mark.parametrize(("old", "new"), FORBIDDEN)
def test_every_forbidden_move_is_refused_and_writes_nothing(worked, old, new):
    f, opportunity = worked
    Opportunity.objects.filter(pk=opportunity.pk).update(
        stage=old, lost_reason=f.price if old == Stage.LOST else None
    )
    opportunity.refresh_from_db()
    version = opportunity.version
    with pytest.raises(ValidationError) as info:
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=new, lost_reason=f.price
        )
    assert "stage" in info.value.message_dict
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == (old, version)


def test_lost_without_reason_or_with_an_inactive_one_is_refused():
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage="lost")
    assert "lost_reason" in info.value.message_dict
    f.price.is_active = False
    f.price.save()
    with pytest.raises(ValidationError):
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage="lost", lost_reason=f.price
        )
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEW


def test_reopening_a_lost_deal_clears_the_reason_and_restores_a_live_probability():
    f = floor()
    opportunity = accepted(f)
    owner = opportunity.owner
    opportunity = services.opportunity_update(opportunity=opportunity, actor=owner, probability=35)
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=owner, stage="lost", lost_reason=f.price, lost_note="Cher"
    )
    assert opportunity.probability == 0
    opportunity = services.opportunity_move(opportunity=opportunity, actor=owner, stage="contacted")
    assert (opportunity.lost_reason, opportunity.lost_note, opportunity.closed_at) == (
        None,
        "",
        None,
    )
    # An open deal is never weighted at 0 % because it was lost once.
    assert opportunity.probability == 20
    assert opportunity.probability_overridden is False


def test_an_override_survives_open_moves_and_won_is_always_100():
    f = floor()
    opportunity = accepted(f)
    owner = opportunity.owner
    opportunity = services.opportunity_update(opportunity=opportunity, actor=owner, probability=75)
    for stage in ("contacted", "qualified", "proposal", "qualified"):
        opportunity = services.opportunity_move(opportunity=opportunity, actor=owner, stage=stage)
        assert opportunity.probability == 75
    opportunity = services.opportunity_move(opportunity=opportunity, actor=owner, stage="won")
    assert opportunity.probability == 100


@pytest.mark.parametrize("value", [True, -1, 101, "50", 50.5])
def test_a_probability_that_is_not_a_whole_percentage_is_refused(value):
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_update(
            opportunity=opportunity, actor=opportunity.owner, probability=value
        )
    assert "probability" in info.value.message_dict


def test_changing_a_stage_default_moves_only_the_open_ones_that_follow_it():
    f = floor()
    follows = accepted(f)
    owner = follows.owner
    follows = services.opportunity_move(opportunity=follows, actor=owner, stage="qualified")
    pinned = accepted(f)
    pinned = services.opportunity_move(opportunity=pinned, actor=pinned.owner, stage="qualified")
    pinned = services.opportunity_update(opportunity=pinned, actor=pinned.owner, probability=5)
    services.stage_probability_set(stage="qualified", probability=55)
    follows.refresh_from_db()
    pinned.refresh_from_db()
    assert (follows.probability, pinned.probability) == (55, 5)


# --- Forecast ---------------------------------------------------------------------------------
def test_forecast_across_a_year_boundary_with_exact_decimals():
    f = floor()
    rows = [
        ("1001.00", 33, dt.date(2026, 12, 31), Stage.PROPOSAL),
        ("0.02", 50, dt.date(2026, 12, 1), Stage.QUALIFIED),
        ("2000.00", 10, dt.date(2027, 1, 1), Stage.NEW),
        ("500.00", 100, dt.date(2027, 1, 15), Stage.WON),
        ("700.00", 0, dt.date(2027, 1, 20), Stage.LOST),  # a lost deal weighs nothing
        ("999.00", 50, dt.date(2027, 3, 1), Stage.PROPOSAL),  # outside the window
    ]
    for amount, probability, close, stage in rows:
        OpportunityFactory(
            contact=f.customer, product=f.fibre, owner=f.rep, amount=Decimal(amount),
            probability=probability, expected_close_date=close, stage=stage,
            lost_reason=f.price if stage == Stage.LOST else None,
        )  # fmt: skip
    result = forecast_module.forecast(
        opportunities=Opportunity.objects.all(),
        start=dt.date(2026, 12, 1),
        end=dt.date(2027, 1, 31),
    )
    assert result.months == [dt.date(2026, 12, 1), dt.date(2027, 1, 1)]
    december = result.month_total(dt.date(2026, 12, 1))
    january = result.month_total(dt.date(2027, 1, 1))
    assert december.weighted == Decimal("330.34")  # 1001 x 33 % = 330.33, 0.02 x 50 % = 0.01
    assert december.pipeline == Decimal("1001.02")
    assert (january.weighted, january.won, january.forecast) == (
        Decimal("200.00"), Decimal("500.00"), Decimal("700.00"),
    )  # fmt: skip
    assert result.total.forecast == Decimal("1030.34")


# --- Consent to be called ---------------------------------------------------------------------
def test_a_withdrawn_consent_takes_the_customer_off_the_calls_to_make():
    f = floor()
    opportunity = accepted(f)
    assert opportunity in selectors.calls_today(user=opportunity.owner)
    crm_services.consent_record(
        contact=f.customer, channel=Channel.PHONE, status=Consent.Status.WITHDRAWN,
        source="Appel", actor=None,
    )  # fmt: skip
    assert opportunity not in selectors.calls_today(user=opportunity.owner)
    client = Client()
    client.force_login(opportunity.owner)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert 'data-testid="no-call-consent"' in page


# --- Hand back, reassign, feedback ------------------------------------------------------------
def test_a_rep_who_handed_it_back_is_never_routed_it_again_and_reassign_refuses_outsiders():
    f = floor()
    opportunity = flag(f)
    first = opportunity.owner
    second_rep = f.other_rep if first == f.rep else f.rep
    with pytest.raises(ValidationError):
        services.opportunity_hand_back(opportunity=opportunity, actor=first, reason="   ")
    opportunity = services.opportunity_hand_back(opportunity=opportunity, actor=first, reason="Non")
    assert opportunity.owner == second_rep
    opportunity = services.opportunity_hand_back(
        opportunity=opportunity, actor=second_rep, reason="Non plus"
    )
    assert opportunity.owner is None  # the lead is away and both reps refused it
    marketing = UserFactory(roles=[Role.MARKETING])
    inactive = UserFactory(roles=[Role.SALES], is_active=False)
    f.sales_team.members.add(inactive)
    lone_seller = UserFactory(roles=[Role.SALES])  # in sales but in no sales team
    for outsider in (f.agent, marketing, inactive, lone_seller):
        with pytest.raises(ValidationError):
            services.opportunity_reassign(opportunity=opportunity, actor=f.lead, rep=outsider)
    with pytest.raises(ValidationError):
        services.opportunity_reassign(opportunity=opportunity, actor=second_rep, rep=first)


def test_the_flagging_agent_is_told_and_the_timeline_shows_each_outcome():
    f = floor()
    opportunity = flag(f)
    owner = opportunity.owner
    opportunity = services.opportunity_accept(opportunity=opportunity, actor=owner)
    opportunity = services.opportunity_move(opportunity=opportunity, actor=owner, stage="won")
    titles = list(Notification.objects.filter(recipient=f.agent).values_list("title", flat=True))
    assert len(titles) == 2
    assert any("accept" in t for t in titles)
    kinds = set(Activity.objects.filter(contact=f.customer).values_list("kind", flat=True))
    assert {"opportunity_flagged", "opportunity_won"} <= kinds
    mine = list(selectors.my_flags(user=f.agent))
    assert [(o.pk, o.stage) for o in mine] == [(opportunity.pk, Stage.WON)]


# --- Exports with hostile values --------------------------------------------------------------
HOSTILE = ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_kpi_csv_neutralises_names_that_look_like_formulas(role_client):
    f = floor()
    hostile_team = f.desk.team
    hostile_team.name = "=cmd|' /C calc'!A0"
    hostile_team.save()
    with at(paris(2026, 3, 2, 10)):
        flag(f)
    client = Client()
    client.force_login(f.lead)
    response = client.get("/sales/kpis/?start=2026-03-01&end=2026-03-31&group_by=team&format=csv")
    assert response.status_code == 200
    cells = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert f"'{hostile_team.name}" in cells
    assert hostile_team.name not in cells


def test_list_csv_neutralises_every_hostile_text_cell(role_client):
    f = floor()
    for i, text in enumerate(HOSTILE):
        contact = _contact(first_name=text, last_name=f"N{i}")
        o = accepted(f, contact=contact)
        services.opportunity_update(opportunity=o, actor=o.owner, next_step=f"{text} step")
    client = Client()
    client.force_login(f.lead)
    response = client.get("/sales/opportunities/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or cell.startswith("'"), row


# --- Permissions: another team's rep, agents, marketing, anonymous on every object URL ---------
def test_a_rep_of_another_sales_team_cannot_read_or_work_it():
    f = floor()
    opportunity = flag(f)
    stranger = UserFactory(roles=[Role.SALES])
    TeamFactory(name="Ventes Sud", kind=Team.Kind.SALES, members=[stranger])
    client = Client()
    client.force_login(stranger)
    base = f"/sales/opportunities/{opportunity.pk}"
    assert client.get(f"{base}/").status_code == 404
    for action in ("accept", "move", "acknowledge", "edit", "reassign", "onboarding"):
        assert client.post(f"{base}/{action}/", {"version": 1}).status_code in (403, 404), action
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/opportunities/{opportunity.pk}/").status_code == 404
    assert opportunity.pk not in [
        r["id"] for r in api.get("/api/v1/opportunities/").json()["results"]
    ]
    for action in ("accept", "move", "acknowledge-warning", "reassign", "onboarding-ticket"):
        response = api.post(f"/api/v1/opportunities/{opportunity.pk}/{action}/", {}, format="json")
        assert response.status_code in (403, 404), action
    opportunity.refresh_from_db()
    assert opportunity.version == 1


def test_marketing_and_anonymous_on_every_object_url():
    f = floor()
    opportunity = flag(f)
    marketing = Client()
    marketing.force_login(UserFactory(roles=[Role.MARKETING]))
    anonymous = Client()
    base = f"/sales/opportunities/{opportunity.pk}"
    urls = [f"{base}/", *(f"{base}/{a}/" for a in ("accept", "move", "acknowledge", "edit",
                                                     "reassign", "onboarding"))]  # fmt: skip
    for url in urls:
        assert marketing.post(url, {"version": 1}).status_code in (403, 405), url
        assert anonymous.post(url, {"version": 1}).status_code in (302, 403, 405), url
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(UserFactory(roles=[Role.MARKETING]))
    assert api.get(f"/api/v1/opportunities/{opportunity.pk}/").status_code == 403
    assert api.post("/api/v1/opportunities/", {}, format="json").status_code == 403
    assert APIClient().get("/api/v1/opportunities/kpis/").status_code == 401
    assert APIClient().get("/api/v1/products/").status_code == 401
    opportunity.refresh_from_db()
    assert opportunity.version == 1
