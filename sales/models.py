"""Sales handoff: products, routing rules, the pipeline of opportunities and its history.

Workflows live in `services/`; here are fields, constraints and the indexes that the
kanban, the list, the escalation sweep and the KPIs read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from crm.models import Call, Consent, Contact, Organisation
from relais.countries import validate_country_list
from tickets.models import BusinessCalendar, Category, Queue, Ticket

MAX_AMOUNT = Decimal("100000000.00")  # above 100 M EUR an amount is a typo, not a deal


class Stage(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = (Stage.NEW, Stage.CONTACTED, Stage.QUALIFIED, Stage.PROPOSAL)
CLOSED_STAGES = (Stage.WON, Stage.LOST)


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Product(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    product_line = models.CharField(
        _("product line"), max_length=80, help_text=_("Routing rules may match it.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["product_line", "name"]

    def __str__(self) -> str:
        return self.name


class LostReason(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class StageProbability(models.Model):
    """The default win probability of a stage; an opportunity may override it."""

    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, unique=True)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("stage probability")
        verbose_name_plural = _("stage probabilities")
        ordering = ["probability"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.probability} %"


class SalesTeamPolicy(models.Model):
    """Per sales team: the calendar its business hours follow and how long a handoff may
    wait for acceptance before it escalates to the lead."""

    team = models.OneToOneField(
        Team,
        verbose_name=_("sales team"),
        on_delete=models.CASCADE,
        related_name="sales_policy",
        limit_choices_to={"kind": Team.Kind.SALES},
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accept_within_minutes = models.PositiveIntegerField(
        _("accept within (business minutes)"),
        default=240,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)],
    )
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalate to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the team lead."),
    )

    class Meta:
        verbose_name = _("sales team policy")
        verbose_name_plural = _("sales team policies")

    def __str__(self) -> str:
        return str(self.team)


class ServiceWarningSettings(models.Model):
    """What counts as a complaint for the "fix service first" warning (one row)."""

    complaint_queues = models.ManyToManyField(
        Queue, verbose_name=_("complaint queues"), blank=True, related_name="+"
    )
    complaint_categories = models.ManyToManyField(
        Category, verbose_name=_("complaint categories"), blank=True, related_name="+"
    )
    window_days = models.PositiveSmallIntegerField(
        _("look back (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("Complaints and bad survey answers this recent are shown to the rep."),
    )

    class Meta:
        verbose_name = _("service warning settings")
        verbose_name_plural = _("service warning settings")

    def __str__(self) -> str:
        return str(_("Service warning settings"))


class RoutingRule(models.Model):
    """Ordered: the first active rule whose criteria all match sends the handoff to its rep
    or team. Empty criteria match everything. An account owner who is a rep wins first."""

    position = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    countries = models.CharField(
        _("countries"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. FR, BE."),
        validators=[validate_country_list],
    )
    departements = models.CharField(
        _("départements"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated, e.g. 75, 92, 2A."),
    )
    postcode_prefixes = models.CharField(
        _("postcode prefixes"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated, e.g. 750, 69."),
    )
    product_line = models.CharField(_("product line"), max_length=80, blank=True)
    organisation_sizes = models.CharField(
        _("organisation sizes"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated codes: micro, small, medium, large, huge."),
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to this rep"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("or round robin in this team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Team.Kind.SALES},
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rep__isnull=False) | Q(team__isnull=False),
                name="sales_rule_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A typo ("2C", "7", "big") would silently never match: refuse it."""
        from .territory import rule_list_errors

        rule_list_errors(self.departements, self.organisation_sizes, Organisation.Size.values)


class RepStatus(models.Model):
    """Whether a rep takes new handoffs; round robin reads and updates it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.CASCADE,
        related_name="sales_status",
    )
    is_available = models.BooleanField(_("takes new handoffs"), default=True)
    last_assigned_at = models.DateTimeField(_("last handoff at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rep availability")
        verbose_name_plural = _("rep availability")

    def __str__(self) -> str:
        return str(self.user)


def opportunity_reference(pk: int) -> str:
    """What users call an opportunity: O-000123 (the list, the board, the API)."""
    return f"O-{pk:06d}"


class Opportunity(models.Model):
    contact = models.ForeignKey(
        Contact, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="opportunities"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    source_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("flagged from ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flagged_opportunities",
    )
    source_call = models.ForeignKey(
        Call,
        verbose_name=_("flagged from call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="flagged_opportunities",
    )
    # The flagging agent's team when they flagged (KPIs per team survive later moves).
    flagged_team = models.ForeignKey(
        Team,
        verbose_name=_("flagging team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    need = models.TextField(_("need"), max_length=2000)
    product = models.ForeignKey(
        Product, verbose_name=_("product or offer"), on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    amount = models.DecimalField(
        _("estimated value (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    wants_call = models.BooleanField(_("customer asks to be called"), default=True)
    # Weekdays as digits (0 = Monday): "01234" is Monday to Friday.
    best_days = models.CharField(_("best days to call"), max_length=7, blank=True)
    best_time_from = models.TimeField(_("best time from"), null=True, blank=True)
    best_time_to = models.TimeField(_("best time to"), null=True, blank=True)
    call_consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent to be called"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.NEW)
    # Effective probability: the stage's unless `probability_overridden`.
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MaxValueValidator(100)]
    )
    probability_overridden = models.BooleanField(_("probability set by hand"), default=False)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due_at = models.DateTimeField(_("next step due"), null=True, blank=True)
    next_step_reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("sales team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_opportunities",
    )
    routing_rule = models.ForeignKey(
        RoutingRule,
        verbose_name=_("routed by rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    routing_reason = models.CharField(_("routing"), max_length=200, blank=True)
    assigned_at = models.DateTimeField(_("handed to the rep at"), null=True, blank=True)
    acceptance_due_at = models.DateTimeField(_("to accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Business seconds from the flag to the acceptance, in the accepting team's calendar;
    # stored once so the KPIs aggregate it in SQL.
    acceptance_seconds = models.PositiveIntegerField(
        _("acceptance delay (business seconds)"), null=True, blank=True
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lost_note = models.CharField(_("lost note"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The "fix service first" acknowledgement: who, when, why, and which warnings it saw.
    warning_ack_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("warning acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    warning_ack_at = models.DateTimeField(_("warning acknowledged at"), null=True, blank=True)
    warning_ack_comment = models.CharField(_("acknowledgement comment"), max_length=500, blank=True)
    warning_ack_keys = models.JSONField(_("warnings acknowledged"), default=list, blank=True)
    onboarding_ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("onboarding ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="onboarding_for",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("flagged at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    OPEN_STAGES: ClassVar[tuple[str, ...]] = tuple(OPEN_STAGES)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_AMOUNT), name="sales_amount_sane"
            ),
            models.CheckConstraint(condition=Q(probability__lte=100), name="sales_probability_pct"),
            models.CheckConstraint(
                condition=~Q(stage="lost") | Q(lost_reason__isnull=False),
                name="sales_lost_has_reason",
            ),
        ]
        indexes = [
            # Kanban columns and list: per stage, most recently moved first.
            models.Index(fields=["stage", "-updated_at", "-id"], name="sales_stage_idx"),
            models.Index(fields=["owner", "stage", "-updated_at"], name="sales_owner_idx"),
            models.Index(fields=["team", "stage", "-updated_at"], name="sales_team_idx"),
            models.Index(fields=["-updated_at", "-id"], name="sales_updated_idx"),
            models.Index(fields=["flagged_by", "-created_at"], name="sales_flagger_idx"),
            models.Index(fields=["contact", "-created_at"], name="sales_contact_idx"),
            # KPIs: flags of a period.
            models.Index(fields=["created_at"], name="sales_created_idx"),
            # Forecast: open opportunities by expected close date.
            models.Index(
                fields=["expected_close_date"],
                name="sales_forecast_idx",
                condition=Q(stage__in=["new", "contacted", "qualified", "proposal", "won"]),
            ),
            # Escalation sweep and reminder sweep: only the rows still waiting.
            models.Index(
                fields=["acceptance_due_at"],
                name="sales_accept_due_idx",
                condition=Q(accepted_at__isnull=True, escalated_at__isnull=True, stage="new"),
            ),
            models.Index(
                fields=["next_step_due_at"],
                name="sales_next_step_idx",
                condition=Q(
                    next_step_reminded_at__isnull=True,
                    stage__in=["new", "contacted", "qualified", "proposal"],
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.contact}"

    def get_absolute_url(self) -> str:
        return reverse("sales:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return opportunity_reference(self.pk or 0)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / 100).quantize(Decimal("0.01"))

    @property
    def best_days_list(self) -> list[int]:
        return [int(d) for d in self.best_days if d.isdigit()]

    def callable_on(self, day: dt.date) -> bool:
        return not self.best_days or day.weekday() in self.best_days_list


class OpportunityEvent(models.Model):
    """The opportunity's own history: routing, acceptance, moves, escalations."""

    class Kind(models.TextChoices):
        FLAGGED = "flagged", _("Flagged")
        ROUTED = "routed", _("Routed")
        ACCEPTED = "accepted", _("Accepted")
        HANDED_BACK = "handed_back", _("Handed back")
        REASSIGNED = "reassigned", _("Reassigned")
        ESCALATED = "escalated", _("Escalated")
        STAGE = "stage", _("Stage changed")
        UPDATED = "updated", _("Details changed")
        WARNING_ACK = "warning_ack", _("Service warning acknowledged")
        ONBOARDING = "onboarding", _("Onboarding ticket opened")
        REMINDER = "reminder", _("Next step reminder")

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("opportunity event")
        verbose_name_plural = _("opportunity events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["opportunity", "-occurred_at", "-id"], name="sales_event_idx")
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} {self.kind}"


class SavedView(models.Model):
    """A list filter a user saved: its query string, replayed as is."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="sales_saved_views",
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved opportunity view")
        verbose_name_plural = _("saved opportunity views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="sales_savedview_once"),
        ]

    def __str__(self) -> str:
        return self.name
