from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from tickets.models import Queue

from .services.live import BULK_LIMIT


class ReassignForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(label=_("Tickets"), coerce=int, choices=())
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args: Any, ticket_ids: list[int], agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tickets"].choices = [(pk, pk) for pk in ticket_ids]
        self.fields["assignee"].queryset = agents

    def clean_tickets(self) -> list[int]:
        ids = self.cleaned_data["tickets"]
        if len(ids) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Reassign at most %(limit)s tickets at once.") % {"limit": BULK_LIMIT}
            )
        return ids


class AgentAwayForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none())

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents


class KpiFilterForm(forms.Form):
    """The KPI page's picker: the same fields as GET /api/v1/kpis/."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    queue = forms.TypedChoiceField(label=_("Queue"), coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    group_by = forms.ChoiceField(label=_("Group by"), required=False)

    def __init__(self, *args: Any, queues: Any, **kwargs: Any) -> None:
        from tickets.models import Ticket

        from .kpis.periods import PRESETS

        super().__init__(*args, **kwargs)
        self.fields["period"].choices = list(PRESETS.items())
        self.fields["queue"].choices = [("", _("All my queues"))] + [(q.pk, q.name) for q in queues]
        self.fields["channel"].choices = [("", _("All channels")), *Ticket.Channel.choices]
        self.fields["group_by"].choices = [
            ("", _("Nothing")),
            ("queue", _("Queue")),
            ("team", _("Team")),
            ("agent", _("Agent")),
            ("channel", _("Channel")),
            ("day", _("Day")),
            ("week", _("Week")),
        ]

    def as_query(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "period": data.get("period"),
            "from": data.get("date_from"),
            "to": data.get("date_to"),
            "queue": data.get("queue"),
            "channel": data.get("channel"),
            "group_by": data.get("group_by"),
        }


class ErlangForm(forms.Form):
    contacts = forms.FloatField(label=_("Contacts per interval"), min_value=0, max_value=1_000_000)
    interval_s = forms.TypedChoiceField(
        label=_("Interval"),
        coerce=int,
        initial=1800,
        choices=[(1800, _("30 minutes")), (900, _("15 minutes"))],
    )
    aht_s = forms.FloatField(label=_("AHT (s)"), min_value=1, max_value=86_400, initial=180)
    target_sl = forms.IntegerField(
        label=_("Service level target (%)"), min_value=1, max_value=99, initial=80
    )
    target_s = forms.IntegerField(label=_("Within (s)"), min_value=0, max_value=3600, initial=20)


class ShiftForm(forms.Form):
    """Add or change a shift on the rota page: the same fields as POST /api/v1/shifts/."""

    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.none(),
        required=False,
        empty_label=_("Any queue of the team"),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    break_minutes = forms.IntegerField(
        label=_("Break (minutes)"), min_value=0, max_value=16 * 60, initial=0, required=False
    )

    def __init__(self, *args: Any, teams: list[Any], agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
        self.fields["team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        self.fields["queue"].queryset = Queue.objects.filter(team__in=teams).order_by("name")
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget.format = "%Y-%m-%dT%H:%M"
        for name, field in self.fields.items():
            css = "form-select" if name in ("agent", "team", "queue") else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def as_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["break_minutes"] = data.get("break_minutes") or 0
        return data


class RotaCopyForm(forms.Form):
    week = forms.DateField(label=_("Week"))
    team = forms.IntegerField(label=_("Team"), min_value=1, max_value=2**31 - 1, required=False)
