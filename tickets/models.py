"""The service desk: queues, business calendars, SLA policies, tickets and their messages.

Workflows live in `services.py`; here are fields, constraints and the indexes the inbox,
the ticket page and the SLA sweep use.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from crm.models import Contact, Organisation, Tag

NUMBER_PATTERN = re.compile(r"^\s*#?(?:T-?\d{4}-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    """When the desk is open: weekly opening hours, public and company holidays."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", help_text=_("e.g. Europe/Paris")
    )
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        default="FR",
        help_text=_("Two-letter country code whose public holidays are loaded; empty for none."),
    )
    holidays_loaded_through = models.PositiveSmallIntegerField(
        _("public holidays loaded through"),
        null=True,
        blank=True,
        help_text=_("Years up to this one hold their public holidays; delete one to work it."),
    )
    holiday_subdivision = models.CharField(
        _("region"),
        max_length=10,
        blank=True,
        help_text=_("Optional region with its own holidays, e.g. 57 for Moselle."),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["calendar", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="tickets_openinghours_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="tickets_holiday_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


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
        """ "breached", "soon" (within the warning window), "ok", "paused" or "none"."""
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
        CREATED = "created", _("Created")
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
