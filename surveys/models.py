"""Surveys: CSAT after a ticket is resolved, NPS sent to a list of contacts.

- `Survey`: the definition (kind, the queues whose resolved tickets get a CSAT survey,
  the delay, the frequency cap per contact, the follow-up queue, the answer window).
- `Invitation`: one survey sent (or to be sent) to one contact; its signed token names
  the row and a random nonce, so a token cannot be guessed or moved to another row.
- `SurveyResponse`: the answer (score, optional comment, what the emotion triage made of
  the comment). The ticket's queue, team, agent and channel are copied on it when it is
  answered, so the results are one indexed aggregate without joins.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CSAT_MIN, CSAT_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10
COMMENT_MAX = 2000


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("CSAT (1 to 5)")
    NPS = "nps", _("NPS (0 to 10)")


class Survey(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=4, choices=SurveyKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    queues = models.ManyToManyField(
        "tickets.Queue",
        verbose_name=_("queues"),
        blank=True,
        related_name="csat_surveys",
        help_text=_("CSAT: tickets resolved in these queues receive the survey."),
    )
    delay_minutes = models.PositiveIntegerField(_("delay after resolution (minutes)"), default=60)
    min_days_between = models.PositiveSmallIntegerField(
        _("at most one survey per contact every (days)"), default=30
    )
    follow_up_queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("follow-up queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A low score opens a follow-up ticket here."),
    )
    change_window_hours = models.PositiveSmallIntegerField(
        _("answer can be changed for (hours)"), default=48
    )
    valid_days = models.PositiveSmallIntegerField(_("link valid for (days)"), default=30)
    question_fr = models.CharField(_("question (French)"), max_length=300, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["csat", "nps"]), name="surveys_survey_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_days__gte=1), name="surveys_survey_valid_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    @property
    def scale(self) -> range:
        if self.kind == SurveyKind.CSAT:
            return range(CSAT_MIN, CSAT_MAX + 1)
        return range(NPS_MIN, NPS_MAX + 1)


class Invitation(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")

    class SkipReason(models.TextChoices):
        NONE = "", _("—")
        NO_CONSENT = "no_consent", _("No email consent")
        ERASED = "erased", _("Contact erased or merged")
        NO_EMAIL = "no_email", _("No email address")
        FREQUENCY = "frequency", _("Surveyed recently (frequency cap)")
        INACTIVE = "inactive", _("Survey inactive")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    skip_reason = models.CharField(
        _("reason not sent"), max_length=10, choices=SkipReason.choices, blank=True
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=2, blank=True)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    outbound_email_id = models.PositiveBigIntegerField(_("email"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One CSAT invitation per resolved ticket (a ticket resolved twice is surveyed
            # once), one NPS invitation per contact and survey: scheduling is idempotent.
            models.UniqueConstraint(
                fields=["survey", "ticket"],
                condition=Q(ticket__isnull=False),
                name="surveys_one_invitation_per_ticket",
            ),
            models.UniqueConstraint(
                fields=["survey", "contact"],
                condition=Q(ticket__isnull=True),
                name="surveys_one_nps_invitation_per_contact",
            ),
        ]
        indexes = [
            # The sweep: scheduled rows whose time has come.
            models.Index(
                fields=["send_after"],
                condition=Q(status="scheduled"),
                name="surveys_inv_due_idx",
            ),
            # The frequency cap: this contact's recent sends.
            models.Index(fields=["contact", "sent_at"], name="surveys_inv_contact_sent_idx"),
            models.Index(fields=["claim"], name="surveys_inv_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → #{self.contact_id}"


class SurveyResponse(models.Model):
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="response",
    )
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=SurveyKind.choices)
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    # Copied from the ticket when it is answered: results group on them without joins.
    queue = models.ForeignKey(
        "tickets.Queue", verbose_name=_("queue"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(
        _("comment"), blank=True, validators=[MaxLengthValidator(COMMENT_MAX)]
    )
    language = models.CharField(_("language"), max_length=2, blank=True)
    # What the emotion triage made of the comment (triage.analyser).
    comment_score = models.FloatField(_("comment tone"), null=True, blank=True)
    comment_negative = models.BooleanField(_("negative comment"), default=False)
    comment_angry = models.BooleanField(_("angry comment"), default=False)
    comment_triggers = models.JSONField(_("triggers"), default=list, blank=True)
    follow_up_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("follow-up ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_follow_up_of",
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="csat", score__gte=CSAT_MIN, score__lte=CSAT_MAX)
                           | Q(kind="nps", score__gte=NPS_MIN, score__lte=NPS_MAX)),
                name="surveys_response_score_in_scale",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["kind", "answered_at"], name="surveys_resp_kind_time_idx"),
            models.Index(fields=["contact", "-answered_at"], name="surveys_resp_contact_idx"),
            models.Index(fields=["ticket"], name="surveys_resp_ticket_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.score}"

    @property
    def scale_max(self) -> int:
        return CSAT_MAX if self.kind == SurveyKind.CSAT else NPS_MAX

    @property
    def is_low(self) -> bool:
        """A CSAT of 1-2 or an NPS detractor (0-6): opens a follow-up ticket."""
        return self.score <= (2 if self.kind == SurveyKind.CSAT else 6)
