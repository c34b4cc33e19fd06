"""The form of a macro (a saved reply and the actions it applies); the placeholders are
checked by the service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Team

from .. import services
from ..models import Message, Priority, Ticket
from .common import split_tags


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    body = forms.CharField(
        label=_("Reply"),
        max_length=services.MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. The placeholders listed on this page are filled in when used."),
    )
    kind = forms.ChoiceField(label=_("Posted as"), choices=Message.Kind.choices)
    set_status = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[("", _("Leave unchanged")), *Ticket.Status.choices],
        required=False,
    )
    set_priority = forms.TypedChoiceField(
        label=_("Then set the priority to"),
        choices=[("", _("Leave unchanged")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    add_tags = forms.CharField(
        label=_("Then add the tags"),
        max_length=1000,
        required=False,
        help_text=_("Separated by commas."),
    )
    team = forms.TypedChoiceField(
        label=_("Shared with"), choices=(), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, teams: Sequence[Team] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team in teams}
        if self.teams:
            self.fields["team"].choices = [
                ("", _("Nobody: a personal macro")),
                *((team.pk, team.name) for team in teams),
            ]
        else:
            del self.fields["team"]

    def clean_add_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["add_tags"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "body": data["body"],
            "kind": data["kind"],
            "set_status": data["set_status"],
            "set_priority": data["set_priority"],
            "add_tags": data["add_tags"],
        }

    def chosen_team(self) -> Team | None:
        team_id = self.cleaned_data.get("team")
        return self.teams.get(team_id) if team_id else None

    @staticmethod
    def initial_for(macro: Any) -> dict[str, Any]:
        return {
            "name": macro.name,
            "body": macro.body,
            "kind": macro.kind,
            "set_status": macro.set_status,
            "set_priority": macro.set_priority or "",
            "add_tags": ", ".join(tag.name for tag in macro.add_tags.all()),
            "team": macro.team_id or "",
        }
