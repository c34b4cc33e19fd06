"""Calls as the telephony platform reports them (CTI), and the numbers and extensions
that tie them to queues and agents.

Why a model of our own rather than more fields on `crm.Call`: `crm.Call` is a call an
agent logs about a known customer (the contact is required; the customer's timeline and
call list read it). The platform reports every call, including callers we do not know,
calls abandoned in the queue and calls still ringing, and the supervision KPIs need all
of them with their timestamps. So a `PhoneCall` is the platform's call, always stored;
when it ends and its caller is a known customer, `services` also writes the `crm.Call`
(durations, outcome, topic) and the timeline row, and links the two (`logged_call`).
The customer record stays the one place for "calls with this customer".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class PhoneLine(models.Model):
    """A number customers dial, and the queue its calls go to."""

    number = PhoneNumberField(_("number"), region="FR", unique=True)
    label = models.CharField(_("label"), max_length=100)
    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="phone_lines",
        help_text=_("Calls to this number wait in this queue; tickets from them open here."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("phone line")
        verbose_name_plural = _("phone lines")
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.number})"


class AgentExtension(models.Model):
    """The extension of an agent's phone on the platform."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="phone_extension",
    )
    extension = models.CharField(_("extension"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("agent extension")
        verbose_name_plural = _("agent extensions")
        ordering = ["extension"]

    def __str__(self) -> str:
        return self.extension


class PhoneCall(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting in queue")
        RINGING = "ringing", _("Ringing")
        TALKING = "talking", _("In conversation")
        ON_HOLD = "on_hold", _("On hold")
        WRAP_UP = "wrap_up", _("After-call work")
        ENDED = "ended", _("Ended")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        ABANDONED = "abandoned", _("Abandoned by the caller")
        VOICEMAIL = "voicemail", _("Voicemail")

    # Calls that are waiting for an agent: the live view counts them and their wait.
    WAITING_STATUSES = (Status.QUEUED, Status.RINGING)
    # Calls an agent is busy with: the agent's current call.
    ACTIVE_STATUSES = (Status.RINGING, Status.TALKING, Status.ON_HOLD, Status.WRAP_UP)

    external_id = models.CharField(_("platform call id"), max_length=100, unique=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    # E.164 when the platform sent a number; empty when the caller withheld it.
    caller_number = models.CharField(_("caller number"), max_length=20, blank=True)
    dialled_number = models.CharField(_("dialled number"), max_length=20)
    line = models.ForeignKey(
        PhoneLine,
        verbose_name=_("line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
    )
    # How many active customers have the caller's number (0: unknown; 2+: the agent picks).
    match_count = models.PositiveSmallIntegerField(_("matching customers"), default=0)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=30, blank=True)

    # The platform's times. offered_at is the first of them: the caller reached us.
    offered_at = models.DateTimeField(_("offered at"))
    ringing_at = models.DateTimeField(_("ringing at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    wrapup_ended_at = models.DateTimeField(_("after-call work ended at"), null=True, blank=True)
    hold_started_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    # Derived from the times above and the hold events, stored for set-based KPIs.
    wait_seconds = models.PositiveIntegerField(_("wait (s)"), default=0)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), default=0)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), default=0)
    after_call_seconds = models.PositiveIntegerField(_("after-call work (s)"), default=0)

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
    )
    logged_call = models.OneToOneField(
        "crm.Call",
        verbose_name=_("call on the customer record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_call",
    )
    pop_closed_at = models.DateTimeField(_("screen pop closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        ordering = ["-offered_at", "-id"]
        indexes = [
            # KPIs over a period: offered/answered/abandoned, wait, AHT per queue or agent.
            models.Index(fields=["queue", "offered_at"], name="telephony_call_queue_idx"),
            models.Index(fields=["agent", "offered_at"], name="telephony_call_agent_idx"),
            models.Index(fields=["offered_at"], name="telephony_call_offered_idx"),
            # Campaign attribution by the number dialled.
            models.Index(
                fields=["dialled_number", "offered_at"], name="telephony_call_dialled_idx"
            ),
            models.Index(fields=["contact", "-offered_at"], name="telephony_call_contact_idx"),
            # Live view: calls waiting now and the longest wait (a small partial index).
            models.Index(
                fields=["queue", "offered_at"],
                name="telephony_call_waiting_idx",
                condition=Q(status__in=["queued", "ringing"]),
            ),
            # The agent's current call, and the screen pop each agent's browser polls for.
            models.Index(
                fields=["agent", "-offered_at"],
                name="telephony_call_pop_idx",
                condition=Q(pop_closed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("offered_at")),
                name="telephony_call_answered_after_offered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caller_number or '?'} → {self.dialled_number} ({self.external_id})"

    def get_absolute_url(self) -> str:
        return reverse("telephony:call_detail", args=[self.pk])

    @property
    def duration_seconds(self) -> int:
        """From the caller reaching us to the end of the call."""
        if self.ended_at is None:
            return 0
        return max(0, int((self.ended_at - self.offered_at).total_seconds()))

    @property
    def handling_seconds(self) -> int:
        """Talk + hold + after-call work: the numerator of AHT."""
        return self.talk_seconds + self.hold_seconds + self.after_call_seconds


class CallEvent(models.Model):
    """One event as the platform sent it (kept raw: the call's fields are derived)."""

    class Kind(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", _("Answered")
        HOLD = "hold", _("Put on hold")
        UNHOLD = "unhold", _("Taken off hold")
        TRANSFERRED = "transferred", _("Transferred")
        ENDED = "ended", _("Ended")
        WRAPUP_END = "wrapup_end", _("After-call work ended")

    call = models.ForeignKey(
        PhoneCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    # Repeatable events (hold, unhold, transferred) are told apart by their sequence.
    sequence = models.BigIntegerField(_("sequence"), default=0)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    payload = models.JSONField(_("payload"), default=dict)

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        ordering = ["occurred_at", "id"]
        constraints = [
            # Idempotency: the platform retries; the same event is stored once.
            models.UniqueConstraint(
                fields=["call", "kind", "sequence"], name="telephony_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call.external_id} {self.kind}"
