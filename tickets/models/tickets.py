"""The ticket: its fields, constraints and the indexes the inbox and the SLA sweep use."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from crm.models import Contact, Organisation, Tag

from .queues import Category, Priority, Queue, SlaPolicy

NUMBER_PATTERN = re.compile(r"^\s*#?(?:T-?\d{4}-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING_CUSTOMER = "pending_customer", _("Pending customer")
        PENDING_THIRD_PARTY = "pending_third_party", _("Pending third party")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web form")
        CHAT = "chat", _("Chat")
        SOCIAL = "social", _("Social media")
        INTERNAL = "internal", _("Internal")

    ACTIVE_STATUSES: ClassVar[tuple[str, ...]] = (
        Status.NEW,
        Status.OPEN,
        Status.PENDING_CUSTOMER,
        Status.PENDING_THIRD_PARTY,
    )
    # The SLA clock runs only in these; pending and resolved tickets wait on someone else.
    RUNNING_STATUSES: ClassVar[tuple[str, ...]] = (Status.NEW, Status.OPEN)

    subject = models.CharField(_("subject"), max_length=200)
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    requester_user = models.ForeignKey(
        User,
        verbose_name=_("requested by (staff)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_tickets",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    assignee = models.ForeignKey(
        User,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # SLA: the due times are stored (the inbox sorts and the sweep filters on them) and
    # recomputed by services.sla_apply() on every change. Null while the clock is paused
    # or when no policy applies.
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # The earlier of the two running clocks: what "breaching soon" and the sweep read.
    sla_next_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA clock paused since"), null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(_("business seconds paused"), default=0)
    # When the breach warning is due (deadline minus the policy's warning window).
    sla_warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    sla_warned_at = models.DateTimeField(_("breach warning sent"), null=True, blank=True)
    sla_breached_at = models.DateTimeField(_("SLA breached at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    related = models.ManyToManyField("self", verbose_name=_("related tickets"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_tickets",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("The closed ticket a customer wrote to again."),
    )
    # Optimistic locking: every write bumps it; a form posted with an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(requester_user__isnull=False),
                name="tickets_ticket_has_requester",
            ),
            # One requester: a customer or a staff member, never both (services.tickets).
            models.CheckConstraint(
                condition=Q(contact__isnull=True) | Q(requester_user__isnull=True),
                name="tickets_ticket_one_requester",
            ),
        ]
        indexes = [
            # Inbox views: active tickets per assignee / team / queue, newest activity first.
            models.Index(
                fields=["assignee", "-updated_at", "-id"],
                name="tickets_mine_idx",
                condition=Q(status__in=["new", "open", "pending_customer", "pending_third_party"]),
            ),
            models.Index(
                fields=["team", "-updated_at", "-id"],
                name="tickets_team_idx",
                condition=Q(status__in=["new", "open", "pending_customer", "pending_third_party"]),
            ),
            models.Index(
                fields=["queue", "-updated_at", "-id"],
                name="tickets_unassigned_idx",
                condition=Q(
                    assignee__isnull=True,
                    status__in=["new", "open", "pending_customer", "pending_third_party"],
                ),
            ),
            models.Index(
                fields=["queue", "status", "-updated_at", "-id"], name="tickets_queue_idx"
            ),
            # "All" and "unassigned" across the visible queues, and the API's default list:
            # walk the newest rows in order and stop at 50 instead of sorting every match.
            models.Index(
                fields=["-updated_at", "-id"],
                name="tickets_active_updated_idx",
                condition=Q(status__in=["new", "open", "pending_customer", "pending_third_party"]),
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                name="tickets_unassigned_upd_idx",
                condition=Q(
                    assignee__isnull=True,
                    status__in=["new", "open", "pending_customer", "pending_third_party"],
                ),
            ),
            models.Index(fields=["-updated_at", "-id"], name="tickets_updated_idx"),
            # Breaching soon and the SLA sweep: running clocks by deadline.
            models.Index(
                fields=["sla_next_due_at", "id"],
                name="tickets_sla_due_idx",
                condition=Q(sla_next_due_at__isnull=False),
            ),
            models.Index(
                fields=["sla_next_due_at"],
                name="tickets_sla_breach_idx",
                condition=Q(sla_next_due_at__isnull=False, sla_breached_at__isnull=True),
            ),
            models.Index(
                fields=["sla_warn_at"],
                name="tickets_sla_warn_idx",
                condition=Q(sla_warn_at__isnull=False, sla_warned_at__isnull=True),
            ),
            models.Index(fields=["contact", "-created_at"], name="tickets_contact_idx"),
            models.Index(fields=["requester_user", "-created_at"], name="tickets_requester_idx"),
            # Auto-close: resolved tickets by resolution date.
            models.Index(
                fields=["resolved_at"],
                name="tickets_autoclose_idx",
                condition=Q(status="resolved"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """`T-2026-000123`: the creation year and the id, so no counter row serialises
        ticket creation; search accepts the number in any of its spellings."""
        year = timezone.localtime(self.created_at).year if self.created_at else dt.date.today().year
        return f"T-{year}-{self.pk or 0:06d}"

    @staticmethod
    def pk_from_number(text: str) -> int | None:
        match = NUMBER_PATTERN.match(text or "")
        return int(match.group(1)) if match else None

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_internal(self) -> bool:
        return self.requester_user_id is not None and self.contact_id is None

    @property
    def sla_state(self) -> str:
        """ "breached", "soon" (within the warning window), "ok", "paused" or "none" (no
        clock, or the ticket is resolved or closed: its clock stopped, it is not paused)."""
        if self.status not in self.ACTIVE_STATUSES:
            return "none"
        if self.sla_breached_at is not None and self.status in self.ACTIVE_STATUSES:
            return "breached"
        if self.sla_next_due_at is None:
            return "paused" if self.sla_paused_at is not None else "none"
        now = timezone.now()
        if self.sla_next_due_at <= now:
            return "breached"
        warn = self.sla_policy.warn_before_minutes if self.sla_policy else 30
        if self.sla_next_due_at <= now + dt.timedelta(minutes=warn):
            return "soon"
        return "ok"


# Bootstrap Icons names, one per channel: the icon beside every message's channel label.
CHANNEL_ICONS = {
    "email": "envelope",
    "phone": "telephone",
    "web": "globe",
    "chat": "chat-dots",
    "social": "people",
    "internal": "building",
}
