from __future__ import annotations

from django.contrib import admin

from .models import AssessmentCorrection, MessageAssessment, TriagePolicy


@admin.register(TriagePolicy)
class TriagePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "is_active", "negative_threshold", "angry_points", "negative_priority",
        "angry_priority", "negative_queue", "angry_queue",
    ]  # fmt: skip
    list_filter = ["is_active"]
    list_select_related = ["queue", "negative_queue", "angry_queue"]
    autocomplete_fields: list[str] = []
    raw_id_fields = ["queue", "negative_queue", "angry_queue"]


@admin.register(MessageAssessment)
class MessageAssessmentAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "ticket",
        "score",
        "negative",
        "angry",
        "language",
        "corrected_at",
    ]
    list_filter = ["negative", "angry", "language", "analyser_version", "corrected_negative"]
    search_fields = ["ticket__id"]
    list_select_related = ["ticket"]
    raw_id_fields = ["message", "ticket", "corrected_by"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in MessageAssessment._meta.fields]


@admin.register(AssessmentCorrection)
class AssessmentCorrectionAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "assessment", "corrected_by", "analyser_negative", "negative",
        "analyser_angry", "angry", "analyser_version",
    ]  # fmt: skip
    list_filter = ["negative", "angry", "analyser_version"]
    list_select_related = ["assessment", "corrected_by"]
    raw_id_fields = ["assessment", "corrected_by"]
    search_fields = ["note"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in AssessmentCorrection._meta.fields]
