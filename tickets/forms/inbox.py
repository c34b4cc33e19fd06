"""Forms of the inbox: its filters (the query string), saved views, bulk changes and the
agent's availability. They only parse and bound what the user sent; the rules are the
services'."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User

from .. import selectors
from ..models import AgentPresence, Priority, Queue, Ticket

# A search longer than this is cut, not refused: a pasted email body still finds something.
MAX_SEARCH = 200
# Deep offsets cost a scan of every row before them; nobody pages this far by hand.
MAX_PAGE = 2000
BULK_LIMIT = 100
BULK_ACTIONS = ("assign", "status", "priority", "tag", "merge")

ERROR_FILTER_IGNORED = _("This filter was ignored because its value is not valid: %(field)s.")
ERROR_BULK_NONE = _("Select at least one ticket.")
ERROR_BULK_IDS = _("The selection is not valid: reload the inbox and select the tickets again.")
ERROR_BULK_TOO_MANY = _("Select at most %(limit)d tickets at once.")
ERROR_BULK_ACTION = _("Choose what to do with the selected tickets.")
ERROR_BULK_ASSIGNEE = _("Choose whom to assign the tickets to.")
ERROR_BULK_STATUS = _("Choose the new status.")
ERROR_BULK_PRIORITY = _("Choose the new priority.")
ERROR_BULK_TAG = _("Type the tag to add.")
ERROR_BULK_TARGET = _(
    "Give the number of the ticket to merge into; it must be one of the selected tickets."
)
ERROR_BULK_MERGE_ONE = _("Select at least two tickets to merge.")

VIEW_CHOICES = [
    ("mine", _("Mine")),
    ("team", _("My team")),
    ("unassigned", _("Unassigned")),
    ("breaching", _("Breaching within the hour")),
    ("breached", _("Breached")),
    ("all", pgettext_lazy("tickets", "All")),
]
SORT_CHOICES = [
    ("updated", _("Latest activity first")),
    ("-updated", _("Oldest activity first")),
    ("created", _("Newest first")),
    ("-created", _("Oldest first")),
    ("priority", _("Most urgent first")),
    ("due", _("Next SLA deadline first")),
]
STATUS_FILTER_CHOICES = [("", _("Active")), ("all", _("Any status")), *Ticket.Status.choices]
PRIORITY_CHOICES = [("", _("Any priority")), *Priority.choices]
CHANNEL_CHOICES = [("", _("Any channel")), *Ticket.Channel.choices]


def _printable(text: str) -> str:
    """Drop control characters (NUL included): PostgreSQL refuses NUL in text."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)


class InboxFilterForm(forms.Form):
    """The inbox's query string. A value that does not parse is dropped (the view says
    so) and the rest still applies: a stale bookmark or a hand-edited URL shows tickets,
    not an error page."""

    view = forms.ChoiceField(label=_("View"), choices=VIEW_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=PRIORITY_CHOICES, coerce=int, empty_value=None, required=False
    )
    queue = forms.TypedChoiceField(
        label=_("Queue"), choices=(), coerce=int, empty_value=None, required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), choices=(), coerce=int, empty_value=None, required=False
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(
        self,
        *args: Any,
        queues: Iterable[Queue] = (),
        assignees: Iterable[User] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["queue"].choices = [("", _("Any queue")), *((q.pk, q.name) for q in queues)]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            *((u.pk, str(u)) for u in assignees),
        ]

    def clean_q(self) -> str:
        return _printable(self.cleaned_data["q"]).strip()[:MAX_SEARCH]

    def clean_tag(self) -> str:
        return _printable(self.cleaned_data["tag"]).strip()

    def values(self) -> dict[str, Any]:
        """The valid values, with defaults for the missing and the invalid ones."""
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }
        return {
            "view": data.get("view") or "mine",
            "q": data.get("q") or "",
            "status": data.get("status") or "",
            "priority": data.get("priority"),
            "queue": data.get("queue"),
            "channel": data.get("channel") or "",
            "tag": data.get("tag") or "",
            "assignee": data.get("assignee"),
            "sort": data.get("sort") or "updated",
            "page": data.get("page") or 1,
        }

    def ignored(self) -> list[str]:
        """One readable sentence per dropped filter."""
        return [
            str(ERROR_FILTER_IGNORED % {"field": self.fields[name].label})
            for name in self.fields
            if name in self.errors
        ]

    @staticmethod
    def to_filters(values: dict[str, Any]) -> selectors.InboxFilters:
        return selectors.InboxFilters(
            view=values["view"],
            status=values["status"],
            priority=values["priority"],
            queue=values["queue"],
            channel=values["channel"],
            tag=values["tag"],
            assignee=values["assignee"],
            search=values["q"],
            sort=values["sort"],
        )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=60)
    query = forms.CharField(label=_("Filter"), max_length=2000, required=False)


class TicketIdsField(forms.Field):
    """The ticket ids ticked in the inbox: digits only, at most BULK_LIMIT."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if value in (None, "", [], ()):
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        ids: list[int] = []
        for raw in values:
            text = str(raw).strip()
            if not re.fullmatch(r"\d{1,12}", text):
                raise forms.ValidationError(ERROR_BULK_IDS, code="invalid")
            if int(text) not in ids:
                ids.append(int(text))
        return ids

    def validate(self, value: list[int]) -> None:
        if not value:
            raise forms.ValidationError(ERROR_BULK_NONE, code="required")
        if len(value) > BULK_LIMIT:
            raise forms.ValidationError(
                ERROR_BULK_TOO_MANY, code="too_many", params={"limit": BULK_LIMIT}
            )


class BulkActionForm(forms.Form):
    """One change applied to the ticked tickets. Each action button posts its own name."""

    ids = TicketIdsField(label=_("Selected tickets"), required=True)
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("assign", _("Assign")),
            ("status", _("Change status")),
            ("priority", _("Change priority")),
            ("tag", _("Add a tag")),
            ("merge", _("Merge")),
        ],
        error_messages={"required": ERROR_BULK_ACTION, "invalid_choice": ERROR_BULK_ACTION},
    )
    assignee = forms.CharField(label=_("Assign to"), max_length=20, required=False)
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", "—"), *Ticket.Status.choices], required=False
    )
    priority = forms.TypedChoiceField(
        label=_("New priority"),
        choices=[("", "—"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    tag = forms.CharField(label=_("Tag to add"), max_length=50, required=False)
    target = forms.CharField(label=_("Merge into ticket"), max_length=30, required=False)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)

    def clean_assignee(self) -> str:
        value = self.cleaned_data["assignee"].strip().lower()
        if value and value not in ("me", "none") and not re.fullmatch(r"\d{1,12}", value):
            raise forms.ValidationError(ERROR_BULK_ASSIGNEE, code="invalid")
        return value

    def clean_target(self) -> int | None:
        text = self.cleaned_data["target"].strip()
        if not text:
            return None
        pk = Ticket.pk_from_number(text)
        if pk is None:
            raise forms.ValidationError(ERROR_BULK_TARGET, code="invalid")
        return pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        missing = {
            "assign": ("assignee", ERROR_BULK_ASSIGNEE),
            "status": ("status", ERROR_BULK_STATUS),
            "priority": ("priority", ERROR_BULK_PRIORITY),
            "tag": ("tag", ERROR_BULK_TAG),
            "merge": ("target", ERROR_BULK_TARGET),
        }
        if action in missing:
            name, message = missing[action]
            if name not in self.errors and data.get(name) in (None, ""):
                self.add_error(name, message)
        if action == "merge" and "ids" in data and "target" in data:
            ids = data["ids"]
            if len(ids) < 2:
                self.add_error("ids", ERROR_BULK_MERGE_ONE)
            elif data["target"] is not None and data["target"] not in ids:
                self.add_error("target", ERROR_BULK_TARGET)
        return data


class PresenceForm(forms.Form):
    status = forms.ChoiceField(label=_("My availability"), choices=AgentPresence.Status.choices)
