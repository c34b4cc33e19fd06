"""What happened with a customer: timeline rows, notes and calls."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from crm.models.contacts import Contact, Organisation


class Activity(models.Model):
    """One row of the customer timeline, written by a service with the change it records.

    `kind` is a code registered in `crm.timeline` (later apps add theirs); the source is
    referenced by content type and id, and its link is built from the kind without a query.
    """

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=40)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.CharField(_("summary"), max_length=300)
    # Structured facts (durations, channel...) from which the reader's language renders
    # the line; `summary` is the text stored at write time (user text, search, fallback).
    data = models.JSONField(_("data"), default=dict, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(organisation__isnull=False),
                name="crm_activity_has_subject",
            ),
        ]
        indexes = [
            # The contact page and the organisation page: newest first, keyset-paginated.
            models.Index(
                fields=["contact", "-occurred_at", "-id"], name="crm_activity_contact_idx"
            ),
            models.Index(
                fields=["organisation", "-occurred_at", "-id"], name="crm_activity_org_idx"
            ),
            models.Index(fields=["source_type", "source_id"], name="crm_activity_source_idx"),
        ]

    def __str__(self) -> str:
        return self.summary


class Note(models.Model):
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("note"), validators=[MaxLengthValidator(10_000)])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


class Call(models.Model):
    """A phone call logged by an agent: the data the phone KPIs (AHT...) are computed from."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Voicemail")
        BUSY = "busy", _("Busy")
        ABANDONED = "abandoned", _("Abandoned by the caller")

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="calls",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    number = PhoneNumberField(_("phone number"), region="FR", blank=True)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (s)"))
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), default=0)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), default=0)
    after_call_seconds = models.PositiveIntegerField(_("after-call work (s)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(talk_seconds__lte=F("duration_seconds")),
                name="crm_call_talk_within_duration",
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds__lte=F("duration_seconds")),
                name="crm_call_hold_within_duration",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="crm_call_agent_idx"),
            models.Index(fields=["contact", "-started_at"], name="crm_call_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def handling_seconds(self) -> int:
        """Talk + hold + after-call work: the numerator of AHT."""
        return self.talk_seconds + self.hold_seconds + self.after_call_seconds
