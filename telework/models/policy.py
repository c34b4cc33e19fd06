"""The company's telework rules: legal entities, staff HR files, versioned policies with
their equipment package and onboarding steps, and the dated allowance rate table."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from relais.countries import validate_country


class LegalEntity(models.Model):
    """An employer: each has its own policy and its own payroll export."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("A SIREN has 9 digits."))],
    )
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        default="FR",
        validators=[validate_country],
    )
    holiday_subdivision = models.CharField(
        _("region"),
        max_length=10,
        blank=True,
        help_text=_("Optional region with its own public holidays, e.g. 57 for Moselle."),
    )

    class Meta:
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployeeFile(models.Model):
    """HR facts about a member of staff that telework needs. Health-related flags live
    here, visible to HR, the employee and their manager only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="telework_file",
    )
    legal_entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    payroll_number = models.CharField(_("payroll number"), max_length=32, blank=True)
    disabled_worker = models.BooleanField(
        _("recognised disabled worker"),
        default=False,
        help_text=_("A refused request is highlighted to HR (reasonable accommodation)."),
    )
    carer = models.BooleanField(
        _("carer"),
        default=False,
        help_text=_("Cares for a relative; a refused request is highlighted to HR."),
    )

    class Meta:
        verbose_name = _("employee HR file")
        verbose_name_plural = _("employee HR files")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity", "payroll_number"],
                condition=~Q(payroll_number=""),
                name="telework_payroll_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Policy(models.Model):
    """A charter or collective agreement, versioned; one active version per legal entity."""

    class LegalBasis(models.TextChoices):
        COLLECTIVE_AGREEMENT = "collective_agreement", _("Collective agreement")
        CHARTER = "charter", _("Employer charter (after the CSE's opinion)")
        INDIVIDUAL = "individual", _("Individual agreement")

    class NoticeUnit(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    class EndingAfterAdaptation(models.TextChoices):
        MUTUAL = "mutual", _("By mutual agreement: one party asks, the other accepts")
        NOTICE = "notice", _("By either party, with the notice after adaptation")

    class RateSet(models.TextChoices):
        STANDARD = "standard", _("Without a collective agreement")
        COLLECTIVE = "collective", _("Under a collective agreement")

    legal_entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    cse_opinion_on = models.DateField(
        _("CSE opinion given on"),
        null=True,
        blank=True,
        help_text=_("Required for a charter: the date the works council gave its opinion."),
    )
    effective_from = models.DateField(_("in force from"))
    is_active = models.BooleanField(_("active"), default=False)
    eligible_roles = models.JSONField(
        _("eligible roles"),
        default=list,
        blank=True,
        help_text=_("Role codes (agent, supervisor...); empty means every role."),
    )
    eligible_teams = models.ManyToManyField(
        "accounts.Team",
        verbose_name=_("eligible teams"),
        blank=True,
        related_name="telework_policies",
        help_text=_("Empty means every team."),
    )
    max_days_per_week = models.PositiveSmallIntegerField(
        _("maximum telework days per week"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    max_occasional_days_per_month = models.PositiveSmallIntegerField(
        _("maximum occasional days per month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(23)],
    )
    adaptation_months = models.PositiveSmallIntegerField(
        _("adaptation period (months)"),
        default=3,
        validators=[MaxValueValidator(12)],
        help_text=_("Regular telework only; 0 for none."),
    )
    notice_unit = models.CharField(
        _("notice counted in"),
        max_length=10,
        choices=NoticeUnit.choices,
        default=NoticeUnit.CALENDAR,
    )
    notice_during_adaptation = models.PositiveSmallIntegerField(
        _("notice during adaptation (days)"), default=15, validators=[MaxValueValidator(365)]
    )
    notice_after_adaptation = models.PositiveSmallIntegerField(
        _("notice after adaptation (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    ending_after_adaptation = models.CharField(
        _("ending after adaptation"),
        max_length=10,
        choices=EndingAfterAdaptation.choices,
        default=EndingAfterAdaptation.MUTUAL,
    )
    contact_starts_at = models.TimeField(_("contact hours from"), default=dt.time(9, 0))
    contact_ends_at = models.TimeField(_("contact hours until"), default=dt.time(17, 30))
    disconnect_starts_at = models.TimeField(
        _("right to disconnect from"),
        default=dt.time(20, 0),
        help_text=_("No contact hours may fall in the disconnection period."),
    )
    disconnect_ends_at = models.TimeField(_("right to disconnect until"), default=dt.time(8, 0))
    allowance_enabled = models.BooleanField(_("daily allowance paid"), default=True)
    allowance_rate_set = models.CharField(
        _("allowance rates"), max_length=12, choices=RateSet.choices, default=RateSet.STANDARD
    )
    text_fr = models.TextField(_("text shown to employees (French)"))
    text_en = models.TextField(_("text shown to employees (English)"))
    it_rules_fr = models.TextField(_("IT usage rules (French)"), blank=True)
    it_rules_en = models.TextField(_("IT usage rules (English)"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("telework policy")
        verbose_name_plural = _("telework policies")
        ordering = ["legal_entity__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity", "version"], name="telework_policy_version_unique"
            ),
            models.UniqueConstraint(
                fields=["legal_entity"],
                condition=Q(is_active=True),
                name="telework_policy_one_active_per_entity",
            ),
            models.CheckConstraint(
                condition=Q(contact_ends_at__gt=models.F("contact_starts_at")),
                name="telework_policy_contact_hours_order",
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis="charter") | Q(cse_opinion_on__isnull=False),
                name="telework_policy_charter_has_cse_opinion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def text_for(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "fr"
        return self.text_en if language.startswith("en") else self.text_fr

    def it_rules_for(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "fr"
        return self.it_rules_en if language.startswith("en") else self.it_rules_fr


class AssetKind(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    HEADSET = "headset", _("Headset")
    SCREEN = "screen", _("Screen")
    DOCK = "dock", _("Docking station")
    PHONE = "phone", _("Phone")
    CHAIR = "chair", _("Chair")
    OTHER = "other", _("Other")


class PolicyEquipment(models.Model):
    """The package a role receives for telework under a policy."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="equipment"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=AssetKind.choices)
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("equipment package item")
        verbose_name_plural = _("equipment package")
        ordering = ["policy", "role", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "role", "kind"], name="telework_policy_equipment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.quantity} × {self.get_kind_display()}"


class Owner(models.TextChoices):
    """Who does an onboarding step."""

    HR = "hr", _("HR")
    IT = "it", _("IT")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")


class OnboardingStep(models.Model):
    """A step of the policy's onboarding checklist, copied onto each agreement."""

    policy = models.ForeignKey(
        Policy,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="onboarding_steps",
    )
    code = models.SlugField(_("code"), max_length=40)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    owner = models.CharField(_("done by"), max_length=10, choices=Owner.choices)
    mandatory = models.BooleanField(
        _("required before the first day"),
        default=True,
        help_text=_("The agreement cannot start until every required step is done."),
    )
    due_offset_days = models.SmallIntegerField(
        _("due (days from the start)"),
        default=-5,
        validators=[MinValueValidator(-90), MaxValueValidator(30)],
        help_text=_("Negative: before the first telework day; 7: a week after it."),
    )
    requires_document = models.BooleanField(_("needs a document"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        ordering = ["policy", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="telework_step_code_once"),
        ]

    def __str__(self) -> str:
        return self.title_fr


class AllowanceRate(models.Model):
    """The daily allowance and monthly cap in force from a date (URSSAF scale)."""

    rate_set = models.CharField(_("rates"), max_length=12, choices=Policy.RateSet.choices)
    valid_from = models.DateField(_("in force from"))
    daily_amount = models.DecimalField(_("per day (EUR)"), max_digits=6, decimal_places=2)
    monthly_cap = models.DecimalField(_("monthly cap (EUR)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance rates")
        ordering = ["rate_set", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["rate_set", "valid_from"], name="telework_rate_once_per_date"
            ),
            models.CheckConstraint(
                condition=Q(daily_amount__gte=0) & Q(monthly_cap__gte=models.F("daily_amount")),
                name="telework_rate_amounts_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rate_set_display()} {self.valid_from:%Y-%m-%d}"
