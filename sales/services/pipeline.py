"""The pipeline: accept, hand back, reassign, move between stages, edit, acknowledge the
service warning, open the onboarding ticket. Every write locks the row and checks the
version the writer read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from tickets.models import Queue, Ticket
from tickets.services import ticket_create

from .. import timeline as kinds
from ..business_time import business_seconds, team_policy
from ..models import LostReason, Opportunity, OpportunityEvent, Product, Stage, Urgency
from . import common
from .common import (
    ERROR_ACK_COMMENT,
    ERROR_ACK_TOO_LONG,
    ERROR_ALREADY_ACCEPTED,
    ERROR_CANNOT_WORK,
    ERROR_CLOSED,
    ERROR_HAND_BACK_REASON,
    ERROR_HAND_BACK_WORKED,
    ERROR_LOST_REASON,
    ERROR_LOST_REASON_INACTIVE,
    ERROR_NEED_REQUIRED,
    ERROR_NEED_TOO_LONG,
    ERROR_NEXT_STEP_DUE_PAST,
    ERROR_NEXT_STEP_TOO_LONG,
    ERROR_NO_WARNING,
    ERROR_NOT_A_REP,
    ERROR_NOT_ACCEPTED,
    ERROR_NOT_NEW,
    ERROR_NOT_OWNER,
    ERROR_ONBOARDING_EXISTS,
    ERROR_ONBOARDING_NOT_WON,
    ERROR_ONBOARDING_QUEUE,
    ERROR_PROBABILITY,
    ERROR_PRODUCT_INACTIVE,
    ERROR_SAME_REP,
    ERROR_TRANSITION,
    ERROR_URGENCY,
    ERROR_WARNING_UNACKNOWLEDGED,
    MAX_NEED,
)
from .flagging import (
    announce,
    assign,
    check_best_times,
    check_close_date,
    clean_amount,
    clean_best_days,
)
from .routing import Reason, RoutingDecision, route

S = Stage

# --- Allowed moves: the one place they are decided ----------------------------------------
# Forward moves may skip stages (a customer can sign on the first call); open stages may
# step back; won is final; a lost opportunity may be reopened as "contacted".
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CONTACTED, S.QUALIFIED, S.PROPOSAL, S.WON, S.LOST}),
    S.CONTACTED: frozenset({S.QUALIFIED, S.PROPOSAL, S.WON, S.LOST}),
    S.QUALIFIED: frozenset({S.CONTACTED, S.PROPOSAL, S.WON, S.LOST}),
    S.PROPOSAL: frozenset({S.CONTACTED, S.QUALIFIED, S.WON, S.LOST}),
    S.WON: frozenset(),
    S.LOST: frozenset({S.CONTACTED}),
}
# Past "contacted": the stages a rep reaches only after the service warning is handled.
NEEDS_ACKNOWLEDGEMENT = frozenset({S.QUALIFIED, S.PROPOSAL, S.WON})


def transition_allowed(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, frozenset())


def allowed_stages(opportunity: Opportunity) -> list[str]:
    return [s for s in Stage.values if s in TRANSITIONS[opportunity.stage]]


def _label(value: str) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return value


def _require_work(actor: User, opportunity: Opportunity) -> None:
    if not common.can_work(actor, opportunity):
        raise ValidationError(ERROR_CANNOT_WORK, code="forbidden")


def unacknowledged_warnings(opportunity: Opportunity) -> list[Any]:
    from ..service_context import service_warnings

    acknowledged = set(opportunity.warning_ack_keys or [])
    return [w for w in service_warnings(opportunity.contact) if w.key not in acknowledged]


def _notify_flagger(opportunity: Opportunity, title: str) -> None:
    flagger = opportunity.flagged_by
    if flagger is None or flagger.pk == (opportunity.owner_id or 0):
        return
    with translation.override(flagger.language):
        common.notify(
            flagger,
            gettext(title)
            % {"reference": opportunity.reference, "customer": str(opportunity.contact)},
            f"{opportunity.product} · {opportunity.get_stage_display()}",
            opportunity,
        )


# Marked for makemessages; translated in the flagging agent's language when sent.
def _(text: str) -> str:
    return text


ACCEPTED_TITLE = _("Your handoff %(reference)s (%(customer)s) was accepted")
WON_TITLE = _("Your handoff %(reference)s (%(customer)s) was won")
LOST_TITLE = _("Your handoff %(reference)s (%(customer)s) was lost")
del _


def opportunity_accept(
    *, opportunity: Opportunity, actor: User, expected_version: int | None = None
) -> Opportunity:
    with transaction.atomic():
        opportunity = common.lock(opportunity, expected_version)
        if opportunity.owner_id != actor.pk:
            raise ValidationError(ERROR_NOT_OWNER, code="forbidden")
        if opportunity.accepted_at is not None:
            raise ValidationError(ERROR_ALREADY_ACCEPTED)
        if opportunity.stage != Stage.NEW:
            raise ValidationError(ERROR_NOT_NEW)
        now = timezone.now()
        opportunity.accepted_at = now
        opportunity.acceptance_seconds = business_seconds(
            team_policy(opportunity.team_id), opportunity.created_at, now
        )
        common.save(opportunity, now, ["accepted_at", "acceptance_seconds"])
        common.event(
            opportunity,
            OpportunityEvent.Kind.ACCEPTED,
            actor,
            business_seconds=opportunity.acceptance_seconds,
        )
        _notify_flagger(opportunity, ACCEPTED_TITLE)
    return opportunity


def _reroute(
    opportunity: Opportunity, decision: RoutingDecision, actor: User, now: dt.datetime
) -> None:
    fields = assign(opportunity, decision, actor, now)
    opportunity.accepted_at = None
    opportunity.acceptance_seconds = None
    common.save(opportunity, now, [*fields, "accepted_at", "acceptance_seconds"])
    announce(opportunity, decision)


def opportunity_hand_back(
    *, opportunity: Opportunity, actor: User, reason: str, expected_version: int | None = None
) -> Opportunity:
    """The rep gives a new handoff back: routed again, to anyone but the reps who handed
    it back. Once worked (past "new"), it is reassigned instead."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ERROR_HAND_BACK_REASON})
    with transaction.atomic():
        opportunity = common.lock(opportunity, expected_version)
        if opportunity.owner_id != actor.pk:
            raise ValidationError(ERROR_NOT_OWNER, code="forbidden")
        if not opportunity.is_open:
            raise ValidationError(ERROR_CLOSED)
        if opportunity.stage != Stage.NEW:
            # Handing back is the alternative to accepting: routed again, the deal would
            # lose its acceptance and reach a rep who could not accept it any more.
            raise ValidationError(ERROR_HAND_BACK_WORKED)
        refused = set(
            opportunity.events.filter(kind=OpportunityEvent.Kind.HANDED_BACK).values_list(
                "actor_id", flat=True
            )
        )
        refused = {pk for pk in refused if pk} | {actor.pk}
        decision = route(
            contact=opportunity.contact,
            organisation=opportunity.organisation,
            product=opportunity.product,
            exclude=refused,
        )
        now = timezone.now()
        common.event(opportunity, OpportunityEvent.Kind.HANDED_BACK, actor, reason=reason[:300])
        _reroute(opportunity, decision, actor, now)
        common.event(
            opportunity,
            OpportunityEvent.Kind.ROUTED,
            None,
            reason=decision.reason,
            rule=decision.rule.name if decision.rule else "",
            rep=str(decision.rep) if decision.rep else "",
        )
    return opportunity


def opportunity_reassign(
    *,
    opportunity: Opportunity,
    actor: User,
    rep: User,
    reason: str = "",
    expected_version: int | None = None,
) -> Opportunity:
    """Within sales: the owner or a lead gives it to another rep. An accepted handoff stays
    accepted (the new rep takes over the work); one still waiting waits for the new rep."""
    with transaction.atomic():
        opportunity = common.lock(opportunity, expected_version)
        _require_work(actor, opportunity)
        if not opportunity.is_open:
            raise ValidationError(ERROR_CLOSED)
        if not common.is_rep(rep):
            raise ValidationError({"rep": ERROR_NOT_A_REP % {"user": rep}})
        if rep.pk == opportunity.owner_id:
            raise ValidationError({"rep": ERROR_SAME_REP % {"user": rep}})
        from .routing import _rep_team

        team = _rep_team(rep, [opportunity.team_id] if opportunity.team_id else [])
        now = timezone.now()
        decision = RoutingDecision(rep, team, None, Reason.REASSIGNED)
        accepted_at, seconds = opportunity.accepted_at, opportunity.acceptance_seconds
        fields = assign(opportunity, decision, actor, now)
        if accepted_at is not None:
            opportunity.accepted_at, opportunity.acceptance_seconds = accepted_at, seconds
            opportunity.acceptance_due_at = None
        common.save(opportunity, now, [*fields, "accepted_at", "acceptance_seconds"])
        common.event(
            opportunity,
            OpportunityEvent.Kind.REASSIGNED,
            actor,
            rep=str(rep),
            reason=" ".join(reason.split())[:300],
        )
        announce(opportunity, decision)
    return opportunity


def opportunity_move(
    *,
    opportunity: Opportunity,
    actor: User,
    stage: str,
    lost_reason: LostReason | None = None,
    lost_note: str = "",
    expected_version: int | None = None,
) -> Opportunity:
    with transaction.atomic():
        opportunity = common.lock(opportunity, expected_version)
        _require_work(actor, opportunity)
        old = opportunity.stage
        if stage not in Stage.values or not transition_allowed(old, stage):
            raise ValidationError(
                {"stage": ERROR_TRANSITION % {"old": _label(old), "new": _label(stage)}},
                code="transition",
            )
        if old == Stage.NEW and opportunity.accepted_at is None and stage != Stage.LOST:
            raise ValidationError({"stage": ERROR_NOT_ACCEPTED}, code="not_accepted")
        if stage in NEEDS_ACKNOWLEDGEMENT and unacknowledged_warnings(opportunity):
            raise ValidationError({"stage": ERROR_WARNING_UNACKNOWLEDGED}, code="warning")
        if stage == Stage.LOST:
            if lost_reason is None:
                raise ValidationError({"lost_reason": ERROR_LOST_REASON})
            if not lost_reason.is_active:
                raise ValidationError({"lost_reason": ERROR_LOST_REASON_INACTIVE})
        now = timezone.now()
        opportunity.stage = stage
        fields = ["stage", "probability", "probability_overridden", "closed_at", "lost_reason",
                  "lost_note"]  # fmt: skip
        if old == Stage.LOST:
            # Losing set the rep's figure to 0: a reopened deal follows its stage again
            # rather than being weighted at 0 % while open.
            opportunity.probability_overridden = False
        if stage in (Stage.WON, Stage.LOST) or not opportunity.probability_overridden:
            opportunity.probability = common.probability_for(stage)
        if stage in (Stage.WON, Stage.LOST):
            opportunity.closed_at = now
        else:
            opportunity.closed_at = None
        if stage == Stage.LOST:
            opportunity.lost_reason = lost_reason
            opportunity.lost_note = " ".join((lost_note or "").split())[:500]
        else:
            opportunity.lost_reason = None
            opportunity.lost_note = ""
        common.save(opportunity, now, fields)
        common.event(opportunity, OpportunityEvent.Kind.STAGE, actor, old=old, new=stage)
        if stage == Stage.WON:
            common.timeline(
                opportunity, kinds.OPPORTUNITY_WON, actor, product=opportunity.product.name
            )
            _notify_flagger(opportunity, WON_TITLE)
        elif stage == Stage.LOST:
            common.timeline(
                opportunity,
                kinds.OPPORTUNITY_LOST,
                actor,
                reason=lost_reason.name,  # type: ignore[union-attr]
            )
            _notify_flagger(opportunity, LOST_TITLE)
        else:
            common.timeline(opportunity, kinds.OPPORTUNITY_STAGE, actor, old=old, new=stage)
    return opportunity


def opportunity_acknowledge_warning(
    *,
    opportunity: Opportunity,
    actor: User,
    comment: str,
    expected_version: int | None = None,
) -> Opportunity:
    comment = " ".join((comment or "").split())
    if not comment:
        raise ValidationError({"comment": ERROR_ACK_COMMENT})
    if len(comment) > 500:
        raise ValidationError({"comment": ERROR_ACK_TOO_LONG})
    with transaction.atomic():
        opportunity = common.lock(opportunity, expected_version)
        _require_work(actor, opportunity)
        from ..service_context import service_warnings

        warnings = service_warnings(opportunity.contact)
        if not warnings:
            raise ValidationError(ERROR_NO_WARNING)
        now = timezone.now()
        opportunity.warning_ack_by = actor
        opportunity.warning_ack_at = now
        opportunity.warning_ack_comment = comment
        opportunity.warning_ack_keys = sorted(
            {*(opportunity.warning_ack_keys or []), *(w.key for w in warnings)}
        )
        common.save(
            opportunity,
            now,
            ["warning_ack_by", "warning_ack_at", "warning_ack_comment", "warning_ack_keys"],
        )
        common.event(
            opportunity,
            OpportunityEvent.Kind.WARNING_ACK,
            actor,
            comment=comment,
            warnings=[w.text for w in warnings][:10],
        )
    return opportunity


UPDATABLE = {
    "need", "product", "urgency", "amount", "probability", "expected_close_date", "next_step",
    "next_step_due_at", "best_days", "best_time_from", "best_time_to",
}  # fmt: skip


def opportunity_update(
    *,
    opportunity: Opportunity,
    actor: User,
    expected_version: int | None = None,
    **changes: Any,
) -> Opportunity:
    """Edit the deal. `probability=None` goes back to the stage's default."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise TypeError(f"Unknown opportunity fields: {sorted(unknown)}")
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    if "need" in changes:
        need = (changes["need"] or "").strip()
        if not need:
            errors["need"] = ERROR_NEED_REQUIRED
        elif len(need) > MAX_NEED:
            errors["need"] = ERROR_NEED_TOO_LONG % {"limit": MAX_NEED}
        clean["need"] = need
    if "product" in changes:
        product: Product = changes["product"]
        if not product.is_active:
            errors["product"] = ERROR_PRODUCT_INACTIVE
        clean["product"] = product
    if "urgency" in changes:
        if changes["urgency"] not in Urgency.values:
            errors["urgency"] = ERROR_URGENCY
        clean["urgency"] = changes["urgency"]
    for name, check in (
        ("amount", lambda v: clean_amount(v)),
        ("best_days", lambda v: clean_best_days(v)),
        ("expected_close_date", lambda v: (check_close_date(v), v)[1]),
    ):
        if name in changes:
            try:
                clean[name] = check(changes[name])
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if "probability" in changes:
        value = changes["probability"]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100
        ):
            errors["probability"] = ERROR_PROBABILITY
        clean["probability"] = value
    if "next_step" in changes:
        step = " ".join((changes["next_step"] or "").split())
        if len(step) > 200:
            errors["next_step"] = ERROR_NEXT_STEP_TOO_LONG
        clean["next_step"] = step
    if "next_step_due_at" in changes:
        due = changes["next_step_due_at"]
        if due is not None and due < timezone.now() - dt.timedelta(days=1):
            errors["next_step_due_at"] = ERROR_NEXT_STEP_DUE_PAST
        clean["next_step_due_at"] = due
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        opportunity = common.lock(opportunity, expected_version)
        _require_work(actor, opportunity)
        if not opportunity.is_open:
            raise ValidationError(ERROR_CLOSED)
        start = changes.get("best_time_from", opportunity.best_time_from)
        end = changes.get("best_time_to", opportunity.best_time_to)
        if "best_time_from" in changes or "best_time_to" in changes:
            check_best_times(start, end)
            clean["best_time_from"], clean["best_time_to"] = start, end
        fields: set[str] = set()
        changed: list[str] = []
        for name, value in clean.items():
            if name == "probability":
                if value is None:
                    new_value, overridden = common.probability_for(opportunity.stage), False
                else:
                    new_value, overridden = value, True
                if (new_value, overridden) != (
                    opportunity.probability,
                    opportunity.probability_overridden,
                ):
                    opportunity.probability = new_value
                    opportunity.probability_overridden = overridden
                    fields |= {"probability", "probability_overridden"}
                    changed.append(name)
                continue
            if getattr(opportunity, name) != value:
                setattr(opportunity, name, value)
                fields.add(name)
                changed.append(name)
        if "next_step_due_at" in fields or "next_step" in fields:
            opportunity.next_step_reminded_at = None
            fields.add("next_step_reminded_at")
        if not fields:
            return opportunity
        now = timezone.now()
        common.save(opportunity, now, fields)
        common.event(opportunity, OpportunityEvent.Kind.UPDATED, actor, fields=sorted(changed))
    return opportunity


def onboarding_body(opportunity: Opportunity) -> str:
    lines = [
        gettext("Onboarding for the sale %(reference)s, won by %(rep)s.")
        % {"reference": opportunity.reference, "rep": opportunity.owner or "—"},
        "",
        f"- {gettext('Product')}: {opportunity.product} ({opportunity.product.product_line})",
        f"- {gettext('Amount')}: {opportunity.amount} EUR",
        f"- {gettext('Need')}: {opportunity.need}",
    ]
    if opportunity.next_step:
        lines.append(f"- {gettext('Next step')}: {opportunity.next_step}")
    return "\n".join(lines)


def opportunity_open_onboarding(*, opportunity: Opportunity, actor: User, queue: Queue) -> Ticket:
    """Back to service: a ticket in the chosen queue with the sale's details, linked both
    ways (the opportunity holds it; the ticket page lists the opportunity)."""
    with transaction.atomic():
        opportunity = common.lock(opportunity)
        _require_work(actor, opportunity)
        if opportunity.stage != Stage.WON:
            raise ValidationError(ERROR_ONBOARDING_NOT_WON)
        if opportunity.onboarding_ticket_id is not None:
            raise ValidationError(ERROR_ONBOARDING_EXISTS)
        if not queue.is_active or queue.kind != Queue.Kind.SERVICE:
            raise ValidationError({"queue": ERROR_ONBOARDING_QUEUE})
        ticket = ticket_create(
            queue=queue,
            subject=gettext("Onboarding: %(product)s for %(customer)s")
            % {"product": opportunity.product, "customer": opportunity.contact},
            body=onboarding_body(opportunity),
            channel=Ticket.Channel.INTERNAL,
            contact=opportunity.contact,
            actor=actor,
        )
        opportunity.onboarding_ticket = ticket
        common.save(opportunity, timezone.now(), ["onboarding_ticket"])
        common.event(opportunity, OpportunityEvent.Kind.ONBOARDING, actor, ticket=ticket.number)
    return ticket
