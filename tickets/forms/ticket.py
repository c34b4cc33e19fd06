"""Forms of the agent's ticket page (reply, properties, merge) and of "log a ticket".

They check shape only (lengths, choices, ids that resolve); the rules (transitions, who may
be assigned, attachment types and sizes, locks) are the services' and come back as their
ValidationErrors, shown on the same fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.fields import MultipleFileField
from accounts.models import User
from accounts.roles import has_role
from crm import selectors as crm_selectors
from crm.models import Contact
from crm.permissions import CRM_READ

from .. import choices, selectors, services
from ..models import Category, Message, Priority, Queue, Ticket
from .common import split_tags

ERROR_TICKET_NUMBER = _("Enter a ticket number such as T-2026-000123, or its id.")
ERROR_UNKNOWN_QUEUE = _("Choose one of the queues you work.")
ERROR_UNKNOWN_CATEGORY = _("Choose a category from the list.")
ERROR_UNKNOWN_ASSIGNEE = _("Choose someone from the list.")
ERROR_UNKNOWN_CONTACT = _(
    "No customer has this number or email address. Check it, or create the customer first."
)
ERROR_AMBIGUOUS_CONTACT = _(
    "Several customers share this email address; enter the customer's number instead."
)
ERROR_UNKNOWN_STAFF = _("No active staff member has this email address.")
ERROR_REQUESTER_MISSING = _(
    "Give the customer (their number or email address), or for an internal IT request the "
    "staff member's email address."
)
ERROR_STAFF_ONLY_FOR_IT = services.ERROR_STAFF_ONLY_FOR_IT
ERROR_BODY_MISSING = services.ERROR_BODY_REQUIRED

MAX_TAGS_CHARS = 1000
TAGS_HELP = _("Separated by commas.")


def _offer(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    """Validate against every value but offer only some in the <select>: a value outside
    the offer then reaches the service, whose message says why it is refused (a transition
    that is not allowed, someone outside the team)."""
    field.widget.choices = choices


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=services.MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "id": "reply-body"}),
        help_text=_("Markdown: **bold**, *italics*, lists with -, links [text](https://…)."),
        error_messages={"required": ERROR_BODY_MISSING},
    )
    kind = forms.ChoiceField(
        label=_("Send as"),
        choices=Message.Kind.choices,
        initial=Message.Kind.PUBLIC,
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(label=_("and set status"), required=False)
    attachments = MultipleFileField(label=_("Attachments"))
    last_seen_message_id = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    macro = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reply-%s")  # the page holds several forms
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        keep = ("", _("unchanged (%(status)s)") % {"status": ticket.get_status_display()})
        self.fields["status"].choices = [keep, *Ticket.Status.choices]
        offered = set(services.allowed_statuses(ticket))
        _offer(
            self.fields["status"],
            [keep, *[(v, label) for v, label in Ticket.Status.choices if v in offered]],
        )


class PropertiesForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.none(),
        error_messages={"invalid_choice": ERROR_UNKNOWN_QUEUE},
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        error_messages={"invalid_choice": ERROR_UNKNOWN_CATEGORY},
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.all(),
        required=False,
        empty_label=_("Nobody"),
        error_messages={"invalid_choice": ERROR_UNKNOWN_ASSIGNEE},
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=MAX_TAGS_CHARS, help_text=TAGS_HELP
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        ticket: Ticket,
        user: User,
        assignable: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "subject": ticket.subject,
                "status": ticket.status,
                "priority": ticket.priority,
                "queue": ticket.queue_id,
                "category": ticket.category_id,
                "assignee": ticket.assignee_id,
                "tags": ", ".join(tag.name for tag in ticket.tags.all()),
                "version": ticket.version,
            },
        )
        kwargs.setdefault("auto_id", "properties-%s")
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        # Validation keeps the user's queryset (one indexed lookup of the chosen id); the
        # <select> offers the cached names of the same queues (tickets.choices).
        self.fields["queue"].queryset = selectors.queue_list_for_user(user=user)
        self.fields["queue"].empty_label = None
        _offer(
            self.fields["queue"],
            choices.queue_choices(queue_ids=selectors.visible_queue_ids(user=user)),
        )
        offered = {ticket.status, *services.allowed_statuses(ticket)}
        _offer(
            self.fields["status"],
            [(v, label) for v, label in Ticket.Status.choices if v in offered],
        )
        _offer(
            self.fields["category"],
            [
                ("", "—"),
                *choices.category_choices(kind=ticket.queue.kind),
            ],
        )
        people = list(assignable if assignable is not None else [])
        if ticket.assignee_id and all(pk != ticket.assignee_id for pk, _label in people):
            assignee = ticket.assignee
            people.insert(0, (assignee.pk, assignee.get_full_name() or assignee.email))
        _offer(self.fields["assignee"], [("", _("Nobody")), *people])

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into ticket"),
        max_length=40,
        help_text=_("Its number (T-2026-000123) or id. This ticket is then closed."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "merge-%s")
        super().__init__(*args, **kwargs)

    def clean_target(self) -> int:
        pk = Ticket.pk_from_number(self.cleaned_data["target"])
        if pk is None:
            raise ValidationError(ERROR_TICKET_NUMBER, code="number")
        return pk


class TicketCreateForm(forms.Form):
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.none(),
        error_messages={"invalid_choice": ERROR_UNKNOWN_QUEUE},
    )
    contact = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=254,
        help_text=_("Type a name, email or phone to choose them, or their number."),
    )
    staff_requester = forms.EmailField(
        label=_("Or, for an internal IT request, the staff member"),
        required=False,
        help_text=_("Their work email address."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    channel = forms.ChoiceField(
        label=_("Received by"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("The queue's default")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("queue_kind", "name"),
        required=False,
        error_messages={"invalid_choice": ERROR_UNKNOWN_CATEGORY},
    )
    body = forms.CharField(
        label=_("The request"),
        max_length=services.MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the customer asked, in their words where you can (Markdown)."),
        error_messages={"required": ERROR_BODY_MISSING},
    )
    attachments = MultipleFileField(label=_("Attachments"))
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={"invalid_choice": ERROR_UNKNOWN_ASSIGNEE},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["queue"].queryset = selectors.queue_list_for_user(user=user).filter(
            is_active=True
        )
        # Offered: the user's teams' desk staff; the service checks the chosen queue's team.
        people = selectors.inbox_assignees(user=user, limit=200)
        _offer(self.fields["assignee"], [("", _("Nobody yet")), *[(p.pk, str(p)) for p in people]])
        if not self.is_bound and any(p.pk == user.pk for p in people):
            self.initial.setdefault("assignee", user.pk)  # whoever logs it works it
        # Grouped by the kind of queue they belong to: an IT category on a customer
        # ticket is refused by the service.
        groups: dict[str, list[tuple[int, str]]] = {}
        for category in Category.objects.order_by("queue_kind", "name"):
            groups.setdefault(category.queue_kind, []).append((category.pk, category.name))
        _offer(
            self.fields["category"],
            [("", "—"), *[(Queue.Kind(kind).label, items) for kind, items in groups.items()]],
        )

    def clean_contact(self) -> Contact | None:
        text = self.cleaned_data["contact"].strip()
        if not text:
            return None
        if not has_role(self.user, *CRM_READ):
            # IT staff work on staff requests; they do not look customers up.
            raise ValidationError(ERROR_UNKNOWN_CONTACT, code="unknown")
        if text.isdigit():
            try:
                contact = crm_selectors.contact_get_for_user(user=self.user, pk=int(text))
            except Http404:
                raise ValidationError(ERROR_UNKNOWN_CONTACT, code="unknown") from None
            return contact
        if "@" in text:
            found = crm_selectors.contact_search(query=text, limit=2)
            exact = [c for c in found if any(e.email == text.lower() for e in c.emails.all())]
            if len(exact) > 1:
                raise ValidationError(ERROR_AMBIGUOUS_CONTACT, code="ambiguous")
            if exact:
                return exact[0]
        raise ValidationError(ERROR_UNKNOWN_CONTACT, code="unknown")

    def clean_staff_requester(self) -> User | None:
        email = self.cleaned_data["staff_requester"]
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(ERROR_UNKNOWN_STAFF, code="unknown")
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        queue = data.get("queue")
        contact, staff = data.get("contact"), data.get("staff_requester")
        if "contact" in data and "staff_requester" in data and not contact and not staff:
            self.add_error("contact", ERROR_REQUESTER_MISSING)
        if staff and not contact and queue is not None and queue.kind != Queue.Kind.IT:
            self.add_error("staff_requester", ERROR_STAFF_ONLY_FOR_IT)
        return data
