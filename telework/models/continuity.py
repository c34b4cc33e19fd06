"""Business continuity: switching teams to exceptional telework, and the reserve pool."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContinuityActivation(models.Model):
    class Reason(models.TextChoices):
        EPIDEMIC = "epidemic", _("Epidemic")
        FORCE_MAJEURE = "force_majeure", _("Force majeure")
        OTHER = "other", _("Other exceptional circumstance")

    reason_kind = models.CharField(_("circumstance"), max_length=15, choices=Reason.choices)
    reason = models.TextField(_("reason"))
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: everyone eligible under an active policy."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("activated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("activated at"), default=timezone.now)
    employee_count = models.PositiveIntegerField(_("employees"), default=0)
    gap_count = models.PositiveIntegerField(_("employees with gaps"), default=0)

    class Meta:
        verbose_name = _("continuity activation")
        verbose_name_plural = _("continuity activations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="telework_activation_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_kind_display()} {self.starts_on:%Y-%m-%d}"


class ContinuityMember(models.Model):
    """One employee in an activation: what they lack, and the IT ticket raised for it."""

    activation = models.ForeignKey(
        ContinuityActivation,
        verbose_name=_("activation"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    missing_equipment = models.JSONField(_("missing equipment"), default=list, blank=True)
    missing_onboarding = models.JSONField(_("missing onboarding"), default=list, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("IT ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("employee in a continuity activation")
        verbose_name_plural = _("employees in a continuity activation")
        ordering = ["activation", "employee__last_name", "employee__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["activation", "employee"], name="telework_member_once"),
        ]

    def __str__(self) -> str:
        return str(self.employee)

    @property
    def has_gaps(self) -> bool:
        return bool(self.missing_equipment or self.missing_onboarding)


class ReserveMember(models.Model):
    """Someone supervisors may call on in a surge. Former agents only with consent."""

    class Category(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        EXPERIENCED = "experienced", _("Experienced staff of another team")
        FORMER_AGENT = "former_agent", _("Former agent")

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        LIMITED = "limited", _("Limited")
        UNAVAILABLE = "unavailable", _("Unavailable")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reserve_memberships",
    )
    full_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=15, choices=Category.choices)
    home_team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("usual team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_note = models.CharField(_("how consent was given"), max_length=300, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    last_training_on = models.DateField(_("last training"), null=True, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    availability_note = models.CharField(_("availability details"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("reserve pool member")
        verbose_name_plural = _("reserve pool")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["availability", "category"], name="telework_reserve_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None and self.consent_withdrawn_at is None


class CallUp(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        NO_ANSWER = "no_answer", _("No answer")

    member = models.ForeignKey(
        ReserveMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="call_ups"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    needed_from = models.DateField(_("needed from"))
    needed_until = models.DateField(_("needed until"))
    reason = models.CharField(_("reason"), max_length=300)
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.CharField(_("answer details"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("call-up")
        verbose_name_plural = _("call-up log")
        ordering = ["-called_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needed_until__gte=models.F("needed_from")),
                name="telework_callup_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.called_at:%Y-%m-%d}"
