"""Emotion triage: the score of each customer message, the admin's routing policy, and
the agents' corrections (kept for tuning).

The score lives here, one row per message, rather than as a field on tickets.Message:
the message is the customer's words and belongs to tickets; what a machine thought of
them, which version thought it and who corrected it is triage's, and tickets shows it
through its annotation hook without knowing about triage.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Priority


class TriagePolicy(models.Model):
    """What a negative or angry message does to its ticket. One policy per queue; the one
    without a queue applies to the queues that have none."""

    queue = models.OneToOneField(
        "tickets.Queue",
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="triage_policy",
        help_text=_("Leave empty for the default policy of every other queue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    negative_threshold = models.FloatField(
        _("negative below"),
        default=-0.3,
        validators=[MinValueValidator(-1.0), MaxValueValidator(0.0)],
        help_text=_("A message scoring at or below this (from -1 to 0) is negative."),
    )
    angry_points = models.FloatField(
        _("anger points for angry"),
        default=1.5,
        validators=[MinValueValidator(0.5), MaxValueValidator(10.0)],
        help_text=_("Threats, insults, shouting... add points; this many make it angry."),
    )
    negative_priority = models.PositiveSmallIntegerField(
        _("priority of negative messages"), choices=Priority.choices, default=Priority.HIGH
    )
    angry_priority = models.PositiveSmallIntegerField(
        _("priority of angry messages"), choices=Priority.choices, default=Priority.URGENT
    )
    negative_queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("move negative messages to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the ticket stays in its queue."),
    )
    angry_queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("move angry messages to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the ticket stays in its queue."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("triage policy")
        verbose_name_plural = _("triage policies")
        ordering = ["queue__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(queue__isnull=True),
                name="triage_one_default_policy",
            ),
        ]

    def __str__(self) -> str:
        return str(self.queue) if self.queue_id else str(_("Default policy"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from .policies import policy_forget

        policy_forget()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from .policies import policy_forget

        result = super().delete(*args, **kwargs)
        policy_forget()
        return result


class MessageAssessment(models.Model):
    message = models.OneToOneField(
        "tickets.Message",
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="assessment",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    score = models.FloatField(_("score"))
    negative = models.BooleanField(_("negative"))
    angry = models.BooleanField(_("angry"))
    language = models.CharField(_("language"), max_length=2)
    anger_points = models.FloatField(_("anger points"), default=0)
    triggers = models.JSONField(_("triggers"), default=list, blank=True)
    analyser_version = models.CharField(_("analyser version"), max_length=20)
    # What triage did to the ticket: {"priority": [old, new], "queue": [old name, new name]}.
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    corrected_negative = models.BooleanField(_("negative (corrected)"), null=True, blank=True)
    corrected_angry = models.BooleanField(_("angry (corrected)"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    created_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        verbose_name = _("message assessment")
        verbose_name_plural = _("message assessments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["ticket", "-created_at"], name="triage_assessment_ticket_idx"),
            # Reports and tuning read the flagged messages and the corrected ones.
            models.Index(
                fields=["-created_at"],
                name="triage_assessment_flagged_idx",
                condition=Q(negative=True) | Q(angry=True),
            ),
            models.Index(
                fields=["-corrected_at"],
                name="triage_assessment_fixed_idx",
                condition=Q(corrected_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(angry=False) | Q(negative=True), name="triage_angry_is_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=-1.0, score__lte=1.0), name="triage_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.score:+.2f}"

    @property
    def is_negative(self) -> bool:
        """The agent's word if they corrected it, else the analyser's."""
        return self.negative if self.corrected_negative is None else self.corrected_negative

    @property
    def is_angry(self) -> bool:
        return self.angry if self.corrected_angry is None else self.corrected_angry


class AssessmentCorrection(models.Model):
    """An agent's correction, append-only: the material for tuning the rules."""

    assessment = models.ForeignKey(
        MessageAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    negative = models.BooleanField(_("negative"))
    angry = models.BooleanField(_("angry"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    # What the analyser had said, so that tuning sees the disagreement.
    analyser_negative = models.BooleanField(_("analyser said negative"))
    analyser_angry = models.BooleanField(_("analyser said angry"))
    analyser_version = models.CharField(_("analyser version"), max_length=20)
    created_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(angry=False) | Q(negative=True),
                name="triage_correction_angry_is_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} @ {self.created_at:%Y-%m-%d}"
