from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .models import Invitation, Survey, SurveyResponse


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active", "delay_minutes", "min_days_between",
                    "follow_up_queue", "created_at"]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["follow_up_queue"]
    filter_horizontal = ["queues"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Survey, form: Any, change: bool) -> None:
        # Validation through the service (one rule per queue); the queues are saved by
        # save_related, so the service is called with the form's choice.
        fields = {name: getattr(obj, name) for name in services.definitions.FIELDS}
        queues = form.cleaned_data.get("queues", [])
        if change:
            services.survey_update(survey=obj, actor=request.user, queues=queues, **fields)  # type: ignore[arg-type]
        else:
            saved = services.survey_create(actor=request.user, queues=queues, **fields)  # type: ignore[arg-type]
            obj.pk = saved.pk


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["id", "survey", "contact", "ticket", "status", "skip_reason", "send_after",
                    "sent_at", "expires_at"]  # fmt: skip
    list_filter = ["status", "skip_reason", "survey__kind"]
    list_select_related = ["survey", "contact", "ticket"]
    raw_id_fields = ["contact", "ticket", "survey"]
    search_fields = ["=id", "=contact__id", "=ticket__id"]
    readonly_fields = ["nonce", "claim", "outbound_email_id", "sent_at", "expires_at"]
    show_full_result_count = False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "survey", "kind", "score", "contact", "queue", "agent", "channel",
                    "answered_at", "follow_up_ticket"]  # fmt: skip
    list_filter = ["kind", "score", "channel", "comment_angry"]
    list_select_related = ["survey", "contact", "queue", "agent", "follow_up_ticket"]
    raw_id_fields = ["invitation", "contact", "ticket", "follow_up_ticket", "queue", "team",
                     "agent", "survey"]  # fmt: skip
    search_fields = ["=id", "=contact__id", "=ticket__id"]
    date_hierarchy = "answered_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # answers come from customers, through the answer page
