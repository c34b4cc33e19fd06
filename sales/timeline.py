"""The opportunity lines on the customer's timeline, rendered in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.timeline import ActivityKind

if TYPE_CHECKING:
    from crm.models import Activity

OPPORTUNITY_FLAGGED = "opportunity_flagged"
OPPORTUNITY_STAGE = "opportunity_stage"
OPPORTUNITY_WON = "opportunity_won"
OPPORTUNITY_LOST = "opportunity_lost"


def _stage(code: str) -> str:
    from .models import Stage

    return str(Stage(code).label)


def describe_flagged(activity: Activity) -> str:
    return gettext("Sales opportunity %(reference)s flagged: %(product)s") % {
        "reference": activity.data["reference"],
        "product": activity.data["product"],
    }


def describe_stage(activity: Activity) -> str:
    return gettext("%(reference)s: %(old)s → %(new)s") % {
        "reference": activity.data["reference"],
        "old": _stage(activity.data["old"]),
        "new": _stage(activity.data["new"]),
    }


def describe_won(activity: Activity) -> str:
    return gettext("Opportunity %(reference)s won: %(product)s") % {
        "reference": activity.data["reference"],
        "product": activity.data["product"],
    }


def describe_lost(activity: Activity) -> str:
    return gettext("Opportunity %(reference)s lost: %(reason)s") % {
        "reference": activity.data["reference"],
        "reason": activity.data["reason"],
    }


SALES_KINDS = [
    ActivityKind(OPPORTUNITY_FLAGGED, _("Opportunity flagged"), "lightbulb", "sales:detail",
                 describe_flagged),
    ActivityKind(OPPORTUNITY_STAGE, _("Opportunity stage"), "kanban", "sales:detail",
                 describe_stage),
    ActivityKind(OPPORTUNITY_WON, _("Opportunity won"), "trophy", "sales:detail", describe_won),
    ActivityKind(OPPORTUNITY_LOST, _("Opportunity lost"), "x-circle", "sales:detail",
                 describe_lost),
]  # fmt: skip
