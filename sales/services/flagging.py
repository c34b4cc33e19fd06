"""Flagging an opportunity: validate, record the consent to be called, route, notify."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Team, User
from crm.models import Call, Channel, Consent, Contact
from crm.selectors import consent_current
from crm.services import consent_record
from tickets.models import Ticket

from .. import timeline as kinds
from ..business_time import acceptance_due, team_policy
from ..models import MAX_AMOUNT, Opportunity, OpportunityEvent, Product, Stage, Urgency
from . import common
from .common import (
    ERROR_AMOUNT_ABSURD,
    ERROR_AMOUNT_NEGATIVE,
    ERROR_BEST_DAYS,
    ERROR_BEST_TIME_HALF,
    ERROR_BEST_TIMES,
    ERROR_CLOSE_DATE,
    ERROR_CONTACT_INACTIVE,
    ERROR_NEED_REQUIRED,
    ERROR_NEED_TOO_LONG,
    ERROR_NO_CALL_CONSENT,
    ERROR_PRODUCT_INACTIVE,
    ERROR_SOURCE_CALL,
    ERROR_SOURCE_TICKET,
    ERROR_URGENCY,
    MAX_NEED,
)
from .routing import Reason, RoutingDecision, route

CLOSE_DATE_MIN = dt.date(2000, 1, 1)
CLOSE_DATE_YEARS_AHEAD = 10


def clean_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation as exc:
        raise ValidationError({"amount": ERROR_AMOUNT_ABSURD}) from exc
    if not amount.is_finite():
        raise ValidationError({"amount": ERROR_AMOUNT_ABSURD})
    if amount < 0:
        raise ValidationError({"amount": ERROR_AMOUNT_NEGATIVE})
    if amount > MAX_AMOUNT:
        raise ValidationError({"amount": ERROR_AMOUNT_ABSURD})
    return amount.quantize(Decimal("0.01"))


def check_close_date(value: dt.date | None) -> None:
    if value is None:
        return
    latest = timezone.localdate().replace(year=timezone.localdate().year + CLOSE_DATE_YEARS_AHEAD)
    if not CLOSE_DATE_MIN <= value <= latest:
        raise ValidationError(
            {
                "expected_close_date": ERROR_CLOSE_DATE
                % {"start": CLOSE_DATE_MIN.isoformat(), "end": latest.isoformat()}
            }
        )


def clean_best_days(days: Any) -> str:
    if isinstance(days, str):
        days = list(days)
    out = set()
    for day in days or ():
        try:
            number = int(day)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"best_days": ERROR_BEST_DAYS}) from exc
        if not 0 <= number <= 6:
            raise ValidationError({"best_days": ERROR_BEST_DAYS})
        out.add(number)
    return "".join(str(d) for d in sorted(out))


def check_best_times(start: dt.time | None, end: dt.time | None) -> None:
    if (start is None) != (end is None):
        raise ValidationError({"best_time_to": ERROR_BEST_TIME_HALF})
    if start is not None and end is not None and end <= start:
        raise ValidationError({"best_time_to": ERROR_BEST_TIMES})


def _flagging_team(actor: User | None) -> Team | None:
    if actor is None:
        return None
    teams = list(actor.teams.order_by("pk"))
    non_sales = [t for t in teams if t.kind != Team.Kind.SALES]
    return (non_sales or teams or [None])[0]


def routing_text(decision: RoutingDecision) -> str:
    """Stored in the writer's language with the rule's name; the page re-renders the code."""
    return f"{decision.reason}:{decision.rule.name}" if decision.rule else decision.reason


def assign(
    opportunity: Opportunity, decision: RoutingDecision, actor: User | None, now: dt.datetime
) -> list[str]:
    """Give the opportunity to the decision's rep (or to nobody), in memory."""
    opportunity.owner = decision.rep
    opportunity.team = decision.team
    opportunity.routing_rule = decision.rule
    opportunity.routing_reason = routing_text(decision)[:200]
    opportunity.assigned_at = now if decision.rep else None
    opportunity.escalated_at = None
    policy = team_policy(decision.team.pk if decision.team else None)
    opportunity.acceptance_due_at = acceptance_due(policy, now) if decision.rep else None
    return [
        "owner", "team", "routing_rule", "routing_reason", "assigned_at", "escalated_at",
        "acceptance_due_at",
    ]  # fmt: skip


def announce(opportunity: Opportunity, decision: RoutingDecision) -> None:
    """Tell the rep (in the app and by email); with nobody available, tell the leads."""
    from django.utils import translation

    if decision.rep is not None:
        with translation.override(decision.rep.language):
            common.notify(
                decision.rep,
                gettext("New handoff to accept: %(reference)s %(customer)s")
                % {"reference": opportunity.reference, "customer": opportunity.contact},
                f"{opportunity.product} · {opportunity.need[:200]}",
                opportunity,
            )
        return
    leads = User.objects.filter(led_teams__kind=Team.Kind.SALES, is_active=True).distinct()
    for lead in leads:
        with translation.override(lead.language):
            common.notify(
                lead,
                gettext("No rep available for %(reference)s: assign it")
                % {"reference": opportunity.reference},
                f"{opportunity.product} · {opportunity.contact}",
                opportunity,
            )


def opportunity_flag(
    *,
    actor: User | None,
    contact: Contact,
    need: str,
    product: Product,
    urgency: str = Urgency.NORMAL,
    amount: Any = "0",
    wants_call: bool = True,
    record_call_consent: bool = False,
    best_days: Any = "",
    best_time_from: dt.time | None = None,
    best_time_to: dt.time | None = None,
    expected_close_date: dt.date | None = None,
    source_ticket: Ticket | None = None,
    source_call: Call | None = None,
) -> Opportunity:
    """An agent's flag: linked to the contact, organisation, source ticket or call; on the
    customer's timeline; routed to a rep who is notified. All or nothing."""
    errors: dict[str, Any] = {}
    if not contact.is_active_record:
        raise ValidationError({"contact": ERROR_CONTACT_INACTIVE})
    need = (need or "").strip()
    if not need:
        errors["need"] = ERROR_NEED_REQUIRED
    elif len(need) > MAX_NEED:
        errors["need"] = ERROR_NEED_TOO_LONG % {"limit": MAX_NEED}
    if not product.is_active:
        errors["product"] = ERROR_PRODUCT_INACTIVE
    if urgency not in Urgency.values:
        errors["urgency"] = ERROR_URGENCY
    if source_ticket is not None and source_ticket.contact_id != contact.pk:
        errors["source_ticket"] = ERROR_SOURCE_TICKET
    if source_call is not None and source_call.contact_id != contact.pk:
        errors["source_call"] = ERROR_SOURCE_CALL
    clean: dict[str, Any] = {}
    for key, check in (
        ("amount", lambda: clean_amount(amount)),
        ("best_days", lambda: clean_best_days(best_days)),
        ("times", lambda: check_best_times(best_time_from, best_time_to)),
        ("close", lambda: check_close_date(expected_close_date)),
    ):
        try:
            clean[key] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    phone_consent: Consent | None = None
    if wants_call and not errors:
        phone_consent = consent_current(contact=contact).get(Channel.PHONE)
        if not (phone_consent and phone_consent.status == Consent.Status.GIVEN):
            phone_consent = None
            if not record_call_consent:
                errors["record_call_consent"] = ERROR_NO_CALL_CONSENT
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    organisation = contact.organisation
    with transaction.atomic():
        if wants_call and phone_consent is None:
            where = (
                source_ticket.number
                if source_ticket is not None
                else (f"#{source_call.pk}" if source_call else "")
            )
            phone_consent = consent_record(
                contact=contact,
                channel=Channel.PHONE,
                status=Consent.Status.GIVEN,
                source=gettext("Sales handoff"),
                proof=gettext("Agreed to be called back by sales %(where)s") % {"where": where},
                actor=actor,
            )
        opportunity = Opportunity(
            contact=contact,
            organisation=organisation,
            source_ticket=source_ticket,
            source_call=source_call,
            flagged_by=actor,
            flagged_team=_flagging_team(actor),
            need=need,
            product=product,
            urgency=urgency,
            amount=clean["amount"],
            wants_call=wants_call,
            best_days=clean["best_days"],
            best_time_from=best_time_from,
            best_time_to=best_time_to,
            call_consent=phone_consent,
            expected_close_date=expected_close_date,
            stage=Stage.NEW,
            probability=common.probability_for(Stage.NEW),
            created_at=now,
            updated_at=now,
        )
        opportunity.save()
        decision = route(contact=contact, organisation=organisation, product=product)
        fields = assign(opportunity, decision, actor, now)
        opportunity.save(update_fields=fields)
        common.bump()
        OpportunityEvent.objects.bulk_create(
            [
                OpportunityEvent(
                    opportunity=opportunity, kind=OpportunityEvent.Kind.FLAGGED, actor=actor,
                    occurred_at=now,
                    data={"ticket": source_ticket.pk if source_ticket else None,
                          "call": source_call.pk if source_call else None},
                ),
                OpportunityEvent(
                    opportunity=opportunity, kind=OpportunityEvent.Kind.ROUTED, actor=None,
                    occurred_at=now,
                    data={"reason": decision.reason,
                          "rule": decision.rule.name if decision.rule else "",
                          "rep": str(decision.rep) if decision.rep else ""},
                ),
            ]
        )  # fmt: skip
        common.timeline(
            opportunity, kinds.OPPORTUNITY_FLAGGED, actor, product=product.name, need=need[:200]
        )
        announce(opportunity, decision)
    return opportunity


__all__ = ["Reason", "opportunity_flag"]
