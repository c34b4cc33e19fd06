"""What every sales service shares: the error messages, the row lock with its version
check, the opportunity's own history, the customer's timeline and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.roles import Role, has_role
from accounts.services import notification_send
from crm.services import activity_record

from ..models import Opportunity, OpportunityEvent, StageProbability

ERROR_STALE = _(
    "Someone changed this opportunity after you opened it. Reload it to see their change, "
    "then try again."
)
ERROR_CONTACT_INACTIVE = _("This customer was merged or erased: no opportunity can be flagged.")
ERROR_NEED_REQUIRED = _("Describe the customer's need.")
ERROR_NEED_TOO_LONG = _("The need is at most %(limit)d characters.")
ERROR_PRODUCT_INACTIVE = _("This product is no longer offered.")
ERROR_AMOUNT_NEGATIVE = _("The value cannot be negative.")
ERROR_AMOUNT_ABSURD = _("The value is at most 100,000,000 EUR; check the figure.")
ERROR_URGENCY = _("Unknown urgency.")
ERROR_BEST_DAYS = _("Best days to call are weekdays from 0 (Monday) to 6 (Sunday).")
ERROR_BEST_TIMES = _("The best time to call must end after it starts.")
ERROR_BEST_TIME_HALF = _("Give both ends of the best time to call, or neither.")
ERROR_NO_CALL_CONSENT = _(
    "The customer has not agreed to be called. Record their consent (tick the box once they "
    "agree) or untick “asks to be called”."
)
ERROR_SOURCE_TICKET = _("This ticket is not about this customer.")
ERROR_SOURCE_CALL = _("This call is not with this customer.")
ERROR_CLOSE_DATE = _("The expected close date must be between %(start)s and %(end)s.")
ERROR_TRANSITION = _("An opportunity cannot go from “%(old)s” to “%(new)s”.")
ERROR_LOST_REASON = _("Say why the opportunity was lost (choose a reason).")
ERROR_LOST_REASON_INACTIVE = _("This lost reason is no longer offered.")
ERROR_NOT_ACCEPTED = _("Accept the handoff before working it.")
ERROR_WARNING_UNACKNOWLEDGED = _(
    "Fix service first: the customer has an open complaint or a recent bad survey. "
    "Acknowledge the warning before moving the opportunity past “contacted”."
)
ERROR_NO_WARNING = _("There is no service warning to acknowledge.")
ERROR_ACK_COMMENT = _("Write a short comment (what you will do about the service issue).")
ERROR_ACK_TOO_LONG = _("The comment is at most 500 characters.")
ERROR_NOT_OWNER = _("Only the rep the handoff was given to can do this.")
ERROR_CANNOT_WORK = _("You cannot change this opportunity.")
ERROR_ALREADY_ACCEPTED = _("This handoff was already accepted.")
ERROR_NOT_NEW = _("Only a new handoff can be accepted.")
ERROR_CLOSED = _("This opportunity is closed (won or lost).")
ERROR_HAND_BACK_REASON = _("Say why you hand the opportunity back.")
ERROR_HAND_BACK_WORKED = _(
    "Only a new handoff can be handed back; once worked, reassign it to another rep."
)
ERROR_NOT_A_REP = _("%(user)s is not a sales rep of a sales team.")
ERROR_SAME_REP = _("The opportunity is already with %(user)s.")
ERROR_ONBOARDING_NOT_WON = _("Only a won opportunity can open an onboarding ticket.")
ERROR_ONBOARDING_EXISTS = _("This opportunity already has its onboarding ticket.")
ERROR_ONBOARDING_QUEUE = _("Choose an open customer-service queue.")
ERROR_PROBABILITY = _("The probability is a percentage from 0 to 100.")
ERROR_NEXT_STEP_TOO_LONG = _("The next step is at most 200 characters.")
ERROR_NEXT_STEP_DUE_PAST = _("The next step's due date cannot be more than a day in the past.")
ERROR_SAVED_VIEW_NAME = _("Give the view a name.")
ERROR_SAVED_VIEW_TAKEN = _("You already have a view with this name.")

MAX_NEED = 2000


class StaleOpportunityError(ValidationError):
    def __init__(self) -> None:
        super().__init__(ERROR_STALE, code="stale")


def lock(opportunity: Opportunity, expected_version: int | None = None) -> Opportunity:
    """Re-read under a row lock; refuse if it changed since the form was drawn."""
    locked = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("contact", "product", "team", "owner", "flagged_by")
        .get(pk=opportunity.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleOpportunityError()
    return locked


def bump() -> None:
    """Cached figures (kanban totals) are keyed on this counter: any write renews them."""
    from django.core.cache import cache

    try:
        cache.incr("sales:generation")
    except ValueError:
        cache.set("sales:generation", 2, None)


def save(opportunity: Opportunity, now: dt.datetime, fields: list[str] | set[str]) -> None:
    bump()
    opportunity.updated_at = now
    opportunity.version = F("version") + 1  # type: ignore[assignment]
    opportunity.save(update_fields=[*set(fields), "updated_at", "version"])
    opportunity.refresh_from_db(fields=["version"])


def event(opportunity: Opportunity, kind: str, actor: User | None, **data: Any) -> None:
    OpportunityEvent.objects.create(opportunity=opportunity, kind=kind, actor=actor, data=data)


def timeline(opportunity: Opportunity, kind: str, actor: User | None, **data: Any) -> None:
    activity_record(
        kind=kind,
        contact=opportunity.contact,
        organisation=opportunity.organisation,
        actor=actor,
        source=opportunity,
        data={"reference": opportunity.reference, **data},
    )


def notify(recipient: User | None, title: str, body: str, opportunity: Opportunity) -> None:
    if recipient is None or not recipient.is_active:
        return
    notification_send(
        recipient=recipient,
        title=title,
        body=body,
        url=opportunity.get_absolute_url(),
        email=True,
    )


def stage_probabilities() -> dict[str, int]:
    return dict(StageProbability.objects.values_list("stage", "probability"))


DEFAULT_PROBABILITIES = {
    "new": 10,
    "contacted": 20,
    "qualified": 40,
    "proposal": 60,
    "won": 100,
    "lost": 0,
}


def probability_for(stage: str) -> int:
    if stage == "won":
        return 100
    if stage == "lost":
        return 0
    value = StageProbability.objects.filter(stage=stage).values_list("probability", flat=True)
    first = value.first()
    return DEFAULT_PROBABILITIES[stage] if first is None else first


# --- Who is who in sales --------------------------------------------------------------------
def sales_team_ids(user: User) -> list[int]:
    cached = getattr(user, "_sales_team_ids", None)
    if cached is None:
        cached = tuple(
            user.teams.filter(kind=Team.Kind.SALES).order_by("pk").values_list("pk", flat=True)
        )
        user._sales_team_ids = cached  # type: ignore[attr-defined]
    return list(cached)


def is_sales_lead(user: User) -> bool:
    """The lead of a sales team sees and steers all of sales, as admins do."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.ADMIN):
        return True
    cached = getattr(user, "_sales_lead", None)
    if cached is None:
        cached = Team.objects.filter(kind=Team.Kind.SALES, lead=user).exists()
        user._sales_lead = cached  # type: ignore[attr-defined]
    return bool(cached)


def is_rep(user: User | None) -> bool:
    if user is None or not user.is_active or not has_role(user, Role.SALES):
        return False
    return bool(sales_team_ids(user))


def can_work(user: User, opportunity: Opportunity) -> bool:
    """The rep it was given to, a sales lead or an admin."""
    if is_sales_lead(user):
        return True
    return has_role(user, Role.SALES) and opportunity.owner_id == user.pk
