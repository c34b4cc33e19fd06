from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.models import Language
from relais import events

from .models import (
    AcknowledgementTemplate,
    InboundAddress,
    InboundEmail,
    Mailbox,
    OutboundEmail,
    WebFormTopic,
    WebhookDelivery,
    WebhookEndpoint,
)


class InboundReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    duplicate = serializers.BooleanField(
        help_text=_("True when this message was already received.")
    )


class InboundEmailSerializer(serializers.ModelSerializer):
    ticket_number = serializers.SerializerMethodField()

    class Meta:
        model = InboundEmail
        fields = [
            "id",
            "source",
            "status",
            "reason",
            "sender",
            "recipients",
            "subject",
            "message_id",
            "size",
            "raw_truncated",
            "received_at",
            "processed_at",
            "ticket",
            "ticket_number",
            "ticket_message",
            "bounced",
        ]
        read_only_fields = fields

    def get_ticket_number(self, obj: InboundEmail) -> str | None:
        return obj.ticket.number if obj.ticket_id else None


class InboundAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundAddress
        fields = ["id", "address", "queue", "is_default", "created_at"]
        read_only_fields = ["id", "created_at"]


class MailboxSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Stored encrypted; never returned."),
    )
    has_password = serializers.SerializerMethodField()

    class Meta:
        model = Mailbox
        fields = [
            "id",
            "name",
            "host",
            "port",
            "security",
            "username",
            "password",
            "has_password",
            "password_env",
            "folder",
            "after_processing",
            "processed_folder",
            "default_queue",
            "is_active",
            "last_polled_at",
            "last_error",
        ]
        read_only_fields = ["id", "last_polled_at", "last_error", "has_password"]

    def get_has_password(self, obj: Mailbox) -> bool:
        return bool(obj.password_encrypted or obj.password_env)


class OutboundEmailSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboundEmail
        fields = [
            "id",
            "purpose",
            "ticket_message",
            "from_address",
            "to",
            "cc",
            "subject",
            "message_id",
            "in_reply_to",
            "references",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
            "bounced_at",
            "bounce_reason",
        ]
        read_only_fields = fields


class AcknowledgementTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcknowledgementTemplate
        fields = ["id", "queue", "language", "subject", "body", "is_active"]


class WebFormTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebFormTopic
        fields = ["id", "name_fr", "name_en", "queue", "order", "is_active"]


class PublicTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebFormTopic
        fields = ["id", "name_fr", "name_en"]


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField(max_length=60), max_length=50)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "events", "is_active", "secret", "created_at"]
        read_only_fields = ["id", "secret", "created_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_id",
            "status",
            "attempts",
            "response_status",
            "response_excerpt",
            "latency_ms",
            "error",
            "created_at",
            "last_attempt_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields


class EventTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    app = serializers.CharField()

    def to_representation(self, instance: events.EventType) -> dict[str, Any]:
        return {"code": instance.code, "label": str(instance.label), "app": instance.app}


class SupportRequestInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    customer_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    topic = serializers.PrimaryKeyRelatedField(
        queryset=WebFormTopic.objects.filter(is_active=True, queue__is_active=True)
    )
    subject = serializers.CharField(max_length=200)
    message = serializers.CharField(min_length=10, max_length=20_000)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.FRENCH)
    website = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Honeypot: leave empty.")
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10
    )


class SupportRequestOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    follow_url = serializers.URLField()
