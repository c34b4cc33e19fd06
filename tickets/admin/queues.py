"""Queues, SLA policies, categories and agents' presence."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from .. import services
from ..models import (
    AgentPresence,
    Category,
    Queue,
    SlaPolicy,
)
from .common import _copy_saved


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
