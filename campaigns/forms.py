"""Forms of the campaign pages. The segment builder is a plain form of groups of rows
(field, operator, value) turned into the rules JSON that the service checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Queue

from .models import Campaign, Recipient, TrackingNumber
from .segments import segment_fields

MAX_GROUPS = 4
MAX_ROWS = 8


def rules_from_post(data: Any) -> dict[str, Any]:
    groups = []
    for i in range(MAX_GROUPS):
        rows = []
        for j in range(MAX_ROWS):
            field = str(data.get(f"g{i}-r{j}-field", ""))[:50]
            if field:
                rows.append(
                    {
                        "field": field,
                        "op": str(data.get(f"g{i}-r{j}-op", ""))[:30],
                        "value": str(data.get(f"g{i}-r{j}-value", ""))[:2000],
                    }
                )
        if rows:
            match = data.get(f"g{i}-match", "all")
            groups.append({"match": match if match in ("all", "any") else "all", "rules": rows})
    match = data.get("match", "all")
    return {"match": match if match in ("all", "any") else "all", "rules": groups}


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def groups_for_form(rules: dict[str, Any] | None, extra_row: bool = True) -> dict[str, Any]:
    """What the builder template draws: the top match and groups of rows, each group with
    one blank row to add a rule, and one blank group."""
    rules = rules or {"match": "all", "rules": []}
    groups: list[dict[str, Any]] = []
    loose = [r for r in rules.get("rules", []) if "match" not in r]
    if loose:
        groups.append({"match": rules.get("match", "all"), "rules": loose})
    groups += [g for g in rules.get("rules", []) if "match" in g]
    drawn = []
    for group in groups[:MAX_GROUPS]:
        rows = [
            {
                "field": r.get("field", ""),
                "op": r.get("op", ""),
                "value": _value_text(r.get("value", "")),
            }
            for r in group["rules"]
            if "match" not in r
        ][:MAX_ROWS]
        if extra_row and len(rows) < MAX_ROWS:
            rows.append({"field": "", "op": "", "value": ""})
        drawn.append({"match": group.get("match", "all"), "rows": rows})
    if extra_row and len(drawn) < MAX_GROUPS:
        drawn.append({"match": "all", "rows": [{"field": "", "op": "", "value": ""}]})
    return {"match": rules.get("match", "all"), "groups": drawn, "fields": segment_fields()}


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "goal",
            "purpose",
            "channel",
            "starts_on",
            "ends_on",
            "budget",
            "segment",
            "subject_fr",
            "body_fr",
            "subject_en",
            "body_en",
            "track_engagement",
            "brief_offer",
            "brief_talking_points",
            "brief_faq",
            "call_script",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "body_fr": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "brief_offer": forms.Textarea(attrs={"rows": 2}),
            "brief_talking_points": forms.Textarea(attrs={"rows": 3}),
            "brief_faq": forms.Textarea(attrs={"rows": 3}),
            "call_script": forms.Textarea(attrs={"rows": 3}),
        }


class VolumeForm(forms.Form):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.filter(is_active=True))
    per_day = forms.IntegerField(
        label=_("Expected contacts per day"), min_value=0, max_value=1_000_000
    )


class TrackingNumberForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30, required=False)
    code = forms.CharField(label=_("Code"), max_length=30, required=False)
    label = forms.CharField(label=_("Label"), max_length=120, required=False)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("-starts_on"), required=False
    )
    queue = forms.ModelChoiceField(
        label=_("Queue"), queryset=Queue.objects.filter(is_active=True), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_instance(cls, row: TrackingNumber) -> TrackingNumberForm:
        return cls(
            initial={
                "number": row.number,
                "code": row.code,
                "label": row.label,
                "campaign": row.campaign_id,
                "queue": row.queue_id,
                "is_active": row.is_active,
            }
        )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Recipient.Outcome.choices)
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BloctelImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One phone number per line (first column), as Bloctel returns them."),
    )
    replace = forms.BooleanField(
        label=_("Replace the whole list with this file"), required=False, initial=False
    )


class BloctelNumberForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30)
