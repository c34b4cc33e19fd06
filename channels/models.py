"""Channels: how customers' messages come in (email, web form) and go out (email,
webhooks). The tickets and messages themselves live in `tickets`; here are the
addresses, mailboxes, the raw mail we received or sent, and webhook endpoints.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Contact, Language
from tickets.models import Message, Queue, Ticket


class InboundAddress(models.Model):
    """An address customers write to; mail sent to it opens tickets in its queue. A queue
    may have several (support@, sav@, an old domain...). The default catches the rest."""

    address = models.EmailField(_("address"), unique=True)
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="inbound_addresses"
    )
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Mail to an address no queue claims goes to this one's queue."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("inbound address")
        verbose_name_plural = _("inbound addresses")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="channels_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} → {self.queue}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)


class Mailbox(models.Model):
    """An IMAP mailbox polled by Celery beat. The password is stored encrypted (Fernet,
    key from RELAIS_ENCRYPTION_KEY) or read from an environment variable."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (loopback or test servers only)")

    class After(models.TextChoices):
        MOVE = "move", _("Move to the processed folder")
        FLAG = "flag", _("Mark as seen and flag")
        DELETE = "delete", _("Delete")

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password_encrypted = models.TextField(_("password (encrypted)"), blank=True, editable=False)
    password_env = models.CharField(
        _("password environment variable"),
        max_length=100,
        blank=True,
        help_text=_("Read the password from this environment variable instead of storing it."),
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_processing = models.CharField(
        _("after processing"), max_length=10, choices=After.choices, default=After.MOVE
    )
    processed_folder = models.CharField(
        _("processed folder"), max_length=255, default="Relais/Processed"
    )
    default_queue = models.ForeignKey(
        Queue,
        verbose_name=_("default queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For mail to no known address; empty for the global default."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InboundEmail(models.Model):
    """One message as it arrived, stored before anything else is done with it: the
    database row is the receipt. `dedup_key` makes a second delivery of the same message
    (same Message-ID, or the same bytes when it has none) a no-op."""

    class Source(models.TextChoices):
        API = "api", _("Mail gateway (API)")
        COMMAND = "command", _("Import command")
        IMAP = "imap", _("IMAP mailbox")
        DEMO = "demo", _("Demo data")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not processed yet")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (automatic mail)")
        BOUNCE = "bounce", _("Bounce")
        QUARANTINED = "quarantined", _("Quarantined")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    dedup_key = models.CharField(_("deduplication key"), max_length=600, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    raw = models.BinaryField(_("raw source"))
    raw_truncated = models.BooleanField(_("source truncated"), default=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    recipients = models.JSONField(_("to and cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    ticket_message = models.OneToOneField(
        Message,
        verbose_name=_("ticket message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_email",
    )
    bounced = models.ForeignKey(
        "OutboundEmail",
        verbose_name=_("bounced message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bounces",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="channels_inbound_status_idx"),
            # Loop protection counts a sender's recent mail.
            models.Index(fields=["sender", "received_at"], name="channels_inbound_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} · {self.subject[:60]}"


class OutboundEmail(models.Model):
    """One email we send, whatever sent it (a reply, an acknowledgement, a campaign):
    what was sent, to whom, with which Message-ID, and what became of it. Bounces are
    attached to it by the Message-ID they quote."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    purpose = models.CharField(_("purpose"), max_length=30)
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    ticket_message = models.ForeignKey(
        Message,
        verbose_name=_("ticket message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_emails",
    )
    from_address = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    message_id = models.CharField(_("Message-ID"), max_length=500, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # Files already in storage: [{"name", "path", "content_type"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="channels_outbound_source_idx"),
            models.Index(fields=["status", "created_at"], name="channels_outbound_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject[:60]} → {', '.join(self.to)[:60]}"


class AcknowledgementTemplate(models.Model):
    """The email a customer gets when their request opened a ticket, per queue and
    language. Placeholders: {{ ticket.number }}, {{ ticket.subject }},
    {{ contact.first_name }}, {{ contact.last_name }}, {{ portal_url }}."""

    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="acknowledgements"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown, with placeholders."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("acknowledgement template")
        verbose_name_plural = _("acknowledgement templates")
        ordering = ["queue", "language"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "language"], name="channels_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.queue} · {self.get_language_display()}"


class WebFormTopic(models.Model):
    """A choice on the public form's "topic" list; the ticket goes to its queue."""

    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="web_topics"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("web form topic")
        verbose_name_plural = _("web form topics")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name_fr

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_fr


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"), max_length=100, help_text=_("Used to sign each delivery.")
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCESS = "success", _("Delivered")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=60)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="channels_delivery_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class ContactOrigin(models.Model):
    """Contacts this app created because an unknown sender wrote in: shown on the
    customer page ("created from an email") and kept for the record."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="origin"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Ticket.Channel.choices)
    inbound_email = models.ForeignKey(
        InboundEmail,
        verbose_name=_("first email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact origin")
        verbose_name_plural = _("contact origins")

    def __str__(self) -> str:
        return f"{self.contact} · {self.get_channel_display()}"
