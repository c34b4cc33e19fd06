"""Queues, their SLA policies and categories, and the agents' presence."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User

from .calendars import BusinessCalendar


class Priority(models.IntegerChoices):
    # Integers so the inbox sorts by urgency with an index.
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Queue(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Customer service")
        IT = "it", _("Internal IT helpdesk")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="queues",
        help_text=_("The team that works this queue; its members are assigned its tickets."),
    )
    visible_to = models.ManyToManyField(
        Team,
        verbose_name=_("also visible to"),
        related_name="visible_queues",
        blank=True,
        help_text=_("Other teams whose members may see and work this queue's tickets."),
    )
    default_priority = models.PositiveSmallIntegerField(
        _("default priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    email_address = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Inbound address; replies to customers are sent from it."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        related_name="queues",
    )
    auto_assign = models.BooleanField(
        _("assign automatically"),
        default=False,
        help_text=_("Round robin among the team's present agents, within their open-ticket cap."),
    )
    agent_open_ticket_cap = models.PositiveSmallIntegerField(
        _("open tickets per agent"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Round robin skips agents who already hold this many open tickets."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_address"],
                condition=~Q(email_address=""),
                name="tickets_queue_email_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets in business minutes for one queue and priority."""

    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="sla_policies"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (business minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(525_600)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (business minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(525_600)],
    )
    warn_before_minutes = models.PositiveIntegerField(
        _("warn this many minutes before a breach"),
        default=30,
        validators=[MaxValueValidator(10_080)],
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["queue", "-priority"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "priority"], name="tickets_sla_once"),
        ]

    def __str__(self) -> str:
        return f"{self.queue} · {self.get_priority_display()}"


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    queue_kind = models.CharField(
        _("for queues of kind"), max_length=10, choices=Queue.Kind.choices, default="service"
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["queue_kind", "name"], name="tickets_category_once"),
        ]

    def __str__(self) -> str:
        return self.name


class AgentPresence(models.Model):
    """Whether an agent takes new tickets now; round robin reads it."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        BUSY = "busy", _("Busy (no new tickets)")
        AWAY = "away", _("Away")

    user = models.OneToOneField(
        User, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="presence"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AWAY
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    last_assigned_at = models.DateTimeField(_("last assigned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent presence")
        verbose_name_plural = _("agent presences")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()}"
