"""Agents' tools: macros and saved inbox views."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from crm.models import Tag

from .messages import Message
from .queues import Priority
from .tickets import Ticket


class Macro(models.Model):
    """A saved reply with placeholders, which may also set status, priority and tags."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(
        _("reply"),
        help_text=_(
            "Markdown. Placeholders: {{ contact.first_name }}, {{ contact.last_name }}, "
            "{{ ticket.number }}, {{ ticket.subject }}, {{ agent.first_name }}."
        ),
    )
    kind = models.CharField(
        _("posted as"), max_length=10, choices=Message.Kind.choices, default=Message.Kind.PUBLIC
    )
    set_status = models.CharField(
        _("then set status"), max_length=20, choices=Ticket.Status.choices, blank=True
    )
    set_priority = models.PositiveSmallIntegerField(
        _("then set priority"), choices=Priority.choices, null=True, blank=True
    )
    add_tags = models.ManyToManyField(Tag, verbose_name=_("add tags"), blank=True, related_name="+")
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
        help_text=_("Shared with this team; leave empty with an owner for a personal macro."),
    )
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(owner__isnull=False),
                name="tickets_macro_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SavedView(models.Model):
    """An inbox filter an agent saved: its query string, replayed as is."""

    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="tickets_savedview_once"),
        ]

    def __str__(self) -> str:
        return self.name
