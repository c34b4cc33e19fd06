"""Tickets, created and changed through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role, has_role
from relais.admin_helpers import CappedCountPaginator, FastChangelistMixin

from .. import selectors, services
from ..models import (
    Queue,
    Ticket,
)
from .common import ERROR_STATUS_REFUSED, MESSAGE_STATUS_CHANGED, _actor, _copy_saved

SLA_FIELDS = [
    "sla_policy", "first_response_due_at", "resolution_due_at", "sla_next_due_at",
    "sla_paused_at", "sla_paused_seconds", "sla_warn_at", "sla_warned_at", "sla_breached_at",
]  # fmt: skip
RECORD_FIELDS = [
    "status", "channel", "team", "organisation", "created_at", "updated_at",
    "first_response_at", "resolved_at", "closed_at", "reopened_count", "merged_into",
    "follow_up_of", "version", "last_message_at", "message_count",
]  # fmt: skip
# What the change form edits (through services.ticket_update).
EDITABLE_FIELDS = ["subject", "queue", "priority", "category", "tags", "assignee", "related"]


def _check_assignee(assignee: User | None, queue: Queue | None) -> None:
    """The service's rule, checked on the form so the admin shows it next to the field."""
    if assignee is None or queue is None:
        return
    if has_role(assignee, Role.SUPERVISOR, Role.ADMIN) and assignee.is_active:
        return
    if not selectors.assignable_users(ticket=Ticket(queue=queue)).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": services.ERROR_ASSIGNEE_OUTSIDE_TEAM % {"user": assignee, "queue": queue}}
        )


class TicketChangeForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.is_closed:
            raise ValidationError(services.ERROR_CLOSED)
        queue = cleaned.get("queue")
        if queue is not None and queue.pk != self.instance.queue_id and not queue.is_active:
            self.add_error("queue", services.ERROR_INACTIVE_QUEUE)
        category = cleaned.get("category")
        if category is not None and queue is not None and category.queue_kind != queue.kind:
            self.add_error("category", services.ERROR_CATEGORY_KIND)
        if "assignee" in self.changed_data or "queue" in self.changed_data:
            try:
                _check_assignee(cleaned.get("assignee"), queue)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class TicketAddForm(forms.ModelForm):
    body = forms.CharField(
        label=_("first message"),
        widget=forms.Textarea,
        max_length=services.MAX_BODY_CHARS,
        help_text=_("The request as the requester put it (Markdown)."),
    )

    class Meta:
        model = Ticket
        fields = [
            "queue", "contact", "requester_user", "subject", "channel", "priority", "category",
            "tags", "assignee",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        contact = cleaned.get("contact")
        requester_rule = services.requester_errors(
            queue=cleaned.get("queue"),
            contact=contact,
            requester_user=cleaned.get("requester_user"),
        )
        for field_name, error in requester_rule.items():
            self.add_error(field_name, error)
        if contact is not None and not requester_rule and not contact.is_active_record:
            self.add_error("contact", services.ERROR_CONTACT_INACTIVE)
        queue = cleaned.get("queue")
        if queue is not None and not queue.is_active:
            self.add_error("queue", services.ERROR_INACTIVE_QUEUE)
        category = cleaned.get("category")
        if category is not None and queue is not None and category.queue_kind != queue.kind:
            self.add_error("category", services.ERROR_CATEGORY_KIND)
        try:
            _check_assignee(cleaned.get("assignee"), queue)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


@admin.register(Ticket)
class TicketAdmin(FastChangelistMixin, admin.ModelAdmin):
    # Fits 1440 px with the filters (issue 9): the subject cut at 60 characters, the
    # creation date in the filters and the form.
    list_display = [
        "number", "short_subject", "status", "priority", "queue", "assignee", "sla_next_due_at",
    ]  # fmt: skip
    list_display_links = ["number", "short_subject"]

    @admin.display(description=_("subject"), ordering="subject")
    def short_subject(self, obj: Ticket) -> str:
        return Truncator(obj.subject).chars(60)

    list_filter = ["status", "priority", "channel", "queue", "team"]
    search_fields = ["subject", "=id"]
    list_select_related = ["queue", "assignee"]
    raw_id_fields = [
        "contact", "requester_user", "organisation", "assignee", "merged_into", "follow_up_of",
        "related",
    ]  # fmt: skip
    autocomplete_fields = ["tags"]
    readonly_fields = [*RECORD_FIELDS, *SLA_FIELDS]
    show_full_result_count = False
    paginator = CappedCountPaginator
    actions = ["resolve", "close"]
    fieldsets = (
        (None, {"fields": ("subject", "queue", "priority", "category", "tags", "assignee")}),
        (
            _("Record"),
            {"fields": ("related", *RECORD_FIELDS)},
        ),
        (_("SLA"), {"fields": tuple(SLA_FIELDS)}),
    )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = TicketChangeForm if obj is not None else TicketAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ((None, {"fields": (*TicketAddForm._meta.fields, "body")}),)  # type: ignore[misc]
        return self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Ticket], search_term: str
    ) -> tuple[QuerySet[Ticket], bool]:
        # "T-2026-000123" or "#123" finds the ticket, as in the inbox.
        pk = Ticket.pk_from_number(search_term)
        if pk is not None and not search_term.strip().isdigit():
            return queryset.filter(pk=pk), False
        return super().get_search_results(request, queryset, search_term)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A ticket is closed, never deleted: the KPIs and the customer's timeline count it.
        return False

    @admin.display(description=_("number"), ordering="id")
    def number(self, ticket: Ticket) -> str:
        return ticket.number

    def save_model(self, request: HttpRequest, obj: Ticket, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        tags = [tag.name for tag in data.get("tags") or []]
        if change:
            services.ticket_update(
                ticket=obj,
                actor=_actor(request),
                subject=data["subject"],
                priority=data["priority"],
                queue=data["queue"],
                category=data.get("category"),
                tags=tags,
                assignee=data.get("assignee"),
            )
            obj.refresh_from_db()
        else:
            saved = services.ticket_create(
                actor=_actor(request),
                queue=data["queue"],
                subject=data["subject"],
                body=data["body"],
                channel=data["channel"],
                contact=data.get("contact"),
                requester_user=data.get("requester_user"),
                priority=data.get("priority"),
                category=data.get("category"),
                tags=tags,
                assignee=data.get("assignee"),
            )
            _copy_saved(obj, saved)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool
    ) -> None:
        # Tags went through the service (it records the change); related tickets are links.
        if "related" in form.cleaned_data:
            form.instance.related.set(form.cleaned_data["related"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _change_status(self, request: HttpRequest, queryset: QuerySet[Ticket], status: str) -> None:
        changed = 0
        for ticket in queryset.select_related("queue").order_by("pk"):
            try:
                services.ticket_change_status(ticket=ticket, status=status, actor=_actor(request))
            except ValidationError as exc:
                self.message_user(
                    request,
                    ERROR_STATUS_REFUSED
                    % {"number": ticket.number, "error": " ".join(exc.messages)},
                    messages.ERROR,
                )
                continue
            changed += 1
        if changed:
            self.message_user(
                request,
                MESSAGE_STATUS_CHANGED % {"count": changed, "status": Ticket.Status(status).label},
                messages.SUCCESS,
            )

    @admin.action(description=_("Resolve the selected tickets"), permissions=["change"])
    def resolve(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._change_status(request, queryset, Ticket.Status.RESOLVED)

    @admin.action(description=_("Close the selected tickets"), permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._change_status(request, queryset, Ticket.Status.CLOSED)
