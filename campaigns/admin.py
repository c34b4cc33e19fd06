from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import (
    Attribution,
    BloctelNumber,
    CallAttempt,
    Campaign,
    DeliveryEvent,
    ExpectedVolume,
    Recipient,
    RegulatedQueue,
    Segment,
    Suppression,
    TelemarketingSettings,
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


@admin.register(TelemarketingSettings)
class TelemarketingSettingsAdmin(admin.ModelAdmin):
    """The figures of the telemarketing rules (one row)."""

    list_display = ["__str__", "weekdays", "max_calls", "max_calls_days", "refusal_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not TelemarketingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BloctelNumberForm(ModelForm):
    class Meta:
        model = BloctelNumber
        fields = ["number"]

    def clean_number(self) -> str:
        from crm.search import parse_phone

        e164 = parse_phone(self.cleaned_data["number"] or "", strict=True)
        if e164 is None:
            raise ValidationError(services.bloctel.ERROR_NUMBER)
        return e164


@admin.register(BloctelNumber)
class BloctelNumberAdmin(admin.ModelAdmin):
    """One number at a time (normalised to E.164); files go through the Bloctel page."""

    form = BloctelNumberForm
    list_display = ["number", "imported_at", "imported_by"]
    search_fields = ["number"]
    list_select_related = ["imported_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = services.bloctel_number_add(number=obj.number, actor=request.user)  # type: ignore[arg-type]
        obj.pk = saved.pk


@admin.register(CallAttempt)
class CallAttemptAdmin(admin.ModelAdmin):
    """Read only: attempts are recorded by the call list's outcome service."""

    list_display = ["called_at", "contact", "campaign", "outcome", "called_by"]
    list_filter = ["outcome"]
    list_select_related = ["contact", "campaign", "called_by"]
    raw_id_fields = ["recipient", "contact", "campaign", "called_by"]
    date_hierarchy = "called_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
