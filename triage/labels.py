"""What the agent reads for each trigger's category (the analyser speaks in codes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .analyser.rules import Category

CATEGORY_LABELS: dict[str, Any] = {
    Category.THREAT_TO_LEAVE: _("threat to leave"),
    Category.ESCALATION: _("escalation (ombudsman, lawyer, regulator)"),
    Category.PUBLIC_SHAMING: _("social media or press"),
    Category.ABUSE: _("insult"),
    Category.OUTRAGE: _("outrage"),
    Category.ULTIMATUM: _("ultimatum"),
    Category.SARCASM: _("sarcasm"),
    Category.SHOUTING: _("capitals"),
    Category.EXCLAMATION: _("exclamation marks"),
    Category.DISSATISFACTION: _("dissatisfaction"),
    Category.REPEAT_FAILURE: _("repeated failure"),
    Category.PROBLEM: _("problem reported"),
    Category.REASSURANCE: _("reassurance"),
    "lexicon": _("negative word"),
}


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))
