from __future__ import annotations

from django.contrib import admin

from .models import AgentExtension, CallEvent, PhoneCall, PhoneLine


@admin.register(PhoneLine)
class PhoneLineAdmin(admin.ModelAdmin):
    list_display = ["label", "number", "queue", "is_active"]
    list_filter = ["is_active", "queue"]
    search_fields = ["label", "number"]
    list_select_related = ["queue"]


@admin.register(AgentExtension)
class AgentExtensionAdmin(admin.ModelAdmin):
    list_display = ["extension", "user"]
    search_fields = ["extension", "user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class CallEventInline(admin.TabularInline):
    model = CallEvent
    extra = 0
    can_delete = False
    fields = ["kind", "sequence", "occurred_at", "received_at", "payload"]
    readonly_fields = fields
    ordering = ["occurred_at", "id"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    """Calls are written by the platform's events; the admin reads them."""

    list_display = [
        "offered_at", "caller_number", "dialled_number", "queue", "agent", "status",
        "outcome", "wait_seconds", "talk_seconds", "ticket",
    ]  # fmt: skip
    list_filter = ["status", "outcome", "direction", "queue", "line"]
    search_fields = ["external_id", "caller_number", "dialled_number"]
    list_select_related = ["queue", "agent", "ticket"]
    raw_id_fields = ["contact", "agent", "ticket", "logged_call", "line", "queue"]
    date_hierarchy = "offered_at"
    inlines = [CallEventInline]
    show_full_result_count = False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in PhoneCall._meta.fields]
