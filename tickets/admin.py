"""The admin of the service desk.

Configuration (calendars, queues, SLA policies, categories, macros) is edited here; the
caches of business schedules and SLA policies are dropped after each edit. Tickets are
created and changed through the services, so transitions, SLA clocks, events and the
customer's timeline stay right; messages, attachments and events are written by the
services only.
"""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import available_timezones

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role, has_role
from relais.admin_helpers import CappedCountPaginator, FastChangelistMixin

from . import selectors, services
from .models import (
    AgentPresence,
    Attachment,
    BusinessCalendar,
    Category,
    Holiday,
    Macro,
    Message,
    OpeningHours,
    Queue,
    SavedView,
    SlaPolicy,
    Ticket,
    TicketEvent,
)

MESSAGE_HOLIDAYS_LOADED = _("%(calendar)s: %(count)d public holidays loaded through %(year)d.")
MESSAGE_STATUS_CHANGED = _("%(count)d tickets moved to “%(status)s”.")
ERROR_STATUS_REFUSED = _("%(number)s: %(error)s")
# The changelist counts at most ADMIN_COUNT_CAP rows (relais.admin_helpers): "page 1 of
# 200" is as useful as "page 1 of 20,000" and costs a bounded index scan, not a full count.


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services: viewable, never added or changed here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _actor(request: HttpRequest) -> User:
    # The admin site only lets active staff users in.
    return cast(User, request.user)


def _copy_saved(target: Any, saved: Any) -> None:
    """Turn the admin's unsaved instance into the row a service saved, so the admin (log
    entry, redirect) carries on with it."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


# --- Calendars --------------------------------------------------------------------------
class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "holiday_country", "holiday_subdivision"]

    def clean_time_zone(self) -> str:
        # A zone the SLA arithmetic cannot load would break every deadline of its queues.
        zone: str = self.cleaned_data["time_zone"]
        if zone not in available_timezones():
            raise ValidationError(services.ERROR_TIME_ZONE % {"zone": zone})
        return zone

    def clean_holiday_country(self) -> str:
        return (self.cleaned_data["holiday_country"] or "").upper()


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens_at", "closes_at"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0
    fields = ["date", "name"]


class CalendarPartAdmin(admin.ModelAdmin):
    """Opening hours and holidays: every change drops the calendar's cached schedule."""

    list_select_related = ["calendar"]
    raw_id_fields = ["calendar"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.sla_forget()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.sla_forget()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        services.sla_forget()


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    form = BusinessCalendarForm
    list_display = [
        "name", "time_zone", "holiday_country", "holiday_subdivision", "holidays_loaded_through",
    ]  # fmt: skip
    list_filter = ["holiday_country", "time_zone"]
    search_fields = ["name"]
    readonly_fields = ["holidays_loaded_through"]
    inlines = [OpeningHoursInline, HolidayInline]
    actions = ["load_public_holidays"]

    def save_model(
        self, request: HttpRequest, obj: BusinessCalendar, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        services.sla_forget()

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool
    ) -> None:
        # Opening hours and holidays are saved here, after the calendar itself.
        super().save_related(request, form, formsets, change)
        services.sla_forget()

    def delete_model(self, request: HttpRequest, obj: BusinessCalendar) -> None:
        super().delete_model(request, obj)
        services.sla_forget()

    @admin.action(description=_("Load public holidays through next year"))
    def load_public_holidays(
        self, request: HttpRequest, queryset: QuerySet[BusinessCalendar]
    ) -> None:
        through_year = timezone.now().year + 1
        for calendar in queryset:
            try:
                count = services.calendar_load_public_holidays(
                    calendar=calendar, through_year=through_year
                )
            except ValidationError as exc:
                self.message_user(request, f"{calendar}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(
                request,
                MESSAGE_HOLIDAYS_LOADED
                % {"calendar": calendar, "count": count, "year": through_year},
                messages.SUCCESS,
            )


@admin.register(OpeningHours)
class OpeningHoursAdmin(CalendarPartAdmin):
    list_display = ["calendar", "weekday", "opens_at", "closes_at"]
    list_filter = ["calendar", "weekday"]
    search_fields = ["calendar__name"]


@admin.register(Holiday)
class HolidayAdmin(CalendarPartAdmin):
    list_display = ["date", "name", "calendar"]
    list_filter = ["calendar"]
    search_fields = ["name", "calendar__name"]
    date_hierarchy = "date"


# --- Queues, SLA policies, categories ---------------------------------------------------
@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = [
        "name", "kind", "team", "default_priority", "calendar", "email_address", "auto_assign",
        "agent_open_ticket_cap", "is_active",
    ]  # fmt: skip
    list_filter = ["kind", "is_active", "auto_assign", "team"]
    search_fields = ["name", "email_address"]
    list_select_related = ["team", "calendar"]
    filter_horizontal = ["visible_to"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Tickets keep their queue (PROTECT): close a queue with "active" instead.
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "queue", "priority", "first_response_minutes", "resolution_minutes",
        "warn_before_minutes",
    ]  # fmt: skip
    list_editable = ["first_response_minutes", "resolution_minutes", "warn_before_minutes"]
    list_filter = ["queue", "priority"]
    search_fields = ["queue__name"]
    list_select_related = ["queue"]

    # Policies are cached per process; new targets apply to the next computed deadline.
    def save_model(
        self, request: HttpRequest, obj: SlaPolicy, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        services.sla_forget()

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        super().delete_model(request, obj)
        services.sla_forget()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        super().delete_queryset(request, queryset)
        services.sla_forget()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "queue_kind"]
    list_filter = ["queue_kind"]
    search_fields = ["name"]


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "changed_at", "last_assigned_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["changed_at", "last_assigned_at"]

    def save_model(
        self, request: HttpRequest, obj: AgentPresence, form: ModelForm, change: bool
    ) -> None:
        # Through the service, which stamps the change for round robin.
        saved = services.presence_set(user=obj.user, status=obj.status)
        _copy_saved(obj, saved)


# --- Tickets ----------------------------------------------------------------------------
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


# --- Written by the services only -------------------------------------------------------
class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["filename", "content_type", "size"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(FastChangelistMixin, admin.ModelAdmin):
    """Messages are written by the desk, the inbound mail and the web form (services):
    here they are read, or an internal note's kind corrected; the body stays as sanitised."""

    list_display = [
        "__str__",
        "ticket",
        "kind",
        "direction",
        "author",
        "author_contact",
        "created_at",
    ]
    list_filter = ["kind", "direction"]
    search_fields = ["=ticket__id", "body_text"]
    list_select_related = ["ticket", "author", "author_contact"]
    raw_id_fields = ["ticket", "author", "author_contact"]
    fields = ["ticket", "kind", "direction", "author", "author_contact", "created_at", "body_html"]
    readonly_fields = ["ticket", "direction", "author", "author_contact", "created_at", "body_html"]
    inlines = [AttachmentInline]
    show_full_result_count = False
    paginator = CappedCountPaginator
    # Newest first by the primary key: Message.Meta.ordering (created_at, id) has no index
    # across tickets, and sorting 5,000,000 rows took 19 s a page (issue 10).
    ordering = ["-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(FastChangelistMixin, ReadOnlyAdmin):
    list_display = ["filename", "content_type", "size", "message"]
    list_filter = ["content_type"]
    search_fields = ["filename", "=message__ticket__id"]
    list_select_related = ["message"]
    raw_id_fields = ["message"]
    show_full_result_count = False
    paginator = CappedCountPaginator


@admin.register(TicketEvent)
class TicketEventAdmin(FastChangelistMixin, ReadOnlyAdmin):
    list_display = ["occurred_at", "ticket", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["=ticket__id"]
    list_select_related = ["ticket", "actor"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Macros and saved views -------------------------------------------------------------
class MacroForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = [
            "name", "body", "kind", "set_status", "set_priority", "add_tags", "team", "owner",
            "is_active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            # The same check as the macro editor's: an unknown placeholder would be sent as is.
            services.macro_check(cleaned.get("body") or "")
        except ValidationError as exc:
            self.add_error(None, exc)
        if cleaned.get("team") is None and cleaned.get("owner") is None:
            self.add_error("team", _("Share the macro with a team, or give it an owner."))
        return cleaned


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    form = MacroForm
    list_display = ["name", "kind", "team", "owner", "set_status", "set_priority", "is_active"]
    list_filter = ["kind", "is_active", "team"]
    search_fields = ["name", "body"]
    list_select_related = ["team", "owner"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["add_tags"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "query", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["created_at"]
