"""Consents per channel, and the privacy log that outlives an erased contact."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models.base import ConsentPurpose
from crm.models.contacts import Contact


class Consent(models.Model):
    """One recorded consent decision. Append-only: the latest per channel is the state."""

    class Status(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentPurpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=100, help_text=_("Where it was given: web form, call, paper...")
    )
    proof = models.TextField(
        _("proof"),
        blank=True,
        validators=[MaxLengthValidator(5000)],
        help_text=_("The wording accepted, a call reference, a document number..."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(
                fields=["contact", "channel", "-recorded_at", "-id"], name="crm_consent_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"


class PrivacyLog(models.Model):
    """Who exported or erased a contact's personal data, when and why (GDPR art. 15/17)."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Data export")
        ERASE = "erase", _("Erasure")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # Kept as a plain id: after erasure the contact row remains but holds no identity.
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contact_reference = models.CharField(_("contact reference"), max_length=50)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("privacy log entry")
        verbose_name_plural = _("privacy log")
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.contact_reference}"
