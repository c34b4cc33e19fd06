"""The surveys' kind of customer-timeline row: an answer, rendered in the reader's
language from its data (the comment is not copied there: it stays on the answer)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import Activity
from crm.timeline import ActivityKind

SURVEY_ANSWERED = "survey_answered"


def describe_answer(activity: Activity) -> str:
    data = activity.data
    if data["kind"] == "csat":
        text = gettext("CSAT answer: %(score)s/5 (%(survey)s)")
    else:
        text = gettext("NPS answer: %(score)s/10 (%(survey)s)")
    text = text % {"score": int(data["score"]), "survey": data["survey"]}
    return text + (" · " + gettext("changed") if data.get("changed") else "")


SURVEY_KINDS = [
    ActivityKind(SURVEY_ANSWERED, _("Survey answer"), "emoji-smile", describe=describe_answer),
]
