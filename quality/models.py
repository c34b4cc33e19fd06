"""Supervision's own rows: per-ticket facts the KPIs aggregate, the agents' presence
history (occupancy's available time), settings, per-queue thresholds and shrinkage.

The facts hold only what SQL cannot compute (business-time durations over a calendar
with holidays and pauses); everything else (queue, agent, channel, status) is read from
the ticket itself at query time, so a ticket that moved queue counts in its current one
and a bulk reassignment needs no fact update. docs/supervision.md explains the choice.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TicketFact(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="quality_fact",
    )
    merged = models.BooleanField(_("merged into another ticket"), default=False)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    first_response_s = models.PositiveIntegerField(
        _("first response time (business s)"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_s = models.PositiveIntegerField(
        _("resolution time (business s, pauses excluded)"), null=True, blank=True
    )
    # SLA outcome: the moment it was decided (the response / resolution when met, the due
    # time when missed) and whether it was met. Null: no target, or not decided yet.
    fr_sla_at = models.DateTimeField(_("first-response SLA decided at"), null=True, blank=True)
    fr_sla_met = models.BooleanField(_("first-response SLA met"), null=True, blank=True)
    res_sla_at = models.DateTimeField(_("resolution SLA decided at"), null=True, blank=True)
    res_sla_met = models.BooleanField(_("resolution SLA met"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket fact")
        verbose_name_plural = _("ticket facts")
        indexes = [
            models.Index(fields=["first_response_at"], name="quality_fact_fr_idx"),
            models.Index(fields=["resolved_at"], name="quality_fact_res_idx"),
            models.Index(fields=["fr_sla_at"], name="quality_fact_frsla_idx"),
            models.Index(fields=["res_sla_at"], name="quality_fact_ressla_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}"


class PresenceSpan(models.Model):
    """One stretch of an agent in one presence status; ended_at null while current."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("presence span")
        verbose_name_plural = _("presence spans")
        ordering = ["user", "started_at"]
        indexes = [
            models.Index(fields=["user", "started_at"], name="quality_presence_idx"),
            models.Index(
                fields=["user"], name="quality_presence_open_idx", condition=Q(ended_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.started_at:%Y-%m-%d %H:%M}"


class KpiSettings(models.Model):
    """One row (pk 1): the figures DOMAIN.md says are settings."""

    fcr_window_days = models.PositiveSmallIntegerField(
        _("FCR window (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A new contact on the same topic within this many days is not FCR."),
    )
    abandon_threshold_s = models.PositiveSmallIntegerField(
        _("short abandon threshold (s)"),
        default=5,
        validators=[MaxValueValidator(600)],
        help_text=_("Calls abandoned sooner are left out of offered and abandoned."),
    )
    service_level_s = models.PositiveSmallIntegerField(
        _("service level threshold T (s)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
    )
    service_level_target = models.PositiveSmallIntegerField(
        _("service level target (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    occupancy_alert = models.PositiveSmallIntegerField(
        _("occupancy alert (%)"), default=85, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("KPI settings")
        verbose_name_plural = _("KPI settings")

    def __str__(self) -> str:
        return str(_("KPI settings"))

    @classmethod
    def current(cls) -> KpiSettings:
        return cls.objects.get_or_create(pk=1)[0]


class QueueThreshold(models.Model):
    """When a live figure of a queue turns amber (warn) or red (alert)."""

    class Metric(models.TextChoices):
        BACKLOG = "backlog", _("Backlog")
        UNASSIGNED = "unassigned", _("Unassigned")
        BREACHING = "breaching", _("Breaching in the next hour")
        BREACHED = "breached", _("Breached")
        OLDEST_MINUTES = "oldest_minutes", _("Oldest waiting ticket (minutes)")
        CALLS_WAITING = "calls_waiting", _("Calls waiting")
        LONGEST_WAIT_S = "longest_wait_s", _("Longest call wait (s)")

    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        related_name="quality_thresholds",
    )
    metric = models.CharField(_("figure"), max_length=20, choices=Metric.choices)
    warn_at = models.PositiveIntegerField(_("amber from"))
    alert_at = models.PositiveIntegerField(_("red from"))

    class Meta:
        verbose_name = _("live threshold")
        verbose_name_plural = _("live thresholds")
        ordering = ["queue", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "metric"], name="quality_threshold_once"),
            models.CheckConstraint(
                condition=Q(alert_at__gte=models.F("warn_at")),
                name="quality_threshold_alert_after_warn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.queue} · {self.get_metric_display()}"


class ShrinkageFactor(models.Model):
    """Time paid but not on the phones (breaks, training, absence); compounded."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    percent = models.DecimalField(
        _("percent"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(95)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shrinkage factor")
        verbose_name_plural = _("shrinkage factors")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.percent} %)"


class Shift(models.Model):
    """One scheduled stretch of an agent (the rota): on a team's queues, or on one queue
    of that team. Overlaps of the same agent are refused by the services (under a lock
    on the agent's row), as are ends before starts and shifts over MAX_SHIFT_HOURS."""

    agent = models.ForeignKey(
        "accounts.User",
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="quality_shifts",
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any queue of the team."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "agent_id"]
        indexes = [
            models.Index(fields=["agent", "starts_at"], name="quality_shift_agent_idx"),
            models.Index(fields=["team", "starts_at"], name="quality_shift_team_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="quality_shift_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
