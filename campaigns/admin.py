from __future__ import annotations

from django.contrib import admin

from .models import (
    Attribution,
    Campaign,
    DeliveryEvent,
    ExpectedVolume,
    Recipient,
    RegulatedQueue,
    Segment,
    Suppression,
    TrackingNumber,
)


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "updated_at"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]


class VolumeInline(admin.TabularInline):
    model = ExpectedVolume
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "status", "starts_on", "ends_on", "owner"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["name"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "segment"]
    # Status moves only through the transition table (the pages and the API).
    readonly_fields = ["status", "started_at", "finished_at"]
    inlines = [VolumeInline]


@admin.register(ExpectedVolume)
class ExpectedVolumeAdmin(admin.ModelAdmin):
    list_display = ["campaign", "queue", "per_day"]
    list_select_related = ["campaign", "queue"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["campaign", "contact", "status", "exclusion", "sent_at", "outcome"]
    list_filter = ["status", "exclusion", "outcome"]
    list_select_related = ["campaign", "contact"]
    raw_id_fields = ["campaign", "contact", "called_by"]
    search_fields = ["email", "message_id"]
    show_full_result_count = False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at"]
    search_fields = ["email"]


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "occurred_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]
    show_full_result_count = False


@admin.register(RegulatedQueue)
class RegulatedQueueAdmin(admin.ModelAdmin):
    list_display = ["queue", "kind"]


@admin.register(TrackingNumber)
class TrackingNumberAdmin(admin.ModelAdmin):
    list_display = ["number", "code", "range_class", "campaign", "queue", "is_active"]
    list_filter = ["range_class", "is_active"]
    search_fields = ["number", "code", "label"]
    raw_id_fields = ["campaign"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from . import services

        services.tracking_number_save(
            actor=request.user,
            number=obj.number,
            code=obj.code,
            label=obj.label,
            campaign=obj.campaign,
            queue=obj.queue,
            is_active=obj.is_active,
            instance=obj if change else None,
        )


@admin.register(Attribution)
class AttributionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "duration_seconds", "is_conversion", "occurred_at"]
    list_filter = ["kind", "is_conversion"]
    raw_id_fields = ["campaign", "tracking_number", "ticket", "contact"]
    show_full_result_count = False
