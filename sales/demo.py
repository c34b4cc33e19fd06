"""Demo data for sales: a team of reps, a catalogue, routing rules, and a quarter of
handoffs in every stage from several agents, some from unhappy customers (an open
complaint, so the rep sees "fix service first"). Flags go through the real service
(routing, consent, timeline, notifications), then their dates are spread over the
quarter so the KPIs and the forecast look like a real one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, DemoContext
from accounts.models import Team, User
from accounts.roles import Role
from crm.models import Activity, Contact
from tickets.models import BusinessCalendar, Queue, Ticket

from . import services
from .business_time import business_seconds
from .models import (
    LostReason,
    Opportunity,
    OpportunityEvent,
    Product,
    RoutingRule,
    SalesTeamPolicy,
    ServiceWarningSettings,
    Stage,
    Urgency,
)

PRODUCTS = [
    ("Fibre Pro 1 Gb/s", "Fibre", 900, 4800),
    ("Fibre Entreprise 10 Gb/s", "Fibre", 6000, 24000),
    ("Forfait Mobile Flotte", "Mobile", 600, 9000),
    ("Forfait Mobile 5G Illimité", "Mobile", 300, 1500),
    ("Standard téléphonique cloud", "Téléphonie", 1500, 12000),
    ("Centre de contact omnicanal", "Téléphonie", 8000, 45000),
    ("Sauvegarde en ligne", "Services", 400, 3600),
    ("Assistance premium 24/7", "Services", 1200, 6000),
]
LOST_REASONS = [
    "Prix trop élevé",
    "Concurrent retenu",
    "Pas de budget cette année",
    "Injoignable",
    "Projet reporté",
    "Service à rétablir d'abord",
]
REPS = [("clara.mercier", "Clara", "Mercier"), ("antoine.leroy", "Antoine", "Leroy"),
        ("sarah.cohen", "Sarah", "Cohen")]  # fmt: skip
NEEDS = [
    "Ouvre un deuxième site à Lyon et veut la même offre que le siège.",
    "Trouve sa facture mobile trop élevée ; intéressé par une flotte pour 12 salariés.",
    "Demande un devis pour passer à la fibre avant la fin du trimestre.",
    "Veut un standard cloud : ses clients tombent sur la messagerie le midi.",
    "Recrute 8 conseillers et cherche une solution de centre de contact.",
    "A perdu des fichiers clients ; demande une offre de sauvegarde.",
    "Souhaite une assistance le week-end pour sa boutique en ligne.",
    "Compare nos offres à celles d'un concurrent ; rappel souhaité rapidement.",
]
# Stage mix of a quarter, most recent flags first in the pipeline.
STAGE_MIX = (
    [Stage.NEW] * 12
    + [Stage.CONTACTED] * 14
    + [Stage.QUALIFIED] * 12
    + [Stage.PROPOSAL] * 10
    + [Stage.WON] * 16
    + [Stage.LOST] * 11
)


def _user(local: str, first: str, last: str, password: str) -> User:
    from accounts.services import user_create

    email = f"{local}@{DEMO_DOMAIN}"
    return User.objects.filter(email=email).first() or user_create(
        email=email, password=password, first_name=first, last_name=last, roles=[Role.SALES]
    )


def seed_sales(ctx: DemoContext) -> None:
    from django.conf import settings

    rng = ctx.rng
    users: dict[str, User] = ctx.registry["users"]
    agents: list[User] = ctx.registry["agents"]
    team: Team = ctx.registry["teams"]["Ventes"]
    reps = [users["sales"]] + [
        _user(local, first, last, settings.RELAIS_DEMO_PASSWORD) for local, first, last in REPS
    ]
    team.members.add(*reps)
    calendar = BusinessCalendar.objects.filter(name="Service client (France)").first()
    if calendar is None:
        calendar = BusinessCalendar.objects.order_by("pk").first()
    if calendar is not None:
        SalesTeamPolicy.objects.get_or_create(
            team=team, defaults={"calendar": calendar, "accept_within_minutes": 240}
        )
    warning_settings, _created = ServiceWarningSettings.objects.get_or_create(pk=1)
    complaints = Queue.objects.filter(name="Réclamations").first()
    if complaints is not None:
        warning_settings.complaint_queues.add(complaints)
    products = [
        Product.objects.get_or_create(name=name, defaults={"product_line": line})[0]
        for name, line, _low, _high in PRODUCTS
    ]
    price_ranges = {name: (low, high) for name, _line, low, high in PRODUCTS}
    reasons = [
        LostReason.objects.get_or_create(name=name, defaults={"position": i})[0]
        for i, name in enumerate(LOST_REASONS)
    ]
    RoutingRule.objects.get_or_create(
        name="Grands comptes", defaults={"position": 10, "organisation_sizes": "huge",
                                         "rep": reps[2]})  # fmt: skip
    RoutingRule.objects.get_or_create(
        name="Mobile", defaults={"position": 20, "product_line": "Mobile", "rep": reps[3]}
    )
    RoutingRule.objects.get_or_create(
        name="Île-de-France",
        defaults={"position": 30, "departements": "75, 77, 78, 91, 92, 93, 94, 95", "team": team},
    )

    unhappy = list(
        Contact.objects.active()
        .filter(tickets__queue=complaints, tickets__status__in=Ticket.ACTIVE_STATUSES)
        .distinct()
        .order_by("pk")[:6]
    ) if complaints else []  # fmt: skip
    others = list(Contact.objects.active().exclude(pk__in=[c.pk for c in unhappy])
                  .order_by("pk")[300:600])  # fmt: skip
    now = timezone.now()
    today = timezone.localdate()
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    made = 0
    plan = [(c, Stage.NEW if i % 2 else Stage.CONTACTED) for i, c in enumerate(unhappy)]
    plan += [(rng.choice(others), stage) for stage in STAGE_MIX]
    for contact, stage in plan:
        product = rng.choice(products)
        low, high = price_ranges[product.name]
        amount = Decimal(rng.randrange(low, high, 50))
        flagger = rng.choice([*agents, users["supervisor"]])
        created = now - dt.timedelta(
            days=rng.randint(0, max(3, (today - quarter_start).days + 20)),
            hours=rng.randint(0, 8),
        )
        if stage == Stage.NEW:
            created = now - dt.timedelta(minutes=rng.randint(20, 900))
        # Never before the customer exists (a contact the mail demo just created): their
        # timeline opens with "contact created".
        created = min(now, max(created, contact.created_at + dt.timedelta(minutes=1)))
        opportunity = services.opportunity_flag(
            actor=flagger,
            contact=contact,
            need=rng.choice(NEEDS),
            product=product,
            urgency=rng.choice([Urgency.LOW, Urgency.NORMAL, Urgency.NORMAL, Urgency.HIGH]),
            amount=amount,
            wants_call=True,
            record_call_consent=True,
            best_days=rng.choice(["01234", "024", "13", ""]),
            best_time_from=dt.time(rng.choice([9, 10])),
            best_time_to=dt.time(rng.choice([12, 17, 18])),
            expected_close_date=today + dt.timedelta(days=rng.randint(-20, 75)),
        )
        _backdate(opportunity, created, stage, rng, reasons, now)
        made += 1
    ctx.log(f"{made} sales opportunities, {len(unhappy)} from customers with an open complaint")


def _backdate(
    opportunity: Opportunity,
    created: dt.datetime,
    stage: str,
    rng: object,
    reasons: list[LostReason],
    now: dt.datetime,
) -> None:
    """Spread the demo over the quarter: the flag's date, an acceptance after a few
    business hours, the stage reached, the close date of won and lost ones."""
    import random

    assert isinstance(rng, random.Random)
    changes: dict[str, object] = {"created_at": created, "updated_at": created,
                                  "assigned_at": created}  # fmt: skip
    policy = SalesTeamPolicy.objects.filter(team_id=opportunity.team_id).first()
    from .business_time import acceptance_due

    changes["acceptance_due_at"] = acceptance_due(policy, created)
    if stage != Stage.NEW and opportunity.owner_id:
        accepted = min(now, created + dt.timedelta(hours=rng.choice([1, 2, 3, 5, 8, 20, 26, 50])))
        changes["accepted_at"] = accepted
        changes["acceptance_seconds"] = business_seconds(policy, created, accepted)
        changes["updated_at"] = min(now, accepted + dt.timedelta(days=rng.randint(0, 12)))
        changes["stage"] = stage
        changes["probability"] = services.common.probability_for(stage)
        if stage in (Stage.WON, Stage.LOST):
            changes["closed_at"] = changes["updated_at"]
            if stage == Stage.WON:
                changes["expected_close_date"] = timezone.localtime(changes["updated_at"]).date()  # type: ignore[arg-type]
        if stage == Stage.LOST:
            changes["lost_reason"] = rng.choice(reasons)
        if stage in (Stage.CONTACTED, Stage.QUALIFIED, Stage.PROPOSAL):
            changes["next_step"] = rng.choice(
                ["Envoyer le devis", "Rappeler pour la démo", "Relancer après le comité"]
            )
            changes["next_step_due_at"] = now + dt.timedelta(days=rng.randint(-2, 10))
    elif changes["acceptance_due_at"] < now:  # type: ignore[operator]
        changes["escalated_at"] = changes["acceptance_due_at"]
    Opportunity.objects.filter(pk=opportunity.pk).update(**changes)
    OpportunityEvent.objects.filter(opportunity=opportunity).update(occurred_at=created)
    Activity.objects.filter(
        Q(kind__startswith="opportunity_"),
        source_id=opportunity.pk,
        contact_id=opportunity.contact_id,
    ).update(occurred_at=created)
