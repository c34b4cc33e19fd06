from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    LostReason,
    Opportunity,
    OpportunityEvent,
    Product,
    RepStatus,
    RoutingRule,
    SalesTeamPolicy,
    SavedView,
    ServiceWarningSettings,
    StageProbability,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "product_line", "is_active"]
    list_filter = ["is_active", "product_line"]
    list_editable = ["is_active"]
    search_fields = ["name", "product_line"]


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(StageProbability)
class StageProbabilityAdmin(admin.ModelAdmin):
    list_display = ["stage", "probability"]
    list_editable = ["probability"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Through the service: open opportunities of the stage follow the new default.
        super().save_model(request, obj, form, change)
        services.stage_probability_apply(obj)


@admin.register(SalesTeamPolicy)
class SalesTeamPolicyAdmin(admin.ModelAdmin):
    list_display = ["team", "calendar", "accept_within_minutes", "escalate_to"]
    list_select_related = ["team", "calendar", "escalate_to"]
    raw_id_fields = ["escalate_to"]


@admin.register(ServiceWarningSettings)
class ServiceWarningSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "window_days"]
    filter_horizontal = ["complaint_queues", "complaint_categories"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ServiceWarningSettings.objects.exists()


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "position", "name", "is_active", "countries", "departements", "postcode_prefixes",
        "product_line", "organisation_sizes", "rep", "team",
    ]  # fmt: skip
    list_display_links = ["name"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "team"]
    list_select_related = ["rep", "team"]
    search_fields = ["name", "departements", "postcode_prefixes", "product_line"]
    raw_id_fields = ["rep"]
    ordering = ["position", "id"]


@admin.register(RepStatus)
class RepStatusAdmin(admin.ModelAdmin):
    list_display = ["user", "is_available", "last_assigned_at"]
    list_filter = ["is_available"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user"]


class EventInline(admin.TabularInline):
    model = OpportunityEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "kind", "actor", "data"]
    readonly_fields = fields
    ordering = ["-occurred_at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = [
        "reference", "contact", "product", "stage", "amount", "probability", "owner",
        "flagged_by", "expected_close_date", "created_at",
    ]  # fmt: skip
    list_filter = ["stage", "urgency", "product__product_line", "team", "created_at"]
    list_select_related = ["contact", "product", "owner", "flagged_by"]
    search_fields = ["=id", "contact__search_name", "organisation__name", "product__name"]
    raw_id_fields = [
        "contact", "organisation", "source_ticket", "source_call", "flagged_by", "owner",
        "call_consent", "warning_ack_by", "onboarding_ticket",
    ]  # fmt: skip
    readonly_fields = [
        "stage", "version", "created_at", "updated_at", "accepted_at", "acceptance_seconds",
        "escalated_at", "closed_at", "assigned_at", "acceptance_due_at", "routing_reason",
        "warning_ack_at", "warning_ack_keys",
    ]  # fmt: skip
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [EventInline]

    @admin.display(description=_("reference"), ordering="id")
    def reference(self, obj: Opportunity) -> str:
        return obj.reference

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # An admin edit is a change like any other: open forms and API clients holding the
        # old version are told so (stale version), and cached board totals are renewed.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        services.common.bump()


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "query", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner"]
