"""Forms of the survey pages: the customer's answer, the survey definition, the NPS send,
the results' period."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Queue

from .models import COMMENT_MAX, Survey

ERROR_PERIOD = _("The end date is before the start date.")
ERROR_PERIOD_LONG = _("The period is at most three years.")
ERROR_IDS = _("Give contact ids separated by commas, spaces or new lines.")


class AnswerForm(forms.Form):
    score = forms.CharField(label=_("Score"), required=False, max_length=3)
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX + 1000,
    )  # fmt: skip


class SurveyForm(forms.ModelForm):
    queues = forms.ModelMultipleChoiceField(
        label=_("Queues (CSAT)"), queryset=Queue.objects.filter(is_active=True).order_by("name"),
        required=False,
    )  # fmt: skip

    class Meta:
        model = Survey
        fields = ["name", "kind", "is_active", "queues", "delay_minutes", "min_days_between",
                  "follow_up_queue", "change_window_hours", "valid_days", "question_fr",
                  "question_en"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follow_up_queue"].queryset = Queue.objects.filter(is_active=True).order_by(
            "name"
        )

    def _post_clean(self) -> None:
        # The service validates the model (and the queues); the form only parses.
        pass


class NpsSendForm(forms.Form):
    contact_ids = forms.CharField(
        label=_("Contact ids"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1_000_000
    )

    def clean_contact_ids(self) -> list[str]:
        parts = [p for p in re.split(r"[\s,;]+", self.cleaned_data["contact_ids"]) if p]
        if not parts or not all(p.isdigit() and len(p) <= 18 for p in parts):
            raise forms.ValidationError(ERROR_IDS)
        return parts


class PeriodForm(forms.Form):
    GROUPS = [("queue", _("Queue")), ("team", _("Team")), ("agent", _("Agent")),
              ("channel", _("Channel"))]  # fmt: skip
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    group_by = forms.ChoiceField(label=_("Group by"), choices=GROUPS, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or (data["date_to"] - dt.timedelta(days=182))
        data["group_by"] = data.get("group_by") or "queue"
        if data["date_to"] < data["date_from"]:
            raise forms.ValidationError(ERROR_PERIOD)
        if (data["date_to"] - data["date_from"]).days > 3 * 366:
            raise forms.ValidationError(ERROR_PERIOD_LONG)
        return data
