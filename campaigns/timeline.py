"""Campaigns' kinds of customer-timeline rows."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import Activity
from crm.timeline import ActivityKind

CAMPAIGN_EMAIL = "campaign_email"


def _email(activity: Activity) -> str:
    return gettext("Campaign email sent: %(name)s") % {"name": activity.data["name"]}


KINDS = [
    ActivityKind(
        code=CAMPAIGN_EMAIL,
        label=_("Campaign email"),
        icon="envelope-paper",
        url_name="campaigns:detail",
        describe=_email,
    ),
]
