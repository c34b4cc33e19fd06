from __future__ import annotations

from django.contrib import admin

from .models import KpiSettings, PresenceSpan, QueueThreshold, ShrinkageFactor, TicketFact


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "fcr_window_days",
        "abandon_threshold_s",
        "service_level_s",
        "service_level_target",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not KpiSettings.objects.exists()


@admin.register(QueueThreshold)
class QueueThresholdAdmin(admin.ModelAdmin):
    list_display = ("queue", "metric", "warn_at", "alert_at")
    list_filter = ("metric",)
    search_fields = ("queue__name",)
    list_select_related = ("queue",)
    raw_id_fields = ("queue",)
    list_per_page = 50


@admin.register(ShrinkageFactor)
class ShrinkageFactorAdmin(admin.ModelAdmin):
    list_display = ("name", "percent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(PresenceSpan)
class PresenceSpanAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "started_at", "ended_at")
    list_filter = ("status",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    show_full_result_count = False
    list_per_page = 50


@admin.register(TicketFact)
class TicketFactAdmin(admin.ModelAdmin):
    list_display = ("ticket_id", "first_response_s", "resolution_s", "fr_sla_met", "res_sla_met")
    raw_id_fields = ("ticket",)
    show_full_result_count = False
    list_per_page = 50
