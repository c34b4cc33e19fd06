"""Routing a handoff to sales: the account owner, then the ordered rules, then round robin.

1. An account owner (the contact's, else the organisation's) who is an active rep wins.
2. The first active rule, by `position`, whose every given criterion matches: country,
   département, postcode prefix (of the contact's address, else the organisation's),
   product line, organisation size. It names a rep (skipped if that rep is away or no
   longer a rep) or a sales team (round robin inside it; skipped if nobody is available).
3. Round robin among the available reps of every sales team.
Round robin picks the available rep who waited longest since their last handoff; their
status rows are locked so two flags at once go to two reps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Max
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from crm.models import Contact, Organisation

from ..models import Product, RepStatus, RoutingRule
from ..territory import departement_list, departement_of, postcode_compact, split_list


class Reason:
    OWNER = "owner"
    RULE_REP = "rule_rep"
    RULE_TEAM = "rule_team"
    ROUND_ROBIN = "round_robin"
    NOBODY = "nobody"
    REASSIGNED = "reassigned"


@dataclass(frozen=True)
class RoutingDecision:
    rep: User | None
    team: Team | None
    rule: RoutingRule | None
    reason: str


def _reps() -> object:
    return User.objects.filter(is_active=True, groups__name=Role.SALES, teams__kind=Team.Kind.SALES)


def _rep_team(user: User, preferred: Iterable[int] = ()) -> Team | None:
    teams = list(Team.objects.filter(kind=Team.Kind.SALES, members=user).order_by("pk"))
    preferred = list(preferred)
    for team in teams:
        if team.pk in preferred:
            return team
    return teams[0] if teams else None


def _available_rep(user: User | None, exclude: set[int]) -> bool:
    if user is None or user.pk in exclude or not user.is_active:
        return False
    if not _reps().filter(pk=user.pk).exists():  # type: ignore[attr-defined]
        return False
    status = RepStatus.objects.filter(user=user).values_list("is_available", flat=True).first()
    return status is None or status


def round_robin(*, team_ids: list[int] | None, exclude: set[int]) -> User | None:
    """The available rep of these teams (all sales teams: None) who waited longest."""
    reps = _reps()
    if team_ids is not None:
        reps = reps.filter(teams__in=team_ids)  # type: ignore[attr-defined]
    rep_ids = set(reps.exclude(pk__in=exclude).values_list("pk", flat=True))  # type: ignore[attr-defined]
    if not rep_ids:
        return None
    known = set(RepStatus.objects.filter(user_id__in=rep_ids).values_list("user_id", flat=True))
    if rep_ids - known:
        RepStatus.objects.bulk_create(
            [RepStatus(user_id=pk) for pk in rep_ids - known], ignore_conflicts=True
        )
    chosen = (
        RepStatus.objects.select_for_update()
        .filter(user_id__in=rep_ids, is_available=True)
        .order_by(F("last_assigned_at").asc(nulls_first=True), "user_id")
        .first()
    )
    if chosen is None:
        return None
    # Strictly later than every earlier handoff: two flags in the same clock tick (or a
    # clock that steps back) would otherwise tie and go to the same rep again.
    now = timezone.now()
    latest = RepStatus.objects.aggregate(latest=Max("last_assigned_at"))["latest"]
    if latest is not None and latest >= now:
        now = latest + dt.timedelta(microseconds=1)
    RepStatus.objects.filter(pk=chosen.pk).update(last_assigned_at=now)
    return User.objects.get(pk=chosen.user_id)


def _place(contact: Contact, organisation: Organisation | None) -> tuple[str, str]:
    """(postcode, country) of the contact, else of the organisation."""
    if contact.postal_code or organisation is None:
        return postcode_compact(contact.postal_code), (contact.country or "FR").upper()
    return postcode_compact(organisation.postal_code), (organisation.country or "FR").upper()


def rule_matches(
    rule: RoutingRule, *, contact: Contact, organisation: Organisation | None, product: Product
) -> bool:
    postcode, country = _place(contact, organisation)
    countries = split_list(rule.countries)
    if countries and country not in countries:
        return False
    departements = departement_list(rule.departements)
    if departements and departement_of(postcode, country) not in departements:
        return False
    prefixes = split_list(rule.postcode_prefixes)
    if prefixes and not any(postcode.startswith(p) for p in prefixes):
        return False
    line = rule.product_line.strip().casefold()
    if line and line != product.product_line.strip().casefold():
        return False
    sizes = split_list(rule.organisation_sizes, upper=False)
    if sizes:
        size = organisation.size.lower() if organisation is not None else ""
        if not size or size not in [s.lower() for s in sizes]:
            return False
    return True


def route(
    *,
    contact: Contact,
    organisation: Organisation | None,
    product: Product,
    exclude: Iterable[int] = (),
) -> RoutingDecision:
    """Who gets the handoff. Call inside a transaction (round robin locks status rows)."""
    excluded = set(exclude)
    for owner in (contact.owner, organisation.owner if organisation else None):
        if _available_rep(owner, excluded):
            assert owner is not None
            return RoutingDecision(owner, _rep_team(owner), None, Reason.OWNER)
    rules = RoutingRule.objects.filter(is_active=True).select_related("rep", "team")
    for rule in rules.order_by("position", "id"):
        if not rule_matches(rule, contact=contact, organisation=organisation, product=product):
            continue
        if rule.rep_id is not None:
            if _available_rep(rule.rep, excluded):
                assert rule.rep is not None
                preferred = [rule.team_id] if rule.team_id else []
                return RoutingDecision(
                    rule.rep, rule.team or _rep_team(rule.rep, preferred), rule, Reason.RULE_REP
                )
            if rule.team_id is None:
                continue
        assert rule.team is not None
        rep = round_robin(team_ids=[rule.team.pk], exclude=excluded)
        if rep is not None:
            return RoutingDecision(rep, rule.team, rule, Reason.RULE_TEAM)
    rep = round_robin(team_ids=None, exclude=excluded)
    if rep is not None:
        return RoutingDecision(rep, _rep_team(rep), None, Reason.ROUND_ROBIN)
    team = Team.objects.filter(kind=Team.Kind.SALES).order_by("pk").first()
    return RoutingDecision(None, team, None, Reason.NOBODY)
