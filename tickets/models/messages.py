"""Messages of a ticket (public replies and internal notes), attachments, events."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from crm.models import Contact

from .tickets import CHANNEL_ICONS, Ticket


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random component: names are not guessable even if the media root leaked.
    today = timezone.now()
    return f"tickets/{today:%Y/%m}/{uuid.uuid4().hex}/{filename[-100:]}"


class Message(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        NOTE = "note", _("Internal note")

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the requester")
        OUTBOUND = "out", _("From staff")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTBOUND
    )
    author = models.ForeignKey(
        User,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_contact = models.ForeignKey(
        Contact,
        verbose_name=_("customer author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # How this message travelled (email, web form, phone...): the ticket's channel is only
    # how the conversation started. Blank on rows older than the field: the ticket's then.
    channel = models.CharField(
        _("channel"), max_length=10, choices=Ticket.Channel.choices, blank=True, default=""
    )
    # Sanitised at write time by services (nh3); templates render it as is.
    body_html = models.TextField(_("body"))
    body_text = models.TextField(_("plain text"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="tickets_message_page_idx"),
        ]

    def __str__(self) -> str:
        return self.body_text[:80]

    @property
    def channel_icon(self) -> str:
        return CHANNEL_ICONS.get(self.channel_shown, "chat")

    @property
    def channel_shown(self) -> str:
        return self.channel or self.ticket.channel

    def get_channel_shown_display(self) -> str:
        return str(Ticket.Channel(self.channel_shown).label)


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("tickets:attachment", args=[self.pk])


class TicketEvent(models.Model):
    """The ticket's own history: who changed what, when (status, assignee, priority...)."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("ticket event", "Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        QUEUE = "queue", _("Moved to another queue")
        FIELDS = "fields", _("Properties changed")
        MERGED = "merged", _("Merged")
        SLA_WARNING = "sla_warning", _("SLA breach warning")
        SLA_BREACH = "sla_breach", _("SLA breached")
        REOPENED = "reopened", _("Reopened")
        FOLLOW_UP = "follow_up", _("Follow-up ticket opened")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["ticket", "-occurred_at", "-id"], name="tickets_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"
