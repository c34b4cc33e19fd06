"""Admin for channels: addresses, mailboxes (password set here, stored encrypted), the
received mail with its quarantine and "process again", sent mail with "retry", templates,
web form topics, webhook endpoints and their delivery log with "redeliver". Every action
calls the same service as the web pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from relais import events

from .inbound import routing
from .inbound.imap import mailbox_poll, mailbox_set_password
from .inbound.services import inbound_reingest
from .models import (
    AcknowledgementTemplate,
    ContactOrigin,
    InboundAddress,
    InboundEmail,
    Mailbox,
    OutboundEmail,
    WebFormTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
from .outbound.services import outbound_retry
from .webhooks import services as webhook_services


def _run(request: HttpRequest, rows: QuerySet[Any], action: Any, done: Any) -> None:
    ok = 0
    for row in rows:
        try:
            action(row)
            ok += 1
        except ValidationError as exc:
            messages.error(request, f"{row}: {' '.join(exc.messages)}")
    if ok:
        messages.success(request, done % {"count": ok})


@admin.register(InboundAddress)
class InboundAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "queue", "is_default", "created_at"]
    list_filter = ["is_default", "queue"]
    search_fields = ["address"]
    list_select_related = ["queue"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        routing.forget_own_addresses()


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "host",
            "port",
            "security",
            "username",
            "password",
            "password_env",
            "folder",
            "after_processing",
            "processed_folder",
            "default_queue",
            "is_active",
        ]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "host",
        "port",
        "security",
        "folder",
        "is_active",
        "last_polled_at",
        "last_error",
    ]
    list_filter = ["is_active", "security"]
    search_fields = ["name", "host", "username"]
    readonly_fields = ["last_polled_at", "last_error"]
    actions = ["poll_now"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("password"):
            mailbox_set_password(mailbox=obj, password=form.cleaned_data["password"])

    @admin.action(description=_("Poll now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            try:
                count = mailbox_poll(mailbox=mailbox)
            except Exception as exc:
                messages.error(request, f"{mailbox}: {exc}")
            else:
                messages.success(
                    request,
                    _("%(box)s: %(count)d new messages.") % {"box": mailbox, "count": count},
                )


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "status", "sender", "subject", "source", "size", "ticket_link"]
    list_filter = ["status", "source", "mailbox"]
    search_fields = ["sender", "subject", "message_id", "reason"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket", "ticket_message", "bounced", "mailbox"]
    date_hierarchy = "received_at"
    actions = ["reingest"]
    readonly_fields = [
        "source",
        "mailbox",
        "dedup_key",
        "message_id",
        "sha256",
        "size",
        "raw_truncated",
        "status",
        "reason",
        "sender",
        "recipients",
        "subject",
        "ticket",
        "ticket_message",
        "bounced",
        "received_at",
        "processed_at",
        "attempts",
        "source_link",
    ]
    exclude = ["raw"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundEmail]:
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: InboundEmail) -> str:
        return obj.ticket.number if obj.ticket_id else "—"  # type: ignore[union-attr]

    @admin.display(description=_("raw source"))
    def source_link(self, obj: InboundEmail) -> str:
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>',
            reverse("channels:inbound_original", args=[obj.pk]),
            _("Show original"),
        )

    @admin.action(description=_("Process again (quarantined messages)"))
    def reingest(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        _run(
            request,
            queryset.defer("raw"),
            lambda row: inbound_reingest(inbound=row),
            _("%(count)d messages queued for processing."),
        )


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "purpose", "subject", "recipients", "attempts"]
    list_filter = ["status", "purpose"]
    search_fields = ["subject", "message_id", "to"]
    raw_id_fields = ["ticket_message"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)[:100]

    @admin.action(description=_("Retry (failed emails)"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        _run(
            request,
            queryset,
            lambda row: outbound_retry(outbound=row),
            _("%(count)d emails queued again."),
        )


@admin.register(AcknowledgementTemplate)
class AcknowledgementTemplateAdmin(admin.ModelAdmin):
    list_display = ["queue", "language", "subject", "is_active"]
    list_filter = ["language", "is_active", "queue"]
    search_fields = ["subject", "body"]
    list_select_related = ["queue"]


@admin.register(WebFormTopic)
class WebFormTopicAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_en", "queue", "order", "is_active"]
    list_filter = ["is_active", "queue"]
    search_fields = ["name_fr", "name_en"]
    list_select_related = ["queue"]
    list_editable = ["order", "is_active"]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = events.event_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            webhook_services._validate(
                name=data.get("name", ""),
                url=data.get("url", ""),
                events_wanted=list(data.get("events") or []),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name", "url", "events", "is_active", *(["secret", "created_at"] if obj else [])]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        webhook_services.endpoint_save(
            endpoint=obj if change else None,
            name=obj.name,
            url=obj.url,
            events_wanted=list(form.cleaned_data["events"]),
            is_active=obj.is_active,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "event",
        "status",
        "attempts",
        "response_status",
        "latency_ms",
    ]
    list_filter = ["status", "event", "endpoint"]
    search_fields = ["event", "error", "event_id"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    actions = ["redeliver"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Redeliver"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        _run(
            request,
            queryset,
            lambda row: webhook_services.redeliver(delivery=row),
            _("%(count)d deliveries queued again."),
        )


@admin.register(ContactOrigin)
class ContactOriginAdmin(admin.ModelAdmin):
    list_display = ["contact", "channel", "created_at"]
    list_filter = ["channel"]
    raw_id_fields = ["contact", "inbound_email"]
    search_fields = ["contact__last_name", "contact__emails__email"]
