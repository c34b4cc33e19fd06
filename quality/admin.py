from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import services
from .models import KpiSettings, PresenceSpan, QueueThreshold, Shift, ShrinkageFactor, TicketFact


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


FIELDS = ("agent", "team", "queue", "starts_at", "ends_at", "break_minutes")


class ShiftAdminForm(forms.ModelForm):
    """Checks a shift with the rota's own rules (rota services), errors on the fields."""

    actor: Any = None

    class Meta:
        model = Shift
        fields = FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or not all(data.get(f) for f in ("agent", "team", "starts_at", "ends_at")):
            return data
        try:
            services.shift_check(
                actor=self.actor,
                shift=self.instance if self.instance.pk else None,
                **{f: data.get(f) for f in FIELDS if f != "break_minutes"},
                break_minutes=data.get("break_minutes") or 0,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in FIELDS else None, errors)
        return data


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    form = ShiftAdminForm
    list_display = ("agent", "team", "queue", "starts_at", "ends_at", "break_minutes")
    list_filter = ("team",)
    search_fields = ("agent__email", "agent__last_name", "team__name")
    list_select_related = ("agent", "team", "queue")
    raw_id_fields = ("agent", "queue")
    date_hierarchy = "starts_at"
    show_full_result_count = False
    list_per_page = 50

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request: HttpRequest, obj: Shift, form: Any, change: bool) -> None:
        values = {f: form.cleaned_data.get(f) for f in FIELDS}
        values["break_minutes"] = values["break_minutes"] or 0
        if change:
            services.shift_update(actor=request.user, shift=Shift.objects.get(pk=obj.pk), **values)  # type: ignore[arg-type]
        else:
            saved = services.shift_create(actor=request.user, **values)  # type: ignore[arg-type]
            obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Shift) -> None:
        services.shift_delete(actor=request.user, shift=obj)  # type: ignore[arg-type]
