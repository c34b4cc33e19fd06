"""Telework agreements, their signed versions, signatures, end requests, absences, the
monthly declarations the allowance is paid on, and the HR read log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .policy import Policy


class Party(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    MANAGER = "manager", _("Manager")
    HR = "hr", _("HR")
    SYSTEM = "system", _("Relais (scheduled)")


def default_contact_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class Agreement(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular (set days)")
        OCCASIONAL = "occasional", _("Occasional (one-off days)")
        EXCEPTIONAL = "exceptional", _("Exceptional (epidemic, force majeure)")

    class Status(models.TextChoices):
        PENDING_MANAGER = "pending_manager", _("Awaiting the manager")
        PENDING_HR = "pending_hr", _("Awaiting HR validation")
        PENDING_SIGNATURES = "pending_signatures", _("Awaiting signatures")
        SIGNED = "signed", _("Signed, starts on its start date")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        REFUSED = "refused", _("Refused")
        DECLINED = "declined", _("Declined by the employee")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Statuses in which the agreement holds (or will hold) its dates.
    LIVE_STATUSES = (
        Status.PENDING_MANAGER,
        Status.PENDING_HR,
        Status.PENDING_SIGNATURES,
        Status.SIGNED,
        Status.ACTIVE,
    )
    IN_FORCE_STATUSES = (Status.SIGNED, Status.ACTIVE, Status.ENDED)

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="telework_agreements",
    )
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    initiator_party = models.CharField(_("initiated as"), max_length=10, choices=Party.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("planned end date"), null=True, blank=True, help_text=_("Empty: open-ended.")
    )
    adaptation_ends_on = models.DateField(_("adaptation period ends on"), null=True, blank=True)
    current_version = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("version in force"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The manager who decided (the employee's manager at the time)."),
    )
    manager_decided_at = models.DateTimeField(_("manager decided at"), null=True, blank=True)
    hr_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by (HR)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hr_validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refused by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    refusal_flagged = models.BooleanField(
        _("refusal to review"),
        default=False,
        help_text=_("The employee is a disabled worker or a carer: HR reviews the refusal."),
    )
    exceptional_reason = models.TextField(_("reason for exceptional telework"), blank=True)
    continuity_activation = models.ForeignKey(
        "ContinuityActivation",
        verbose_name=_("continuity activation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    ends_on = models.DateField(
        _("last telework day"),
        null=True,
        blank=True,
        help_text=_("Set when the agreement is ended; it stays active until then."),
    )
    return_to_office_on = models.DateField(_("back at the office on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    ended_by_party = models.CharField(
        _("ended by"), max_length=10, choices=Party.choices, blank=True
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("telework agreement")
        verbose_name_plural = _("telework agreements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["employee", "status"], name="telework_agr_employee_idx"),
            models.Index(fields=["status", "kind"], name="telework_agr_status_idx"),
            models.Index(fields=["status", "start_date"], name="telework_agr_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="telework_agreement_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="exceptional") | Q(end_date__isnull=False),
                name="telework_exceptional_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_kind_display()} · {self.start_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("telework:agreement", args=[self.pk])

    @property
    def last_day(self) -> dt.date | None:
        """The last day the agreement covers (its end, or the planned end)."""
        if self.ends_on and self.end_date:
            return min(self.ends_on, self.end_date)
        return self.ends_on or self.end_date

    def in_adaptation(self, on: dt.date) -> bool:
        return bool(self.adaptation_ends_on and on <= self.adaptation_ends_on)


class AgreementVersion(models.Model):
    """The terms as signed: every amendment is a new version; older ones are kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting signatures")
        SIGNED = "signed", _("Signed")
        IMPOSED = "imposed", _("Imposed (exceptional telework, no consent)")
        SUPERSEDED = "superseded", _("Replaced by a later version")
        WITHDRAWN = "withdrawn", _("Withdrawn before signature")

    IN_FORCE = (Status.SIGNED, Status.IMPOSED, Status.SUPERSEDED)

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    weekdays = models.JSONField(_("telework days"), default=list, blank=True)
    days_per_month = models.PositiveSmallIntegerField(
        _("days per month (occasional)"), null=True, blank=True
    )
    rhythm = models.CharField(_("rhythm"), max_length=200, blank=True)
    address = models.TextField(_("place of telework"))
    work_accident_place = models.BooleanField(
        _("work-accident presumption applies here"),
        default=True,
        help_text=_("An accident at this place during working hours is presumed a work accident."),
    )
    contact_starts_at = models.TimeField(_("contact hours from"))
    contact_ends_at = models.TimeField(_("contact hours until"))
    contact_weekdays = models.JSONField(
        _("days with contact hours"), default=default_contact_weekdays
    )
    effective_from = models.DateField(_("in force from"))
    text = models.TextField(_("text signed"))
    text_hash = models.CharField(_("SHA-256 of the text"), max_length=64)
    language = models.CharField(_("language"), max_length=2, default="fr")
    change_note = models.TextField(_("what changes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="telework_version_number_once"
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="pending"),
                name="telework_one_pending_version",
            ),
            models.CheckConstraint(
                condition=Q(contact_ends_at__gt=models.F("contact_starts_at")),
                name="telework_version_contact_hours_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} v{self.number}"


class Signature(models.Model):
    """An explicit acceptance of one exact text: who, when, and the hash of what they saw."""

    class Side(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        EMPLOYER = "employer", _("Employer")

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    side = models.CharField(_("signed for"), max_length=10, choices=Side.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    text_hash = models.CharField(_("SHA-256 of the text signed"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="telework_signature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.signer} {self.signed_at:%Y-%m-%d %H:%M}"


class EndRequest(models.Model):
    """After adaptation under a "mutual" policy: one party asks, the other decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="end_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    party = models.CharField(_("requested as"), max_length=10, choices=Party.choices)
    reason = models.TextField(_("reason"))
    return_to_office_on = models.DateField(_("back at the office on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("request to end telework")
        verbose_name_plural = _("requests to end telework")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="pending"),
                name="telework_one_pending_end_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.get_status_display()}"


class Absence(models.Model):
    """A day or period off telework: leave, or a scheduled day worked at the office.
    No reason beyond the kind is recorded (sickness is not HR's telework business)."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        ABSENCE = "absence", _("Other absence")
        OFFICE = "office", _("At the office that day")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="telework_absences",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LEAVE)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["employee", "starts_on"]
        indexes = [
            models.Index(fields=["employee", "starts_on"], name="telework_absence_idx"),
            models.Index(fields=["starts_on", "ends_on"], name="telework_absence_range_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="telework_absence_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class Declaration(models.Model):
    """The employee's account of the month's telework days, approved by the manager;
    once approved it replaces the schedule for the allowance."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the manager")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="telework_declarations",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    days = models.JSONField(_("telework days"), default=list)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("monthly declaration")
        verbose_name_plural = _("monthly declarations")
        ordering = ["-month", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "month"], name="telework_declaration_once"),
        ]
        indexes = [models.Index(fields=["month", "status"], name="telework_decl_month_idx")]

    def __str__(self) -> str:
        return f"{self.employee} {self.month:%Y-%m}"


class ReadLog(models.Model):
    """Every read of an agreement by HR; the employee sees who read theirs and when."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Agreement page")
        PDF = "pdf", _("PDF download")
        API = "api", _("API")
        ADMIN = "admin", _("Administration")
        EXPORT = "export", _("Allowance export")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="reads"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement read by HR")
        verbose_name_plural = _("agreement reads by HR")
        ordering = ["-read_at", "-id"]
        indexes = [models.Index(fields=["agreement", "-read_at"], name="telework_read_idx")]

    def __str__(self) -> str:
        return f"{self.reader} · {self.read_at:%Y-%m-%d %H:%M}"
